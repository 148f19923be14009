"""Create notifications for an event, for the users of the right organisation and role only (tenancy).

Each function is called with one line from the service that makes the change, in its
transaction: the notice exists exactly when the change does. Mail goes out later
(`flask notifications send-due`), so a rolled-back change never sends one.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..formatting import label
from ..models import ApiToken, Notification, Objection, RoleGrant, SettlementRun, Trajectory, User
from ..models import MilestoneClaim


STAFF = ("reviewer", "finance", "admin", "auditor")


def recipients(session: Session, role: str, *, provider_id: int | None = None,
               municipality_id: int | None = None, consortium_id: int | None = None) -> list[User]:
    """Active users holding `role`: a bureau's role only within that bureau, a klantmanager's within its
    municipality, a staff role within the consortium the event belongs to (tenancy)."""
    query = select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
        RoleGrant.role == role, User.active,
        User.id.not_in(select(ApiToken.user_id)))  # an API token's service user reads no notices and gets no mail
    if role in STAFF:
        query = query.where(User.consortium_id == consortium_id) if consortium_id is not None else query.where(False)
    if role == "provider":
        query = query.where(User.provider_id == provider_id) if provider_id is not None else query.where(False)
    if role == "klantmanager":
        query = (query.where(User.municipality_id == municipality_id) if municipality_id is not None
                 else query.where(False))
    return list(session.scalars(query.order_by(User.id)))


def notify(session: Session, users: list[User], kind: str, text: str, url: str, *, key: str | None = None) -> int:
    """Add one notice per user; with a key, a user who already has that key's notice gets none. Return how many."""
    added = 0
    for user in users:
        if key is not None and session.scalar(select(Notification.id).where(Notification.user_id == user.id,
                                                                            Notification.key == key)):
            continue
        session.add(Notification(user_id=user.id, kind=kind, text=text[:500], url=url, key=key,
                                 created_at=clock.now()))
        added += 1
    session.flush()
    return added


def _bureau(session: Session, trajectory: Trajectory) -> list[User]:
    return recipients(session, "provider", provider_id=trajectory.provider_id)


def referred(session: Session, trajectory: Trajectory) -> None:
    notify(session, _bureau(session, trajectory), "referral",
           f"Nieuwe aanmelding {trajectory.ref} ({label(trajectory.segment)}).", f"/trajecten/{trajectory.id}")


def claim_rejected(session: Session, claim: MilestoneClaim) -> None:
    trajectory = claim.trajectory
    notify(session, _bureau(session, trajectory), "claim_rejected",
           f"Declaratie {claim.ref} ({label(claim.type).lower()}) van traject {trajectory.ref} is afgekeurd.",
           f"/trajecten/{trajectory.id}")


def plan_returned(session: Session, trajectory: Trajectory) -> None:
    notify(session, _bureau(session, trajectory), "plan_returned",
           f"Het trajectplan van {trajectory.ref} is teruggestuurd door de klantmanager.",
           f"/trajecten/{trajectory.id}")


def plan_submitted(session: Session, trajectory: Trajectory) -> None:
    notify(session, recipients(session, "klantmanager", municipality_id=trajectory.municipality_id),
           "plan_submitted", f"Het trajectplan van {trajectory.ref} wacht op uw goedkeuring.",
           f"/trajecten/{trajectory.id}")


def run_submitted(session: Session, run: SettlementRun) -> None:
    others = [u for u in recipients(session, "finance", consortium_id=run.contract.consortium_id)
              if u.id != run.prepared_by_id]  # four eyes: not the preparer
    notify(session, others, "run_submitted", f"Afrekening {run.contract.code} (peildatum {run.as_of:%d-%m-%Y}) "
           f"wacht op goedkeuring.", f"/afrekeningen/{run.id}")


def run_returned(session: Session, run: SettlementRun) -> None:
    preparer = [u for u in recipients(session, "finance", consortium_id=run.contract.consortium_id)
                if u.id == run.prepared_by_id]
    notify(session, preparer, "run_returned", f"Afrekening {run.contract.code} (peildatum {run.as_of:%d-%m-%Y}) "
           f"is teruggestuurd: {run.return_reason}", f"/afrekeningen/{run.id}")


def objection_filed(session: Session, objection: Objection) -> None:
    consortium_id = objection.settlement_line.run.contract.consortium_id
    notify(session, recipients(session, "reviewer", consortium_id=consortium_id), "objection_filed",
           f"Nieuw bezwaar tegen declaratie {objection.settlement_line.milestone_ref}.", f"/bezwaren/{objection.id}")


def objection_decided(session: Session, objection: Objection) -> None:
    verdict = "gegrond" if objection.status == "upheld" else "ongegrond"
    notify(session, recipients(session, "provider", provider_id=objection.provider_id), "objection_decided",
           f"Uw bezwaar tegen declaratie {objection.settlement_line.milestone_ref} is {verdict} verklaard.", f"/bezwaren/{objection.id}")
