"""Review decisions: every rule, the claim's state, the history rows and one audit event per decision."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, Review
from portal.review.service import (REJECTION_REASONS, InvalidTransition, ReasonRequired, ReviewError, ReviewRefused,
                                   approve_claim, reject_claim, revoke_approval)

from ... import factories as f

DECIDED = date(2026, 2, 20)


def audit_events(db, claim) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.object_type == "milestone_claim",
                                                    AuditEvent.object_id == str(claim.id)).order_by(AuditEvent.id)))


def reviews(db, claim) -> list[Review]:
    return list(db.scalars(select(Review).where(Review.claim_id == claim.id).order_by(Review.id)))


def pending_claim(db, rw):
    return f.create_claim(db, rw.trajectory_a, "intake", submitted=date(2026, 2, 10),
                          submitted_by_id=rw.bureau_user.id)


def test_approve_sets_the_claim_adds_a_review_and_one_audit_event(db, rw):
    claim = pending_claim(db, rw)
    review = approve_claim(db, rw.reviewer, claim, decided_on=DECIDED)
    assert (claim.review, claim.reviewed, claim.reviewed_by_id) == ("approved", DECIDED, rw.reviewer.id)
    assert (review.decision, review.decided_on, review.reviewer_id, review.reason_code) == (
        "approved", DECIDED, rw.reviewer.id, None)
    assert review.decided_at.tzinfo is not None
    [event] = audit_events(db, claim)
    assert (event.action, event.actor_id) == ("claim.approved", rw.reviewer.id)
    assert event.before == {"review": "pending", "reviewed": None, "reviewed_by_id": None}
    assert event.after["review"] == "approved" and event.after["reviewed"] == "2026-02-20"
    assert event.after["review_id"] == review.id


def test_the_decision_date_defaults_to_today_in_amsterdam(db, rw, today):
    claim = pending_claim(db, rw)
    approve_claim(db, rw.reviewer, claim)
    assert claim.reviewed == today


def test_reject_keeps_reason_code_and_text(db, rw):
    claim = pending_claim(db, rw)
    review = reject_claim(db, rw.reviewer, claim, reason_code="EVIDENCE_MISSING",
                          reason_text="  Loonstrook is onleesbaar.  ", decided_on=DECIDED)
    assert (claim.review, claim.reviewed) == ("rejected", DECIDED)
    assert (review.decision, review.reason_code, review.reason_text) == (
        "rejected", "EVIDENCE_MISSING", "Loonstrook is onleesbaar.")
    [event] = audit_events(db, claim)
    assert event.action == "claim.rejected" and event.after["reason_code"] == "EVIDENCE_MISSING"


@pytest.mark.parametrize("reason_code, reason_text", [
    ("EVIDENCE_MISSING", ""), ("EVIDENCE_MISSING", "   "), ("EVIDENCE_MISSING", None),
    ("", "Bewijs ontbreekt."), ("NO_SUCH_REASON", "Bewijs ontbreekt."),
])
def test_a_rejection_needs_a_known_reason_and_a_text(db, rw, reason_code, reason_text):
    claim = pending_claim(db, rw)
    with pytest.raises(ReasonRequired):
        reject_claim(db, rw.reviewer, claim, reason_code=reason_code, reason_text=reason_text, decided_on=DECIDED)
    assert claim.review == "pending" and reviews(db, claim) == [] and audit_events(db, claim) == []


def test_the_reason_list_is_small_and_dutch():
    assert set(REJECTION_REASONS) == {"EVIDENCE_MISSING", "EVIDENCE_MISMATCH", "NOT_ELIGIBLE", "DUPLICATE", "OTHER"}
    assert REJECTION_REASONS["EVIDENCE_MISSING"] == "Bewijs ontbreekt of is onleesbaar"


@pytest.mark.parametrize("decide", [
    lambda db, actor, claim: approve_claim(db, actor, claim, decided_on=DECIDED),
    lambda db, actor, claim: reject_claim(db, actor, claim, reason_code="OTHER", reason_text="x", decided_on=DECIDED),
], ids=["approve", "reject"])
def test_nobody_reviews_a_claim_they_submitted(db, rw, decide):
    claim = f.create_claim(db, rw.trajectory_a, submitted_by_id=rw.reviewer.id)
    with pytest.raises(ReviewRefused, match="zelf ingediend"):
        decide(db, rw.reviewer, claim)
    assert claim.review == "pending" and reviews(db, claim) == [] and audit_events(db, claim) == []
    decide(db, rw.other_reviewer, claim)  # a colleague may
    assert claim.reviewed_by_id == rw.other_reviewer.id


def test_nobody_revokes_an_approval_of_a_claim_they_submitted(db, rw):
    claim = f.create_claim(db, rw.trajectory_a, submitted_by_id=rw.reviewer.id)
    approve_claim(db, rw.other_reviewer, claim, decided_on=DECIDED)
    with pytest.raises(ReviewRefused):
        revoke_approval(db, rw.reviewer, claim, reason_text="Audit", decided_on=DECIDED)
    assert claim.review == "approved"


def test_only_a_reviewer_decides(db, rw):
    claim = pending_claim(db, rw)
    finance = f.create_user(db, "finance")
    with pytest.raises(ReviewRefused, match="contractmanager"):
        approve_claim(db, finance, claim, decided_on=DECIDED)


@pytest.mark.parametrize("state", ["approved", "rejected"])
def test_only_a_pending_claim_is_decided(db, rw, state):
    claim = f.create_claim(db, rw.trajectory_a, review=state, reviewed=date(2026, 2, 15))
    with pytest.raises(InvalidTransition, match="kan niet worden goedgekeurd"):
        approve_claim(db, rw.reviewer, claim, decided_on=DECIDED)
    with pytest.raises(InvalidTransition, match="kan niet worden afgekeurd"):
        reject_claim(db, rw.reviewer, claim, reason_code="OTHER", reason_text="x", decided_on=DECIDED)
    assert (claim.review, claim.reviewed) == (state, date(2026, 2, 15))
    assert audit_events(db, claim) == []


def test_revoke_turns_an_approval_into_a_rejection_and_keeps_the_history(db, rw):
    claim = pending_claim(db, rw)
    approve_claim(db, rw.reviewer, claim, decided_on=date(2026, 2, 12))
    review = revoke_approval(db, rw.other_reviewer, claim, reason_text="Auditbevinding: contract was vervalst.",
                             decided_on=date(2026, 6, 1))
    assert (claim.review, claim.reviewed, claim.reviewed_by_id) == ("rejected", date(2026, 6, 1),
                                                                    rw.other_reviewer.id)
    assert [(r.decision, r.decided_on) for r in reviews(db, claim)] == [
        ("approved", date(2026, 2, 12)), ("revoked", date(2026, 6, 1))]
    assert review.reason_text == "Auditbevinding: contract was vervalst."
    events = audit_events(db, claim)
    assert [e.action for e in events] == ["claim.approved", "claim.revoked"]
    assert events[1].before["review"] == "approved" and events[1].after["review"] == "rejected"


def test_revoke_defaults_to_today(db, rw, today):
    claim = f.create_claim(db, rw.trajectory_a, review="approved", reviewed=date(2026, 2, 15))
    revoke_approval(db, rw.reviewer, claim, reason_text="Audit")
    assert (claim.review, claim.reviewed) == ("rejected", today)


@pytest.mark.parametrize("state", ["pending", "rejected"])
def test_only_an_approval_is_revoked(db, rw, state):
    claim = f.create_claim(db, rw.trajectory_a, review=state)
    with pytest.raises(InvalidTransition, match="Alleen een goedgekeurde declaratie"):
        revoke_approval(db, rw.reviewer, claim, reason_text="Audit", decided_on=DECIDED)
    assert claim.review == state


def test_a_revoked_claim_cannot_be_revoked_or_approved_again(db, rw):
    claim = f.create_claim(db, rw.trajectory_a, review="approved", reviewed=date(2026, 2, 15))
    revoke_approval(db, rw.reviewer, claim, reason_text="Audit", decided_on=DECIDED)
    with pytest.raises(InvalidTransition):
        revoke_approval(db, rw.reviewer, claim, reason_text="Audit", decided_on=DECIDED)
    with pytest.raises(InvalidTransition):
        approve_claim(db, rw.reviewer, claim, decided_on=DECIDED)


@pytest.mark.parametrize("text", ["", "  ", None])
def test_a_revocation_needs_a_reason(db, rw, text):
    claim = f.create_claim(db, rw.trajectory_a, review="approved", reviewed=date(2026, 2, 15))
    with pytest.raises(ReasonRequired):
        revoke_approval(db, rw.reviewer, claim, reason_text=text, decided_on=DECIDED)
    assert claim.review == "approved" and audit_events(db, claim) == []


def test_decision_dates_cannot_run_backwards(db, rw):
    claim = pending_claim(db, rw)  # submitted 10-02-2026
    with pytest.raises(ReviewError, match="vóór de indieningsdatum"):
        approve_claim(db, rw.reviewer, claim, decided_on=date(2026, 2, 9))
    approve_claim(db, rw.reviewer, claim, decided_on=date(2026, 2, 12))
    with pytest.raises(ReviewError, match="vóór de datum van de goedkeuring"):
        revoke_approval(db, rw.reviewer, claim, reason_text="Audit", decided_on=date(2026, 2, 11))


def test_services_flush_but_never_commit(db, rw, monkeypatch):
    claim = pending_claim(db, rw)
    monkeypatch.setattr(db, "commit", lambda: pytest.fail("a service function committed"))
    approve_claim(db, rw.reviewer, claim, decided_on=DECIDED)
    assert db.scalar(select(func.count()).select_from(Review).where(Review.claim_id == claim.id)) == 1
