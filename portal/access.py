"""The one place that decides who may see and do what.

Roles gate areas (403 when a role is missing). Tenancy gates objects: a bureau's
user only ever queries through its own bureau, a klantmanager through their
municipality, staff (reviewer, finance, admin, auditor) through their consortium's
contracts, and an object outside that scope is a 404, so nothing leaks that it exists.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, String, cast, exists, false, or_, select
from sqlalchemy.orm import Session

from .models import (AuditEvent, AuditSample, BankStatement, Client, Contract, Invoice, MilestoneClaim,
                     Municipality, Objection, Provider, SettlementRun, Trajectory, User)

STAFF_ROLES = ("reviewer", "finance", "admin", "auditor")
# The auditor reads what staff of its consortium read and changes nothing.
READERS = ("finance", "admin", "reviewer", "auditor")


def consortium_of(user: User) -> int | None:
    """Return the consortium a staff user or klantmanager works for (None for a bureau user)."""
    if user.consortium_id is not None:
        return user.consortium_id
    return user.municipality.consortium_id if user.municipality is not None else None


def same_consortium(column, user: User):
    """Return the condition `column` equals the user's consortium (false when the user has none)."""
    consortium_id = consortium_of(user)
    return column == consortium_id if consortium_id is not None else false()


def consortium_contracts(user: User) -> Select:
    """Return the ids of the contracts of the user's consortium (none when the user has no consortium)."""
    return select(Contract.id).where(same_consortium(Contract.consortium_id, user))


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
        return query.where(Trajectory.contract_id.in_(consortium_contracts(user)))
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
    """Staff see their consortium's invoices; a bureau its own; others none."""
    query = query if query is not None else select(Invoice)
    if user.has_role(*READERS):
        return query.where(Invoice.contract_id.in_(consortium_contracts(user)))
    if user.has_role("provider") and user.provider_id is not None:
        return query.where(Invoice.provider_id == user.provider_id)
    return query.where(False)


def scope_bank_statements(user: User, query: Select | None = None) -> Select:
    """Finance and the auditor see the bank statements read in by their consortium's staff; nobody else any."""
    query = query if query is not None else select(BankStatement)
    if user.has_role("finance", "auditor"):
        return query.where(BankStatement.imported_by_id.in_(_consortium_staff(user)))
    return query.where(False)


def _consortium_staff(user: User) -> Select:
    return select(User.id).where(same_consortium(User.consortium_id, user))


def scope_runs(user: User, query: Select | None = None) -> Select:
    """Staff see their consortium's settlement runs; a bureau only issued runs of its own contracts."""
    query = query if query is not None else select(SettlementRun)
    if user.has_role(*READERS):
        return query.where(SettlementRun.contract_id.in_(consortium_contracts(user)))
    if user.has_role("provider") and user.provider_id is not None:
        return (query.join(SettlementRun.contract)
                .where(Contract.provider_id == user.provider_id, SettlementRun.status == "issued"))
    return query.where(False)


def scope_contracts(user: User, query: Select | None = None) -> Select:
    """Staff see their consortium's contracts; a bureau its own; others none."""
    query = query if query is not None else select(Contract)
    if user.has_role(*STAFF_ROLES):
        return query.where(Contract.id.in_(consortium_contracts(user)))
    if user.has_role("provider") and user.provider_id is not None:
        return query.where(Contract.provider_id == user.provider_id)
    return query.where(False)


def scope_objections(user: User, query: Select | None = None) -> Select:
    """The contract manager sees the consortium's objections; a bureau its own; others none."""
    query = query if query is not None else select(Objection)
    if user.has_role("reviewer", "auditor"):
        return query.where(Objection.claim_id.in_(
            select(MilestoneClaim.id).join(MilestoneClaim.trajectory)
            .where(Trajectory.contract_id.in_(consortium_contracts(user)))))
    if user.has_role("provider") and user.provider_id is not None:
        return query.where(Objection.provider_id == user.provider_id)
    return query.where(False)


def get_objection(session: Session, user: User, objection_id: int) -> Objection:
    """Load an objection through the user's scope, or 404."""
    objection = session.scalar(scope_objections(user).where(Objection.id == objection_id))
    if objection is None:
        abort(404)
    return objection


def get_contract(session: Session, user: User, contract_id: int, query: Select | None = None) -> Contract:
    """Load a contract through the user's scope, or 404."""
    contract = session.scalar(scope_contracts(user, query).where(Contract.id == contract_id))
    if contract is None:
        abort(404)
    return contract


# Results (meten): the consortium (staff and klantmanagers) sees its contracts' results, a
# klantmanager's counts limited to their municipality; a bureau only its own contracts.
RESULTS_ROLES = ("reviewer", "finance", "admin", "klantmanager")


def scope_result_contracts(user: User) -> Select:
    """Return the ids of the contracts whose results the user may see."""
    query = select(Contract.id)
    if user.has_role(*RESULTS_ROLES):
        return consortium_contracts(user)
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


def scope_jobs(user: User, query: Select | None = None) -> Select:
    """A job is seen by whoever started it, by its bureau's users, and by holders of the role it is shared with."""
    from .models import Job
    query = query if query is not None else select(Job)
    conditions = [Job.started_by_id == user.id]
    if user.has_role("provider") and user.provider_id is not None:
        conditions.append(Job.provider_id == user.provider_id)
    for role in ("finance", "auditor"):
        if user.has_role(role):  # shared with the role within the consortium of who started it
            conditions.append((Job.shared_with_role == role) & Job.started_by_id.in_(_consortium_staff(user)))
    return query.where(or_(*conditions))


def get_job(session: Session, user: User, job_id: int):
    """Load a job through the user's scope, or 404."""
    from .models import Job
    job = session.scalar(scope_jobs(user).where(Job.id == job_id))
    if job is None:
        abort(404)
    return job


# Beheer: an admin manages the users, municipalities and contracts of its own consortium. Bureaus are
# master data shared by the consortia (one KvK number, one IBAN); an admin sees and edits those that hold
# a contract in its consortium and those that hold none yet (a new bureau, before its first contract).


def scope_users(user: User, query: Select | None = None) -> Select:
    """Return the users an admin manages: its consortium's staff and the staff of bureaus contracted by it."""
    query = query if query is not None else select(User)
    if not user.has_role("admin"):
        return query.where(False)
    return query.where(User.id.in_(_consortium_users(user)))


def _consortium_users(user: User) -> Select:
    """Return the ids of the consortium's staff and of the staff of the bureaus it contracts."""
    contracted = select(Contract.provider_id).where(Contract.id.in_(consortium_contracts(user)))
    return select(User.id).where(or_(same_consortium(User.consortium_id, user), User.provider_id.in_(contracted)))


def get_user(session: Session, admin: User, user_id: int) -> User:
    """Load a user the admin manages, or 404."""
    found = session.scalar(scope_users(admin).where(User.id == user_id))
    if found is None:
        abort(404)
    return found


def scope_municipalities(user: User, query: Select | None = None) -> Select:
    """Restrict a municipality query to the user's consortium."""
    query = query if query is not None else select(Municipality)
    return query.where(same_consortium(Municipality.consortium_id, user))


def scope_providers(user: User, query: Select | None = None) -> Select:
    """Restrict a bureau query to those contracted by the user's consortium and those without any contract."""
    query = query if query is not None else select(Provider)
    uncontracted = ~exists().where(Contract.provider_id == Provider.id)
    return query.where(or_(Provider.id.in_(select(Contract.provider_id).where(
        Contract.id.in_(consortium_contracts(user)))), uncontracted))


def get_scoped(session: Session, query: Select, model, object_id: int):
    """Load one object of a scoped query by id, or 404."""
    found = session.scalar(query.where(model.id == object_id))
    if found is None:
        abort(404)
    return found


# The audit trail: an event belongs to a consortium when its actor does (staff, klantmanagers) or when it
# is about one of its contracts, trajectories, claims, runs, objections or users (a bureau's or the system's
# work). The operator's own events (no actor, about anything else: a bureau, a consortium) are for every auditor.
def _ids(query: Select):
    return select(cast(query.subquery().c[0], String(40)))


def _audit_objects(user: User) -> dict[str, Select]:
    """Per object type: the ids (as text, like audit_event.object_id) of the consortium's objects of that type."""
    contracts = consortium_contracts(user)
    trajectories = select(Trajectory.id).where(Trajectory.contract_id.in_(contracts))
    return {kind: _ids(ids) for kind, ids in {
        "contract": contracts,
        "trajectory": trajectories,
        "milestone_claim": select(MilestoneClaim.id).where(MilestoneClaim.trajectory_id.in_(trajectories)),
        "settlement_run": select(SettlementRun.id).where(SettlementRun.contract_id.in_(contracts)),
        "objection": scope_objections(user, select(Objection.id)),
        "user": _consortium_users(user),
    }.items()}


def scope_audit_events(user: User, query: Select) -> Select:
    """Restrict an audit event query to the auditor's consortium."""
    if consortium_of(user) is None:
        return query.where(False)
    objects = _audit_objects(user)
    actors = select(User.id).where(same_consortium(User.consortium_id, user))
    operator = AuditEvent.actor_id.is_(None) & AuditEvent.object_type.not_in(list(objects))
    return query.where(or_(AuditEvent.actor_id.in_(actors), operator, *(
        (AuditEvent.object_type == kind) & AuditEvent.object_id.in_(ids) for kind, ids in objects.items())))


def audit_object_outside(session: Session, user: User, object_type: str, object_id: str) -> bool:
    """Tell whether the object is not a contract, trajectory, claim, run or objection of the user's consortium.

    Other kinds (bureaus, profiles, ...) are never outside: their events are scoped one by one.
    """
    ids = _audit_objects(user).get(object_type)
    if ids is None:
        return False
    return session.scalar(ids.where(ids.selected_columns[0] == object_id).limit(1)) is None


def scope_api_tokens(user: User, query: Select | None = None) -> Select:
    """Restrict API tokens to those of the admin's consortium: its municipalities and the bureaus it may manage."""
    from .models import ApiToken
    query = query if query is not None else select(ApiToken)
    if not user.has_role("admin"):
        return query.where(False)
    return query.where(or_(ApiToken.municipality_id.in_(scope_municipalities(user, select(Municipality.id))),
                           ApiToken.provider_id.in_(scope_providers(user, select(Provider.id)))))


def scope_samples(user: User, query: Select | None = None) -> Select:
    """Restrict audit samples to those drawn by the auditors of the user's consortium."""
    query = query if query is not None else select(AuditSample)
    return query.where(AuditSample.created_by_id.in_(select(User.id).where(
        same_consortium(User.consortium_id, user))))


def contract_choices(session: Session, user: User, contract_ids: Select | None = None) -> tuple[list, list]:
    """Return the contracts (id, code, bureau) and their bureaus (id, name) in the user's scope, for filters."""
    contract_ids = contract_ids if contract_ids is not None else scope_contracts(user, select(Contract.id))
    contracts = session.execute(select(Contract.id, Contract.code, Provider.name).join(Contract.provider)
                                .where(Contract.id.in_(contract_ids)).order_by(Contract.code)).all()
    providers = session.execute(select(Provider.id, Provider.name).where(Provider.id.in_(
        select(Contract.provider_id).where(Contract.id.in_(contract_ids)))).order_by(Provider.name)).all()
    return contracts, providers


def get_client_as_admin(session: Session, user: User, client_id: int) -> Client:
    """Load a client for the functioneel beheerder (admin: the inzage export, transfers) of its consortium, or 404.

    A client belongs to the consortium of the municipality that registered it.
    """
    client = None
    if user.has_role("admin"):
        client = session.scalar(select(Client).where(Client.id == client_id, Client.municipality_id.in_(
            scope_municipalities(user, select(Municipality.id)))))
    if client is None:
        abort(404)
    return client
