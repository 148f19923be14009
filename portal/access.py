"""The one place that decides who may see and do what.

Roles gate areas (403 when a role is missing). Tenancy gates objects: a bureau's
user only ever queries through its own bureau, a klantmanager through their
municipality, and an object outside that scope is a 404, so nothing leaks that it exists.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from .models import Client, Contract, Invoice, MilestoneClaim, Objection, SettlementRun, Trajectory, User

STAFF_ROLES = ("reviewer", "finance", "admin", "auditor")
# The auditor reads what staff read (the portal serves one consortium) and changes nothing.
READERS = ("finance", "admin", "reviewer", "auditor")


def requires_role(*roles: str):
    """Allow the view only to users holding one of the roles."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def scope_trajectories(user: User, query: Select | None = None) -> Select:
    """Restrict a trajectory query to what this user may see."""
    query = query if query is not None else select(Trajectory)
    if user.has_role(*STAFF_ROLES):
        return query
    conditions = []
    if user.has_role("provider") and user.provider_id is not None:
        conditions.append(Trajectory.provider_id == user.provider_id)
    if user.has_role("klantmanager") and user.municipality_id is not None:
        conditions.append(Trajectory.municipality_id == user.municipality_id)
    if not conditions:
        return query.where(False)
    return query.where(or_(*conditions))


def get_trajectory(session: Session, user: User, trajectory_id: int) -> Trajectory:
    """Load a trajectory through the user's scope, or 404."""
    trajectory = session.scalar(scope_trajectories(user).where(Trajectory.id == trajectory_id))
    if trajectory is None:
        abort(404)
    return trajectory


def get_claim(session: Session, user: User, claim_id: int) -> MilestoneClaim:
    """Load a claim through the user's trajectory scope, or 404."""
    query = scope_trajectories(user, select(MilestoneClaim).join(MilestoneClaim.trajectory))
    claim = session.scalar(query.where(MilestoneClaim.id == claim_id))
    if claim is None:
        abort(404)
    return claim


def get_client(session: Session, user: User, client_id: int) -> Client:
    """Load a client as their municipality's klantmanager, or 404 (a bureau sees clients only through a trajectory)."""
    client = None
    if user.has_role("klantmanager") and user.municipality_id is not None:
        client = session.scalar(select(Client).where(Client.id == client_id,
                                                     Client.municipality_id == user.municipality_id))
    if client is None:
        abort(404)
    return client


def scope_invoices(user: User, query: Select | None = None) -> Select:
    """Finance sees every invoice; a bureau its own; others none."""
    query = query if query is not None else select(Invoice)
    if user.has_role(*READERS):
        return query
    if user.has_role("provider") and user.provider_id is not None:
        return query.where(Invoice.provider_id == user.provider_id)
    return query.where(False)


def scope_runs(user: User, query: Select | None = None) -> Select:
    """Finance sees every settlement run; a bureau only issued runs of its own contracts."""
    query = query if query is not None else select(SettlementRun)
    if user.has_role(*READERS):
        return query
    if user.has_role("provider") and user.provider_id is not None:
        return (query.join(SettlementRun.contract)
                .where(Contract.provider_id == user.provider_id, SettlementRun.status == "issued"))
    return query.where(False)


def scope_contracts(user: User, query: Select | None = None) -> Select:
    """Staff see every contract; a bureau its own; others none."""
    query = query if query is not None else select(Contract)
    if user.has_role(*STAFF_ROLES):
        return query
    if user.has_role("provider") and user.provider_id is not None:
        return query.where(Contract.provider_id == user.provider_id)
    return query.where(False)


def scope_objections(user: User, query: Select | None = None) -> Select:
    """The contract manager sees every objection; a bureau its own; others none."""
    query = query if query is not None else select(Objection)
    if user.has_role("reviewer", "auditor"):
        return query
    if user.has_role("provider") and user.provider_id is not None:
        return query.where(Objection.provider_id == user.provider_id)
    return query.where(False)


def get_objection(session: Session, user: User, objection_id: int) -> Objection:
    """Load an objection through the user's scope, or 404."""
    objection = session.scalar(scope_objections(user).where(Objection.id == objection_id))
    if objection is None:
        abort(404)
    return objection


# Results (meten): the consortium (staff and klantmanagers) sees every contract's results, a
# klantmanager's counts limited to their municipality; a bureau only its own contracts.
RESULTS_ROLES = ("reviewer", "finance", "admin", "klantmanager")


def scope_result_contracts(user: User) -> Select:
    """Return the ids of the contracts whose results the user may see."""
    query = select(Contract.id)
    if user.has_role(*RESULTS_ROLES):
        return query
    if user.has_role("provider") and user.provider_id is not None:
        return query.where(Contract.provider_id == user.provider_id)
    return query.where(False)


def results_municipality(user: User) -> int | None:
    """Return the municipality a klantmanager's results are limited to (None for staff: everything)."""
    if user.has_role(*STAFF_ROLES):
        return None
    return user.municipality_id if user.has_role("klantmanager") else None


def scope_bureau_contracts(user: User) -> Select:
    """Return the ids of a bureau user's own contracts (none for anyone else)."""
    if user.has_role("provider") and user.provider_id is not None:
        return select(Contract.id).where(Contract.provider_id == user.provider_id)
    return select(Contract.id).where(False)


def get_client_as_admin(session: Session, user: User, client_id: int) -> Client:
    """Load a client for the functioneel beheerder (admin: the inzage export, transfers), or 404."""
    client = session.get(Client, client_id) if user.has_role("admin") else None
    if client is None:
        abort(404)
    return client
