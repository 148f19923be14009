"""Cohorts measured against the prestatienorm (section 5)."""
from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import NamedTuple

from .glossary import CohortStatus
from .money import round_fraction
from .results import Cohort
from .terms import ContractTerms

_ONE = Fraction(1)


class CohortCounts(NamedTuple):
    """The counts of one measurement period's cohort."""

    trajectories: int = 0
    denominator: int = 0
    numerator: int = 0
    awaiting_review: int = 0


def build_cohort(terms: ContractTerms, index: int, counts: CohortCounts, as_of: date) -> Cohort:
    """Measure one period's cohort against the norm as of a date."""
    norm = terms.norm
    assert norm is not None
    period_start, period_end = terms.periods[index]
    final_on = terms.final_on(period_end)
    # A cohort waits for its window and deadline to pass, and for the reviews of the
    # claims that would count: until then its outcome can still change.
    final = as_of >= final_on and counts.awaiting_review == 0
    if counts.denominator:
        achieved = Fraction(counts.numerator, counts.denominator)
        ratio = achieved / terms.norm_rate
        rate = round_fraction(achieved * 100, 2)
    else:
        # Nobody to measure: the norm is not failed.
        achieved, ratio, rate = None, _ONE, None
    if not final:
        status, pay_fraction = CohortStatus.PENDING.value, None
    else:
        # Compared exactly: 7/20 meets a 35 % norm.
        status = CohortStatus.MET.value if ratio >= 1 else CohortStatus.NOT_MET.value
        pay_fraction = terms.pay_fraction(ratio)
    return Cohort(
        index=index,
        period_start=period_start,
        period_end=period_end,
        final_on=final_on,
        final=final,
        trajectories=counts.trajectories,
        denominator=counts.denominator,
        numerator=counts.numerator,
        awaiting_review=counts.awaiting_review,
        achieved=achieved,
        ratio=ratio,
        rate=rate,
        norm=norm.rate,
        status=status,
        pay_fraction=pay_fraction,
    )
