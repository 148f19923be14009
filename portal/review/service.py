"""Review decisions on milestone claims: approve, reject, revoke an approval. Each flushes, never commits.

The `review` table is the claim's review history (append-only in the database): every decision is a
new row with its business date, the moment it was recorded and who took it; a revocation is a new
`revoked` decision, never a change of the approval. The claim's `review`/`reviewed` columns only
cache the decision in force now, for queues and lists; the settlement reads the history.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record, snapshot
from ..notifications import service as notifications
from ..auditing.sampling import link_revocation
from ..models import MilestoneClaim, Review, User
from .reasons import REJECTION_REASONS
from .states import InvalidTransition, ReviewError, next_state

__all__ = ["REJECTION_REASONS", "InvalidTransition", "ReasonRequired", "ReviewError", "ReviewRefused",
           "approve_claim", "reinstate_claim", "reject_claim", "revoke_approval"]

CLAIM_FIELDS = ("review", "reviewed", "reviewed_by_id")


class ReviewRefused(ReviewError):
    """This user may not decide on this claim."""


class ReasonRequired(ReviewError):
    """A rejection or revocation needs a reason."""


def approve_claim(session: Session, actor: User, claim: MilestoneClaim, *, decided_on: date | None = None) -> Review:
    """Approve a pending claim."""
    return _decide(session, actor, claim, "approve", "approved", decided_on=decided_on)


def reject_claim(session: Session, actor: User, claim: MilestoneClaim, *, reason_code: str, reason_text: str,
                 decided_on: date | None = None) -> Review:
    """Reject a pending claim with a reason code and an explanation for the bureau."""
    if reason_code not in REJECTION_REASONS:
        raise ReasonRequired("Kies een reden van afkeuring uit de lijst.")
    review = _decide(session, actor, claim, "reject", "rejected", reason_code=reason_code,
                     reason_text=_required_text(reason_text, "Geef een toelichting bij de afkeuring."),
                     decided_on=decided_on)
    notifications.claim_rejected(session, claim)
    return review


def revoke_approval(session: Session, actor: User, claim: MilestoneClaim, *, reason_text: str,
                    decided_on: date | None = None, objection_id: int | None = None) -> Review:
    """Withdraw an approval (after an audit finding): the claim counts as rejected from the decision date."""
    review = _decide(session, actor, claim, "revoke", "revoked",
                     reason_text=_required_text(reason_text, "Geef de reden van de intrekking op."),
                     decided_on=decided_on, objection_id=objection_id)
    link_revocation(session, claim.id, review.id, actor)  # an auditor's finding handed over for it (issue 15)
    return review


def reinstate_claim(session: Session, actor: User, claim: MilestoneClaim, *, reason_text: str,
                    decided_on: date | None = None, objection_id: int | None = None) -> Review:
    """Approve a rejected (or revoked) claim after all, as a new decision: an upheld objection's correction."""
    return _decide(session, actor, claim, "reinstate", "approved",
                   reason_text=_required_text(reason_text, "Geef de reden waarom de afkeuring wordt herzien."),
                   decided_on=decided_on, objection_id=objection_id)


def last_decision(session: Session, claim: MilestoneClaim) -> Review | None:
    """Return the claim's latest decision in the history (the one in force now), if any."""
    return session.scalar(select(Review).where(Review.claim_id == claim.id).order_by(Review.id.desc()).limit(1))


def _required_text(text: str | None, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ReasonRequired(message)
    return text


def _decide(session: Session, actor: User, claim: MilestoneClaim, action: str, decision: str, *,
            reason_code: str | None = None, reason_text: str | None = None,
            decided_on: date | None = None, objection_id: int | None = None) -> Review:
    if not actor.has_role("reviewer"):
        raise ReviewRefused("Alleen een contractmanager beoordeelt declaraties.")
    if claim.submitted_by_id is not None and claim.submitted_by_id == actor.id:
        raise ReviewRefused("U heeft deze declaratie zelf ingediend. Een andere contractmanager moet haar beoordelen.")
    new_state = next_state(claim.review, action)
    decided_on = decided_on or clock.today()
    if decided_on < claim.submitted:
        raise ReviewError("De beoordelingsdatum ligt vóór de indieningsdatum van de declaratie.")
    previous = last_decision(session, claim)
    if previous is not None and decided_on < previous.decided_on:
        if action == "revoke":
            raise ReviewError("De intrekking ligt vóór de datum van de goedkeuring.")
        raise ReviewError(f"De beoordelingsdatum ligt vóór die van het vorige besluit "
                          f"({previous.decided_on.strftime('%d-%m-%Y')}); de geschiedenis gaat niet terug in de tijd.")

    before = snapshot(claim, *CLAIM_FIELDS)
    # The cache of the decision in force; the history row below is the fact.
    claim.review, claim.reviewed, claim.reviewed_by_id = new_state, decided_on, actor.id
    review = Review(claim=claim, decision=decision, reason_code=reason_code, reason_text=reason_text,
                    decided_on=decided_on, decided_at=clock.now(), reviewer_id=actor.id, objection_id=objection_id)
    session.add(review)
    session.flush()
    record(session, actor, f"claim.{decision}", "milestone_claim", claim.id, before=before,
           after={**snapshot(claim, *CLAIM_FIELDS), "review_id": review.id, "objection_id": objection_id, "reason_code": reason_code,
                  "reason_text": reason_text})
    session.flush()
    return review
