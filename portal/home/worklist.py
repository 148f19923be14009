"""What is waiting for a user, per role: a few counting queries."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access import (consortium_contracts, scope_contracts, scope_invoices, scope_objections, scope_runs,
                      scope_trajectories, scope_users)
from ..history.corrections import corrections_count
from ..models import Invoice, MilestoneClaim, Objection, SettlementRun, Trajectory, User


@dataclass(frozen=True)
class Item:
    label: str
    count: int
    endpoint: str | None = None


@dataclass(frozen=True)
class Panel:
    role: str
    title: str
    items: tuple[Item, ...]


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery()))


def work_waiting(session: Session, user: User) -> list[Panel]:
    """Return one panel per role of the user with counts of open work."""
    panels = []
    if user.has_role("provider"):
        mine = scope_trajectories(user)
        panels.append(Panel("provider", "Re-integratiebedrijf", (
            Item("Nieuwe aanmeldingen", _count(session, mine.where(Trajectory.status == "referred")),
                 endpoint="trajectories.inbox"),
            Item("Lopende trajecten", _count(session, mine.where(Trajectory.status.in_(("accepted", "active")))),
                 endpoint="trajectories.index"),
            Item("Afgekeurde declaraties", _count(session, scope_trajectories(
                user, select(MilestoneClaim).join(MilestoneClaim.trajectory)).where(
                MilestoneClaim.review == "rejected")), endpoint="trajectories.index"),
            Item("Facturen", _count(session, select(Invoice).where(Invoice.provider_id == user.provider_id)),
                 endpoint="statements.index"),
        )))
    if user.has_role("klantmanager"):
        mine = scope_trajectories(user)
        panels.append(Panel("klantmanager", "Klantmanager", (
            Item("Trajectplannen ter goedkeuring", _count(session, mine.where(Trajectory.plan_status == "submitted")),
                 endpoint="trajectories.index"),
            Item("Aanmeldingen nog niet geaccepteerd", _count(session, mine.where(Trajectory.status == "referred")),
                 endpoint="trajectories.index"),
            Item("Lopende trajecten", _count(session, mine.where(Trajectory.status.in_(("accepted", "active")))),
                 endpoint="trajectories.index"),
        )))
    if user.has_role("reviewer"):
        panels.append(Panel("reviewer", "Contractmanager", (
            Item("Declaraties te beoordelen", _count(session, scope_trajectories(
                user, select(MilestoneClaim).join(MilestoneClaim.trajectory)).where(
                MilestoneClaim.review == "pending")), endpoint="review.queue"),
            Item("Open bezwaren", _count(session, scope_objections(user).where(Objection.status == "open")),
                 endpoint="objections.queue"),
        )))
    if user.has_role("finance"):
        panels.append(Panel("finance", "Financiën", (
            Item("Afrekeningen ter goedkeuring", _count(session, scope_runs(user).where(
                SettlementRun.status == "submitted")), endpoint="finance.runs"),
            Item("Concept-afrekeningen", _count(session, scope_runs(user).where(SettlementRun.status == "draft")),
                 endpoint="finance.runs"),
            Item("Gefactureerde documenten", _count(session, scope_invoices(user)), endpoint="finance.invoices"),
            Item("Correcties sinds de laatste afrekening", corrections_count(session, consortium_contracts(user)),
                 endpoint="history.corrections"),
        )))
    if user.has_role("admin"):
        panels.append(Panel("admin", "Beheer", (
            Item("Contracten", _count(session, scope_contracts(user))),
            Item("Gebruikers", _count(session, scope_users(user))),
        )))
    return panels
