"""Claims and which one counts per trajectory and milestone type (section 4).

A claim is a non-rejected milestone known on the reference date, with the facts that
rank it and decide its line. Evaluation makes one per milestone, so it is a plain tuple:

    (milestone, review, late, in_window, deadline, window_end)

- review:     the review as known on the reference date (a later decision is pending)
- late:       submitted after date + submission_deadline_days
- in_window:  on or after the trajectory start, and within the window where one applies
- deadline:   the last day to submit in time (None without a deadline)
- window_end: the last day of the window (None where only the start limits the claim)
"""
from __future__ import annotations

from datetime import date

from .glossary import Review
from .model import Milestone

APPROVED = Review.APPROVED.value
PENDING = Review.PENDING.value
REJECTED = Review.REJECTED.value

Claim = tuple[Milestone, str, bool, bool, date | None, date | None]  # see the module docstring


def primary_order(claim: Claim) -> tuple:
    """Rank claims of one trajectory and type: the first is the primary claim."""
    m, review, late, in_window, _, _ = claim
    # Approved before pending; then in time and in window before the others; then by
    # (date, submitted, ref), so that the ranking never depends on input order.
    return (review != APPROVED, late or not in_window, m.date, m.submitted, m.ref)


def rank_claims(claims: list[Claim]) -> list[Claim]:
    """Order the claims of one trajectory and type, primary first."""
    if len(claims) > 1:
        claims.sort(key=primary_order)
    return claims


def line_order(claim: Claim) -> tuple:
    """Order the lines of one trajectory and type: by (date, submitted, ref)."""
    m = claim[0]
    return (m.date, m.submitted, m.ref)
