"""A milestone's review status on a date, from its review history (section 2).

The decision in force on `as_of` is the last one in the history dated on or before
it; of several on the same date the later one in the list wins. `revoked` withdraws
an approval, so the claim counts as rejected; no decision in force means pending.
Every rule that depends on the review status asks `decision_on` / `status_on`.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .glossary import Decision, Review
from .model import ReviewDecision

#: Decision -> the review status it gives the claim.
STATUS_OF: dict[str, str] = {
    Decision.APPROVED.value: Review.APPROVED.value,
    Decision.REJECTED.value: Review.REJECTED.value,
    Decision.REVOKED.value: Review.REJECTED.value,
}
PENDING = Review.PENDING.value


def decision_index(reviews: Sequence[ReviewDecision], as_of: date) -> int:
    """Return the position of the decision in force on as_of, or -1 when none is."""
    for position in range(len(reviews) - 1, -1, -1):
        if reviews[position].date <= as_of:
            return position
    return -1


def decision_on(reviews: Sequence[ReviewDecision], as_of: date) -> ReviewDecision | None:
    """Return the decision in force on as_of (None: the claim awaits review)."""
    if reviews:
        last = reviews[-1]
        if last.date <= as_of:  # the common case: the whole history lies before as_of
            return last
        position = decision_index(reviews, as_of)
        if position >= 0:
            return reviews[position]
    return None


def status_on(reviews: Sequence[ReviewDecision], as_of: date) -> str:
    """Return the review status on as_of: approved, rejected or pending."""
    decision = decision_on(reviews, as_of)
    return PENDING if decision is None else STATUS_OF[decision.decision]


def later_decisions(reviews: Sequence[ReviewDecision], as_of: date) -> tuple[ReviewDecision, ...]:
    """Return the decisions that had not happened yet on as_of (after the one in force)."""
    return tuple(reviews[decision_index(reviews, as_of) + 1:])


def one_decision(review: str | None, reviewed: date | None) -> tuple[ReviewDecision, ...]:
    """Turn a single review/reviewed pair into a history: none while pending or undated."""
    if review is None or review == PENDING or reviewed is None:
        return ()
    return (ReviewDecision(review, reviewed),)
