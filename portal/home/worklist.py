"""What is waiting for a user, per role: each count is the total of the list its link opens, filtered the same way."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..access import (consortium_contracts, scope_contracts, scope_invoices, scope_runs, scope_samples,
                      scope_users)
from ..history.corrections import corrections_count
from ..models import AuditSample, Contract, SettlementRun, User
from ..objections.queries import objection_queue
from ..review.queue import OVERDUE_AFTER_WORKING_DAYS, pending_claims
from ..statements.queries import issued_runs
from ..trajectories.listing import ListFilters, count_trajectories
from ..trajectories.worklists import WORKLISTS


@dataclass(frozen=True)
class Item:
    label: str
    count: int
    endpoint: str | None = None
    args: dict = field(default_factory=dict)  # the list's filter: the link opens exactly what was counted
    anchor: str | None = None


@dataclass(frozen=True)
class Panel:
    role: str
    title: str
    items: tuple[Item, ...]


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def _trajectories(session: Session, user: User, work: str, label: str | None = None) -> Item:
    """A count of one trajectory worklist, linked to the trajectory list filtered on it."""
    return Item(label or WORKLISTS[work], count_trajectories(session, user, ListFilters(work=work)),
                "trajectories.index", {"work": work})


def _runs(session: Session, user: User, label: str, status: str, *, mine: bool = False) -> Item:
    query = scope_runs(user, select(SettlementRun.id)).where(SettlementRun.status == status)
    if mine:
        query = query.where(SettlementRun.prepared_by_id == user.id)
    return Item(label, _count(session, query), "finance.runs", {"status": status, **({"mine": "1"} if mine else {})})


def work_waiting(session: Session, user: User) -> list[Panel]:
    """Return one panel per role of the user with counts of open work, each linked to exactly those items."""
    panels = []
    if user.has_role("provider"):
        referred = count_trajectories(session, user, ListFilters(work="referred"))
        panels.append(Panel("provider", "Re-integratiebedrijf", (
            Item(WORKLISTS["referred"], referred, "trajectories.inbox"),
            _trajectories(session, user, "stale_referrals"),
            _trajectories(session, user, "returned_plans"),
            _trajectories(session, user, "rejected"),
            _trajectories(session, user, "running"),
            Item("Uitgegeven afrekeningen", issued_runs(session, user, per_page=1).total, "statements.index"),
        )))
    if user.has_role("klantmanager"):
        panels.append(Panel("klantmanager", "Klantmanager", (
            _trajectories(session, user, "plans"),
            _trajectories(session, user, "referred", "Aanmeldingen nog niet geaccepteerd"),
            _trajectories(session, user, "stale_referrals"),
            _trajectories(session, user, "running"),
        )))
    if user.has_role("reviewer"):
        today = clock.today()
        panels.append(Panel("reviewer", "Contractmanager", (
            Item("Declaraties te beoordelen", pending_claims(session, user, today=today, per_page=1).total,
                 "review.queue"),
            Item(f"Declaraties die langer dan {OVERDUE_AFTER_WORKING_DAYS} werkdagen wachten",
                 pending_claims(session, user, today=today, overdue=True, per_page=1).total,
                 "review.queue", {"overdue": "1"}),
            Item("Open bezwaren", objection_queue(session, user, status="open", per_page=1).total,
                 "objections.queue", {"status": "open"}),
        )))
    if user.has_role("finance"):
        panels.append(Panel("finance", "Financiën", (
            _runs(session, user, "Afrekeningen ter goedkeuring", "submitted"),
            _runs(session, user, "Door mij voorbereid en teruggestuurd", "returned", mine=True),
            _runs(session, user, "Concept-afrekeningen", "draft"),
            Item("Gefactureerde documenten", _count(session, scope_invoices(user)), "finance.invoices"),
            Item("Correcties sinds de laatste afrekening", corrections_count(session, consortium_contracts(user)),
                 "history.corrections"),
        )))
    if user.has_role("admin"):
        panels.append(Panel("admin", "Beheer", (
            Item("Contracten", _count(session, scope_contracts(user, select(Contract.id))), "contracts.index"),
            Item("Gebruikers", _count(session, scope_users(user, select(User.id))), "admin.index",
                 anchor="gebruikers"),
        )))
    if user.has_role("auditor"):
        panels.append(Panel("auditor", "Controle", (
            Item("Steekproeven", _count(session, scope_samples(user, select(AuditSample.id))), "auditing.samples"),
        )))
    return panels
