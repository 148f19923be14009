"""Accept or decline, plan, end: every step through the transition table, each with one audit event."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent
from portal.trajectories import service
from portal.trajectories.service import ActionRefused, NotAllowed
from portal.trajectories.states import (PLAN_TRANSITIONS, TRAJECTORY_TRANSITIONS, InvalidTransition, next_plan_status,
                                        next_status)

from ... import factories as f


def events(db, action: str) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_the_transition_tables_name_every_way_and_refuse_the_rest():
    assert next_status("referred", "accept") == "accepted"
    assert next_status("accepted", "approve_plan") == "active"
    assert next_plan_status("returned", "submit") == "submitted"
    with pytest.raises(InvalidTransition, match="Het traject kan niet worden geaccepteerd: de status is ‘Lopend’"):
        next_status("active", "accept")
    with pytest.raises(InvalidTransition, match="trajectplan kan niet worden goedgekeurd"):
        next_plan_status("none", "approve")
    assert all(to in ("accepted", "declined", "active", "ended") for to in TRAJECTORY_TRANSITIONS.values())
    assert ("ended", "end") not in TRAJECTORY_TRANSITIONS and ("approved", "submit") not in PLAN_TRANSITIONS


def test_the_bureau_accepts_a_referral_with_a_start_date(db, tw):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="referred", start=date(2026, 3, 1))
    service.accept_referral(db, tw.bureau, trajectory, start=date(2026, 3, 5))
    assert (trajectory.status, trajectory.start) == ("accepted", date(2026, 3, 5))
    assert events(db, "trajectory.accepted") == 1
    with pytest.raises(InvalidTransition):
        service.accept_referral(db, tw.bureau, trajectory, start=date(2026, 3, 5))


def test_a_start_before_the_referral_is_refused(db, tw):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="referred", start=date(2026, 3, 1))
    with pytest.raises(ActionRefused, match="vóór de aanmelding") as refused:
        service.accept_referral(db, tw.bureau, trajectory, start=date(2026, 2, 28))
    assert refused.value.field == "start" and trajectory.status == "referred"


def test_another_bureau_cannot_accept(db, tw):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="referred")
    with pytest.raises(NotAllowed):
        service.accept_referral(db, tw.other_bureau, trajectory, start=date(2026, 3, 5))


def test_declining_needs_a_reason(db, tw):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="referred")
    with pytest.raises(ActionRefused, match="Geef een reden"):
        service.decline_referral(db, tw.bureau, trajectory, reason="  ")
    service.decline_referral(db, tw.bureau, trajectory, reason="Geen capaciteit")
    assert (trajectory.status, trajectory.decline_reason) == ("declined", "Geen capaciteit")


def test_plan_is_submitted_returned_resubmitted_and_approved(db, tw):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="accepted")
    text = "Sollicitatietraining, werkervaring bij de bakker, daarna matching."
    service.submit_plan(db, tw.bureau, trajectory, text=text)
    assert trajectory.plan_status == "submitted"
    with pytest.raises(InvalidTransition):
        service.submit_plan(db, tw.bureau, trajectory, text=text)
    with pytest.raises(ActionRefused, match="Schrijf wat er"):
        service.return_plan(db, tw.klantmanager, trajectory, feedback="")
    service.return_plan(db, tw.klantmanager, trajectory, feedback="Meer over taal")
    assert (trajectory.plan_status, trajectory.plan_feedback) == ("returned", "Meer over taal")
    service.submit_plan(db, tw.bureau, trajectory, text=text + " Plus taalles.")
    service.approve_plan(db, tw.klantmanager, trajectory)
    assert (trajectory.plan_status, trajectory.status, trajectory.plan_feedback) == ("approved", "active", None)
    assert [events(db, a) for a in ("trajectory.plan_submitted", "trajectory.plan_returned",
                                    "trajectory.plan_approved")] == [2, 1, 1]


def test_plan_rules(db, tw):
    referred = f.create_trajectory(db, tw.contract, tw.municipality, status="referred")
    with pytest.raises(ActionRefused, match="pas worden ingediend als het traject is geaccepteerd"):
        service.submit_plan(db, tw.bureau, referred, text="x" * 40)
    accepted = f.create_trajectory(db, tw.contract, tw.municipality, status="accepted")
    with pytest.raises(ActionRefused, match="minstens 20 tekens"):
        service.submit_plan(db, tw.bureau, accepted, text="te kort")
    with pytest.raises(InvalidTransition):
        service.approve_plan(db, tw.klantmanager, accepted)  # nothing submitted
    service.submit_plan(db, tw.bureau, accepted, text="x" * 40)
    with pytest.raises(NotAllowed):
        service.approve_plan(db, tw.other_klantmanager, accepted)
    with pytest.raises(NotAllowed):
        service.approve_plan(db, tw.bureau, accepted)


def test_the_klantmanager_ends_a_trajectory_with_a_reason_not_before_its_start(db, tw):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 2, 1))
    with pytest.raises(ActionRefused, match="vóór de start") as refused:
        service.end_trajectory(db, tw.klantmanager, trajectory, end=date(2026, 1, 31), reason="work")
    assert refused.value.field == "end"
    with pytest.raises(ActionRefused, match="Kies een reden"):
        service.end_trajectory(db, tw.klantmanager, trajectory, end=date(2026, 5, 1), reason="bored")
    service.end_trajectory(db, tw.klantmanager, trajectory, end=date(2026, 2, 1), reason="work", note="Fulltime baan")
    db.flush()  # the CHECK constraint "ended" holds
    assert (trajectory.status, trajectory.end, trajectory.end_reason) == ("ended", date(2026, 2, 1), "work")
    with pytest.raises(InvalidTransition):
        service.end_trajectory(db, tw.klantmanager, trajectory, end=date(2026, 5, 1), reason="work")


def test_a_referral_cannot_be_ended(db, tw):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="referred")
    with pytest.raises(InvalidTransition, match="niet worden beëindigd"):
        service.end_trajectory(db, tw.klantmanager, trajectory, end=date(2026, 5, 1), reason="other")
