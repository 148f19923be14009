"""The review queue: pending claims oldest first, with their age in working days; set-based and paginated."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import settlement
from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session

from ..access import scope_municipalities, scope_trajectories
from ..hardening import database_id
from ..models.enums import MILESTONE_TYPES
from ..models import Contract, EvidenceFile, MilestoneClaim, Municipality, Provider, Trajectory, User

# A claim waiting longer than this many working days is flagged in the queue.
OVERDUE_AFTER_WORKING_DAYS = 10


def working_days_between(start: date, end: date) -> int:
    """Count the working days (Monday to Friday) after `start` up to and including `end`."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    weekday = start.weekday()
    return weeks * 5 + sum(1 for i in range(1, rest + 1) if (weekday + i) % 7 < 5)


def overdue_cutoff(today: date) -> date:
    """Return the latest submission date that has waited more than the allowed working days by `today`."""
    day = today
    while working_days_between(day, today) <= OVERDUE_AFTER_WORKING_DAYS:
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class QueueRow:
    claim_id: int
    ref: str
    type: str
    date: date
    submitted: date
    trajectory_id: int
    trajectory_ref: str
    contract_code: str
    provider_name: str
    municipality_name: str
    evidence_count: int
    age: int  # working days waiting
    late: bool  # submitted after the contract's deadline: withheld whatever the decision

    @property
    def overdue(self) -> bool:
        return self.age > OVERDUE_AFTER_WORKING_DAYS


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


@dataclass(frozen=True)
class QueueFilter:
    """What the reviewer narrowed the queue to; every field optional."""

    contract_id: int | None = None
    provider_id: int | None = None
    type: str | None = None
    municipality_id: int | None = None
    late: bool | None = None  # True: only late claims, False: only claims in time
    overdue: bool = False  # only claims waiting longer than OVERDUE_AFTER_WORKING_DAYS

    @classmethod
    def from_args(cls, args) -> "QueueFilter":
        late = {"ja": True, "nee": False}.get(args.get("te_laat") or "")
        milestone = args.get("mijlpaal") or None
        return cls(contract_id=args.get("contract", type=database_id), provider_id=args.get("bureau", type=database_id),
                   type=milestone if milestone in MILESTONE_TYPES else None,
                   municipality_id=args.get("gemeente", type=database_id), late=late,
                   overdue=args.get("overdue") == "1")

    def args(self) -> dict:
        values = {"contract": self.contract_id, "bureau": self.provider_id, "mijlpaal": self.type,
                  "gemeente": self.municipality_id, "te_laat": None if self.late is None else ("ja" if self.late else "nee"),
                  "overdue": "1" if self.overdue else None}
        return {key: value for key, value in values.items() if value is not None}


_COLUMNS = (MilestoneClaim.id, MilestoneClaim.ref, MilestoneClaim.type, MilestoneClaim.date, MilestoneClaim.submitted,
            Trajectory.id, Trajectory.ref, Contract.code, Provider.name, Municipality.name,
            Contract.submission_deadline_days)
_ORDER = (MilestoneClaim.submitted, MilestoneClaim.id)


def _pending(user: User, wanted: QueueFilter, today: date, columns=_COLUMNS) -> Select:
    query = (select(*columns)
             .join(MilestoneClaim.trajectory).join(Trajectory.contract).join(Contract.provider)
             .join(Trajectory.municipality)
             .where(MilestoneClaim.review == "pending"))
    query = scope_trajectories(user, query)
    if wanted.contract_id is not None:
        query = query.where(Trajectory.contract_id == wanted.contract_id)
    if wanted.provider_id is not None:
        query = query.where(Trajectory.provider_id == wanted.provider_id)
    if wanted.type is not None:
        query = query.where(MilestoneClaim.type == wanted.type)
    if wanted.municipality_id is not None:
        query = query.where(Trajectory.municipality_id == wanted.municipality_id)
    if wanted.overdue:
        query = query.where(MilestoneClaim.submitted <= overdue_cutoff(today))
    return query


def _late_ids(session: Session, query: Select, late: bool) -> list[int]:
    """The claims of the query that are (or are not) late, by the engine's rule; in queue order.

    Lateness is the settlement's rule (settlement.is_late), so it is not written again in SQL: the
    pending claims' dates are read (three columns) and judged here, then the page is cut from the ids.
    """
    rows = session.execute(query.with_only_columns(MilestoneClaim.id, MilestoneClaim.date, MilestoneClaim.submitted,
                                                   Contract.submission_deadline_days).order_by(*_ORDER)).all()
    return [claim_id for claim_id, happened, submitted, days in rows
            if settlement.is_late(happened, submitted, days) == late]


def pending_claims(session: Session, user: User, *, today: date, contract_id: int | None = None,
                   provider_id: int | None = None, overdue: bool = False, page: int = 1, per_page: int = 50,
                   wanted: QueueFilter | None = None) -> Page:
    """Return one page of pending claims in the user's scope, oldest submission first."""
    wanted = wanted or QueueFilter(contract_id=contract_id, provider_id=provider_id, overdue=overdue)
    query = _pending(user, wanted, today)
    if wanted.late is None:
        total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    else:
        ids = _late_ids(session, query, wanted.late)
        total = len(ids)
    pages = max(1, math.ceil(total / per_page))
    number = min(max(page, 1), pages)
    if wanted.late is None:
        found = session.execute(query.order_by(*_ORDER).limit(per_page).offset((number - 1) * per_page)).all()
    else:
        chosen = ids[(number - 1) * per_page:number * per_page]
        found = session.execute(query.where(MilestoneClaim.id.in_(chosen)).order_by(*_ORDER)).all() if chosen else []
    counts = evidence_counts(session, [r[0] for r in found])
    rows = [QueueRow(claim_id, ref, type_, happened, submitted, trajectory_id, trajectory_ref, contract_code,
                     provider_name, municipality_name, counts.get(claim_id, 0),
                     working_days_between(submitted, today), settlement.is_late(happened, submitted, deadline_days))
            for (claim_id, ref, type_, happened, submitted, trajectory_id, trajectory_ref, contract_code,
                 provider_name, municipality_name, deadline_days) in found]
    return Page(rows, number, per_page, total)


def next_pending(session: Session, user: User, wanted: QueueFilter, after: MilestoneClaim,
                 today: date) -> int | None:
    """The claim after `after` in the (filtered) queue, or the first one left; None when the queue is empty."""
    query = _pending(user, wanted, today).where(MilestoneClaim.id != after.id)
    if wanted.late is not None:
        ids = _late_ids(session, query, wanted.late)
        later = session.scalars(select(MilestoneClaim.id).where(
            MilestoneClaim.id.in_(ids), tuple_(*_ORDER) > tuple_(after.submitted, after.id))
            .order_by(*_ORDER).limit(1)).first() if ids else None
        return later or (ids[0] if ids else None)
    ids = query.with_only_columns(MilestoneClaim.id)
    later = session.scalars(ids.where(tuple_(*_ORDER) > tuple_(after.submitted, after.id)).order_by(*_ORDER)
                            .limit(1)).first()
    return later or session.scalars(ids.order_by(*_ORDER).limit(1)).first()


def evidence_counts(session: Session, claim_ids: list[int]) -> dict[int, int]:
    """Return the number of evidence files per claim, in one query."""
    if not claim_ids:
        return {}
    return dict(session.execute(select(EvidenceFile.claim_id, func.count()).where(
        EvidenceFile.claim_id.in_(claim_ids)).group_by(EvidenceFile.claim_id)).all())


def municipality_choices(session: Session, user: User) -> list:
    """Return the municipalities (id, name) of the user's consortium the queue can be filtered on."""
    return session.execute(scope_municipalities(user, select(Municipality.id, Municipality.name))
                           .order_by(Municipality.name)).all()
