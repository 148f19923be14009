"""The life of a trajectory after referral: accept or decline, plan, end.

Each function takes the session, the acting user, the trajectory and the values; it checks
the rule, changes the state through the transition table, flushes, writes one audit event
and never commits. A refusal is a named exception with a Dutch message.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..audit import record, snapshot
from ..notifications import service as notifications
from ..formatting import nl_date
from ..models import Trajectory, User
from ..models.enums import END_REASONS
from .states import TrajectoryError, next_plan_status, next_status


class NotAllowed(TrajectoryError):
    """The user has no part in this trajectory for this action."""

    status = 403


class ActionRefused(TrajectoryError):
    """The values do not satisfy a rule of the action."""


def require_bureau(actor: User, trajectory: Trajectory) -> None:
    """Only the bureau that carries out the trajectory may act as its bureau."""
    if not (actor.has_role("provider") and actor.provider_id == trajectory.provider_id):
        raise NotAllowed("Alleen het re-integratiebedrijf van dit traject kan dit doen.")


def require_klantmanager(actor: User, trajectory: Trajectory) -> None:
    """Only a klantmanager of the client's municipality may act as the regisseur."""
    if not (actor.has_role("klantmanager") and actor.municipality_id == trajectory.municipality_id):
        raise NotAllowed("Alleen een klantmanager van de gemeente van deze cliënt kan dit doen.")


def accept_referral(session: Session, actor: User, trajectory: Trajectory, *, start: date) -> Trajectory:
    """Accept a referral: the trajectory starts on `start`."""
    require_bureau(actor, trajectory)
    new_status = next_status(trajectory.status, "accept")
    if start < trajectory.referred_on:
        raise ActionRefused(f"De startdatum ligt vóór de aanmelding ({nl_date(trajectory.referred_on)}).", "start")
    if start > trajectory.contract.end:
        raise ActionRefused(f"De startdatum ligt na het einde van het contract ({nl_date(trajectory.contract.end)}).",
                            "start")
    before = snapshot(trajectory, "status", "start")
    trajectory.status, trajectory.start = new_status, start
    session.flush()
    record(session, actor, "trajectory.accepted", "trajectory", trajectory.id, before=before,
           after=snapshot(trajectory, "status", "start"))
    return trajectory


def decline_referral(session: Session, actor: User, trajectory: Trajectory, *, reason: str) -> Trajectory:
    """Decline a referral with a reason the klantmanager can read."""
    require_bureau(actor, trajectory)
    new_status = next_status(trajectory.status, "decline")
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("Geef een reden waarom u de aanmelding weigert.", "reason")
    before = snapshot(trajectory, "status")
    trajectory.status, trajectory.decline_reason = new_status, reason
    session.flush()
    record(session, actor, "trajectory.declined", "trajectory", trajectory.id, before=before,
           after=snapshot(trajectory, "status", "decline_reason"))
    return trajectory


def submit_plan(session: Session, actor: User, trajectory: Trajectory, *, text: str) -> Trajectory:
    """Submit the trajectory plan (first time or after it was returned) for the klantmanager's approval."""
    require_bureau(actor, trajectory)
    if trajectory.status not in ("accepted", "active"):
        raise ActionRefused("Een trajectplan kan pas worden ingediend als het traject is geaccepteerd en loopt.")
    new_plan_status = next_plan_status(trajectory.plan_status, "submit")
    text = (text or "").strip()
    if len(text) < 20:
        raise ActionRefused("Beschrijf het trajectplan (minstens 20 tekens).", "text")
    before = snapshot(trajectory, "plan_status")
    trajectory.plan_status, trajectory.plan_text = new_plan_status, text
    session.flush()
    record(session, actor, "trajectory.plan_submitted", "trajectory", trajectory.id, before=before,
           after={"plan_status": trajectory.plan_status, "plan_length": len(text)})
    notifications.plan_submitted(session, trajectory)
    return trajectory


def approve_plan(session: Session, actor: User, trajectory: Trajectory) -> Trajectory:
    """Approve the submitted plan; an accepted trajectory becomes active."""
    require_klantmanager(actor, trajectory)
    new_plan_status = next_plan_status(trajectory.plan_status, "approve")
    new_status = next_status(trajectory.status, "approve_plan")
    before = snapshot(trajectory, "status", "plan_status")
    trajectory.plan_status, trajectory.status, trajectory.plan_feedback = new_plan_status, new_status, None
    session.flush()
    record(session, actor, "trajectory.plan_approved", "trajectory", trajectory.id, before=before,
           after=snapshot(trajectory, "status", "plan_status"))
    return trajectory


def return_plan(session: Session, actor: User, trajectory: Trajectory, *, feedback: str) -> Trajectory:
    """Send the submitted plan back to the bureau with feedback."""
    require_klantmanager(actor, trajectory)
    new_plan_status = next_plan_status(trajectory.plan_status, "return")
    feedback = (feedback or "").strip()
    if not feedback:
        raise ActionRefused("Schrijf wat er aan het plan moet veranderen.", "feedback")
    before = snapshot(trajectory, "plan_status")
    trajectory.plan_status, trajectory.plan_feedback = new_plan_status, feedback
    session.flush()
    record(session, actor, "trajectory.plan_returned", "trajectory", trajectory.id, before=before,
           after=snapshot(trajectory, "plan_status", "plan_feedback"))
    notifications.plan_returned(session, trajectory)
    return trajectory


def end_trajectory(session: Session, actor: User, trajectory: Trajectory, *, end: date, reason: str,
                   note: str | None = None) -> Trajectory:
    """End a running trajectory on a date with one of the end reasons."""
    require_klantmanager(actor, trajectory)
    new_status = next_status(trajectory.status, "end")
    if reason not in END_REASONS:
        raise ActionRefused("Kies een reden van beëindiging.", "reason")
    if trajectory.start is not None and end < trajectory.start:
        raise ActionRefused(f"De einddatum ligt vóór de start van het traject ({nl_date(trajectory.start)}).", "end")
    before = snapshot(trajectory, "status", "end", "end_reason")
    trajectory.status, trajectory.end, trajectory.end_reason = new_status, end, reason
    trajectory.end_note = (note or "").strip() or None
    session.flush()
    record(session, actor, "trajectory.ended", "trajectory", trajectory.id, before=before,
           after=snapshot(trajectory, "status", "end", "end_reason"))
    return trajectory
