"""Named worklists over trajectories: the start page counts them and the list filters on them with one condition."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import aliased

from ..models import MilestoneClaim, Trajectory, User

#: A referral the bureau has not accepted or declined after this many days waits too long.
REFERRAL_WAITING_DAYS = 10
RUNNING = ("accepted", "active")

#: name -> the label the start page and the list show.
WORKLISTS = {
    "referred": "Nieuwe aanmeldingen",
    "stale_referrals": f"Aanmeldingen die langer dan {REFERRAL_WAITING_DAYS} dagen wachten",
    "plans": "Trajectplannen ter goedkeuring",
    "returned_plans": "Teruggestuurde trajectplannen",
    "rejected": "Trajecten met een afgekeurde declaratie",
    "running": "Lopende trajecten",
}


def rejected_not_reclaimed(provider_id: int | None = None) -> ColumnElement[bool]:
    """Trajectories with a rejected claim that has no newer claim of its type (a set, optionally one bureau's)."""
    claim, newer, own = aliased(MilestoneClaim), aliased(MilestoneClaim), aliased(Trajectory)
    rejected = (select(claim.trajectory_id).join(own, own.id == claim.trajectory_id)
                .where(claim.review == "rejected",
                       ~exists().where(newer.trajectory_id == claim.trajectory_id, newer.type == claim.type,
                                       newer.id > claim.id)))
    if provider_id is not None:
        rejected = rejected.where(own.provider_id == provider_id)
    return Trajectory.id.in_(rejected)


def worklist_condition(user: User, name: str, today: date) -> ColumnElement[bool]:
    """Return the condition of one worklist; an ended trajectory is never work."""
    if name == "referred":
        return Trajectory.status == "referred"
    if name == "stale_referrals":
        return and_(Trajectory.status == "referred",
                    Trajectory.referred_on < today - timedelta(days=REFERRAL_WAITING_DAYS))
    if name == "plans":
        return and_(Trajectory.plan_status == "submitted", Trajectory.status.in_(RUNNING))
    if name == "returned_plans":
        return and_(Trajectory.plan_status == "returned", Trajectory.status.in_(RUNNING))
    if name == "rejected":
        return rejected_not_reclaimed(user.provider_id if user.has_role("provider") else None)
    if name == "running":
        return Trajectory.status.in_(RUNNING)
    raise KeyError(name)
