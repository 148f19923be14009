"""The trajectory list: one set-based query, scoped to the user, filtered, searched, sorted and paginated."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from math import ceil

from sqlalchemy import ColumnElement, Select, String, and_, case, exists, false, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from .. import clock
from ..access import scope_trajectories
from ..clients.ladder import proposed_measurements
from ..clients.facts import clients_in_target_group, clients_with_benefit, clients_with_profile, target_groups_on
from ..models import Client, Contract, MilestoneClaim, Municipality, Provider, Trajectory, User
from .worklists import rejected_not_reclaimed, worklist_condition

#: Up to this many trajectories the list counts them exactly; beyond, it shows an estimate.
EXACT_COUNT_UP_TO = 1000
SORTS = ("ref", "start", "status", "municipality")
REF = re.compile(r"[A-Za-z]\d+")
#: The width of the numbers the portal gives (T000201, C000042): shorter imported ones are shown this wide.
DISPLAY_DIGITS = 6


@dataclass(frozen=True)
class ListFilters:
    status: str | None = None
    segment: str | None = None
    municipality_id: int | None = None
    target_group: str | None = None   # the client's target groups today (portal.clients.facts)
    benefit: str | None = None        # the client's benefit today
    profile: str | None = None        # the client's profile today (a code of the admin's list)
    waiting: bool = False         # "wacht op mij": needs this user's action
    work: str | None = None       # a named worklist of the start page (portal.trajectories.worklists)
    q: str | None = None          # trajectory ref, client ref or (part of) the client's last name
    sort: str = "ref"
    descending: bool = False


@dataclass(frozen=True)
class ListRow:
    id: int
    ref: str
    status: str
    plan_status: str
    segment: str
    referred_on: date
    start: date | None
    end: date | None
    end_reason: str | None
    municipality: str
    client_ref: str | None
    client_name: str | None
    target_group: str | None     # as given at registration
    client_id: int | None
    contract_code: str
    provider_name: str
    waiting: bool
    target_groups: frozenset[str] = frozenset()  # the client's target groups today (portal.clients.facts)


@dataclass(frozen=True)
class ListPage:
    rows: list[ListRow]
    total: int
    number: int
    size: int
    filters: ListFilters = field(default_factory=ListFilters)
    estimated: bool = False  # total is the planner's estimate (beyond EXACT_COUNT_UP_TO)

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.size))


# The aliases and the "rejected, not claimed again" condition of waiting_condition, built once.
_CLAIM, _NEWER, _OWN = aliased(MilestoneClaim), aliased(MilestoneClaim), aliased(Trajectory)
_REJECTED_NOT_RECLAIMED = and_(_CLAIM.review == "rejected",
                               ~exists().where(_NEWER.trajectory_id == _CLAIM.trajectory_id,
                                               _NEWER.type == _CLAIM.type, _NEWER.id > _CLAIM.id))


def waiting_condition(user: User, *, per_row: bool = False) -> ColumnElement[bool]:
    """Return the condition "this trajectory waits for this user's action".

    For a bureau: a new referral, a returned plan, or a rejected claim without a newer
    claim of its type. As a filter (per_row=False) the rejected claims are looked up as
    one set of the bureau's own trajectories; as the marker on a page of fifty rows
    (per_row=True) as a correlated EXISTS, which then costs fifty index probes.
    """
    if user.has_role("provider"):
        if per_row:
            rejected = exists().where(_CLAIM.trajectory_id == Trajectory.id, _REJECTED_NOT_RECLAIMED)
        else:
            rejected = rejected_not_reclaimed(user.provider_id)
        return or_(Trajectory.status == "referred",
                   and_(Trajectory.plan_status == "returned", Trajectory.status.in_(("accepted", "active"))),
                   rejected)
    if user.has_role("klantmanager"):
        # A submitted plan, or a ladder measurement the bureau proposed (issue 9).
        return or_(and_(Trajectory.plan_status == "submitted", Trajectory.status.in_(("accepted", "active"))),
                   Trajectory.id.in_(proposed_measurements()))
    return false()


def ref_spellings(ref: str) -> list[str]:
    """Every stored spelling of a number as shown (T000002 may be stored as T2, T0002, ..., T000002)."""
    letter, number = ref[0].upper(), int(ref[1:])
    return sorted({ref.upper()} | {f"{letter}{number:0{width}d}" for width in range(1, DISPLAY_DIGITS + 1)})


def display_ref(ref: str | None) -> str:
    """Show a number with one width (T0002 as T000002, like the portal's own T000201); other refs as they are."""
    if ref and REF.fullmatch(ref) and len(ref) - 1 < DISPLAY_DIGITS:
        return f"{ref[0]}{int(ref[1:]):0{DISPLAY_DIGITS}d}"
    return ref or ""


def filtered(user: User, filters: ListFilters, query: Select) -> Select:
    """Apply the user's scope and the filters to a query over trajectories."""
    query = scope_trajectories(user, query)
    if filters.status:
        query = query.where(Trajectory.status == filters.status)
    if filters.segment:
        query = query.where(Trajectory.segment == filters.segment)
    if filters.municipality_id:
        query = query.where(Trajectory.municipality_id == filters.municipality_id)
    # Client conditions are id sets, so the page query never has to join the client table.
    if filters.target_group:
        query = query.where(Trajectory.client_id.in_(clients_in_target_group(filters.target_group, clock.today())))
    if filters.benefit:
        query = query.where(Trajectory.client_id.in_(clients_with_benefit(filters.benefit, clock.today())))
    if filters.profile:
        query = query.where(Trajectory.client_id.in_(clients_with_profile(filters.profile, clock.today())))
    if filters.waiting:
        query = query.where(waiting_condition(user))
    if filters.work:
        query = query.where(worklist_condition(user, filters.work, clock.today()))
    q = (filters.q or "").strip()
    if REF.fullmatch(q):  # T000123 or C0042: a trajectory or client number, found through the unique indexes
        refs = ref_spellings(q)
        by_ref = union(select(Trajectory.id).where(Trajectory.ref.in_(refs)),
                       select(Trajectory.id).join(Client, Client.id == Trajectory.client_id)
                       .where(Client.ref.in_(refs)))
        query = query.where(Trajectory.id.in_(select(by_ref.subquery().c.id)))
    elif q:
        query = query.where(Trajectory.client_id.in_(select(Client.id).where(
            Client.last_name.icontains(q, autoescape=True))))
    return query


def natural_ref(column=Trajectory.ref):
    """A sort key that orders T0002 < T201 < T000300: the letter, then the number zero-padded to one width.

    Refs are stored as made (T0002 by an import, T000201 by the portal): the key, not the data, is normalised.
    Plain substr/ltrim/length/||, the same on SQLite and PostgreSQL; 40 zeros cover the column's length.
    """
    digits = func.ltrim(func.substr(column, 2), "0", type_=String)
    return (func.substr(column, 1, 1, type_=String) + func.substr("0" * 40, 1, 40 - func.length(digits), type_=String)
            + digits)


def _sort_column(filters: ListFilters):
    return {"ref": natural_ref(), "start": Trajectory.start, "status": Trajectory.status,
            "municipality": Municipality.name}.get(filters.sort, natural_ref())


def _ordering(key, id_column, filters: ListFilters) -> list:
    if filters.descending:
        return [key.desc().nulls_first() if filters.sort == "start" else key.desc(), id_column.desc()]
    return [key.asc().nulls_last() if filters.sort == "start" else key.asc(), id_column.asc()]


def _page_ids(user: User, filters: ListFilters) -> Select:
    """Return the ids (with their sort key) in list order, joining only what the filters and the sort need."""
    query = select(Trajectory.id.label("id"), _sort_column(filters).label("sort_key")).select_from(Trajectory)
    if filters.sort == "municipality":
        query = query.join(Municipality, Municipality.id == Trajectory.municipality_id)
    query = filtered(user, filters, query)
    return query.order_by(*_ordering(_sort_column(filters), Trajectory.id, filters))


def rows_query(user: User, filters: ListFilters, *, offset: int | None = None, limit: int | None = None,
               with_waiting: bool = True) -> Select:
    """Return the list's rows: first the page of ids from the trajectory table alone, then the joins for those rows.

    Looking the columns up only for the rows of the page keeps a deep page and the
    "wacht op u" marker cheap: the EXISTS runs for fifty rows, not for the whole scope.
    """
    page = _page_ids(user, filters).offset(offset).limit(limit).subquery("page")
    waiting = (case((waiting_condition(user, per_row=True), True), else_=False) if with_waiting
               else false()).label("waiting")
    query = (select(Trajectory.id, Trajectory.ref, Trajectory.status, Trajectory.plan_status, Trajectory.segment,
                    Trajectory.referred_on, Trajectory.start, Trajectory.end, Trajectory.end_reason,
                    Municipality.name.label("municipality"), Client.ref.label("client_ref"),
                    Client.last_name.label("client_name"), Client.target_group, Trajectory.client_id,
                    Contract.code.label("contract_code"), Provider.name.label("provider_name"), waiting)
             .select_from(page)
             .join(Trajectory, Trajectory.id == page.c.id)
             .join(Municipality, Municipality.id == Trajectory.municipality_id)
             .join(Contract, Contract.id == Trajectory.contract_id)
             .join(Provider, Provider.id == Trajectory.provider_id)
             .outerjoin(Client, Client.id == Trajectory.client_id))
    return query.order_by(*_ordering(page.c.sort_key, page.c.id, filters))


def count_trajectories(session: Session, user: User, filters: ListFilters) -> int:
    """Count the filtered trajectories from the trajectory table alone."""
    return session.scalar(filtered(user, filters, select(func.count(Trajectory.id)).select_from(Trajectory)))


def cheap_count(session: Session, user: User, filters: ListFilters) -> tuple[int, bool]:
    """Count exactly up to EXACT_COUNT_UP_TO; beyond that PostgreSQL's planner estimate (True: an estimate).

    An exact COUNT over a bureau's fifty thousand trajectories cost more than the rest of the
    page; nobody pages to the end of such a list, and the page says "ongeveer".
    """
    ids = filtered(user, filters, select(Trajectory.id).select_from(Trajectory))
    bounded = session.scalar(select(func.count()).select_from(ids.limit(EXACT_COUNT_UP_TO + 1).subquery()))
    if bounded <= EXACT_COUNT_UP_TO:
        return bounded, False
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return count_trajectories(session, user, filters), False
    compiled = ids.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    return max(int(plan[0]["Plan"]["Plan Rows"]), bounded), True


def list_trajectories(session: Session, user: User, filters: ListFilters, *, page: int = 1,
                      size: int = 50) -> ListPage:
    """Return one page of the user's trajectories."""
    total, estimated = cheap_count(session, user, filters)
    pages = max(1, ceil(total / size))
    # An estimate may be short: a page past it is still asked for (and may come back empty).
    number = max(1, page) if estimated else min(max(1, page), pages)
    rows = session.execute(rows_query(user, filters, offset=(number - 1) * size, limit=size)).all()
    groups = target_groups_on(session, [r.client_id for r in rows if r.client_id is not None], clock.today())
    return ListPage([ListRow(**row._mapping, target_groups=groups.get(row.client_id, frozenset())) for row in rows],
                    total, number, size, filters, estimated)
