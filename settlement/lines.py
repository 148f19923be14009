"""The reason and amounts of one line (section 6)."""
from __future__ import annotations

from decimal import Decimal

from .claims import APPROVED, PENDING, Claim
from .glossary import LineStatus, Reason
from .money import ZERO, times
from .results import Cohort

PAYABLE = LineStatus.PAYABLE.value
PARTIAL = LineStatus.PARTIAL.value
WITHHELD = LineStatus.WITHHELD.value
PENDING_STATUS = LineStatus.PENDING.value
DUPLICATE_CLAIM = Reason.DUPLICATE_CLAIM.value
LATE_SUBMISSION = Reason.LATE_SUBMISSION.value
OUTSIDE_WINDOW = Reason.OUTSIDE_WINDOW.value
AWAITING_REVIEW = Reason.AWAITING_REVIEW.value
NORM_PENDING = Reason.NORM_PENDING.value
NORM_NOT_MET = Reason.NORM_NOT_MET.value

#: (status, reason, payable, withheld, pending) of a line.
LineAmounts = tuple[str, "str | None", Decimal, Decimal, Decimal]


def claim_reason(refusal: str | None, primary: Claim, claim: Claim) -> str | None:
    """Return the first of reasons 1–6 that applies to a claim (see claims.Claim), or None.

    `refusal` is the trajectory's admission reason (OUTSIDE_CONTRACT_PERIOD or
    OVER_VOLUME) if it was refused.
    """
    if refusal is not None:
        return refusal
    if claim is not primary and primary[1] == APPROVED:
        return DUPLICATE_CLAIM
    # A duplicate of a primary that still awaits review falls through to the reasons
    # after DUPLICATE_CLAIM: if the primary is rejected later, it may take its place.
    _, review, late, in_window, _, _ = claim
    if late:
        return LATE_SUBMISSION
    if not in_window:
        return OUTSIDE_WINDOW
    if review == PENDING:
        return AWAITING_REVIEW
    return None


class LineSettler:
    """Turn a line's reason and cohort into its status and amounts, for one contract."""

    __slots__ = ("_partial",)

    def __init__(self) -> None:
        self._partial: dict[tuple[Decimal, Decimal], Decimal] = {}

    def outcome(self, amount: Decimal, reason: str | None, cohort: Cohort | None) -> LineAmounts:
        """Return (status, reason, payable, withheld, pending) of a line.

        `cohort` is the trajectory's cohort when the line is a result tranche under a
        norm, else None.
        """
        if reason is not None:
            if reason == AWAITING_REVIEW:
                return PENDING_STATUS, reason, ZERO, ZERO, amount
            return WITHHELD, reason, ZERO, amount, ZERO
        if cohort is None:
            return PAYABLE, None, amount, ZERO, ZERO
        if not cohort.final:
            return PENDING_STATUS, NORM_PENDING, ZERO, ZERO, amount
        fraction = cohort.pay_fraction
        # The reason follows the pay fraction alone: a staffel may pay less than all
        # even when the cohort met its norm.
        if fraction is None or fraction >= 1:
            return PAYABLE, None, amount, ZERO, ZERO
        key = (amount, fraction)
        payable = self._partial.get(key)
        if payable is None:
            payable = self._partial[key] = times(amount, fraction)
        status = PARTIAL if payable else WITHHELD
        return status, NORM_NOT_MET, payable, amount - payable, ZERO
