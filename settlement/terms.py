"""A contract's terms worked out once per evaluation (section 1)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from .dates import add_months
from .model import Contract, Tranche
from .money import percentage_of, to_cents


@dataclass(frozen=True, slots=True)
class PricedTranche:
    """A tranche with its amount in cents and whether the norm governs it."""

    tranche: Tranche
    code: str
    amount: Decimal
    result: bool  # result tranche under a norm (without a norm `result` has no effect)


def submission_deadline(happened: date, deadline_days: int | None) -> date | None:
    """The last day to submit a milestone of `happened` in time (section 4); None without a deadline."""
    return None if deadline_days is None else happened + timedelta(days=deadline_days)


def is_late(happened: date, submitted: date, deadline_days: int | None) -> bool:
    """Submitted after the deadline: the claim's line is withheld as LATE_SUBMISSION."""
    deadline = submission_deadline(happened, deadline_days)
    return deadline is not None and submitted > deadline


def tranche_amount(contract: Contract, tranche: Tranche) -> Decimal:
    """Return what a tranche is worth: share percent of the price, or its fixed amount."""
    if tranche.share is not None:
        return percentage_of(contract.price, tranche.share)
    # A fixed amount is money already; rounding only guards against sub-cent input.
    return to_cents(tranche.amount if tranche.amount is not None else Decimal(0))


def measurement_periods(contract: Contract) -> list[tuple[date, date]]:
    """Cut the contract period into measurement periods, counted from the contract start."""
    if contract.norm is None:
        return []
    months = contract.norm.measurement_months
    if months < 1:
        raise ValueError(f"contract {contract.code}: measurement_months must be at least 1")
    periods = []
    k = 0
    while True:
        # Always from the contract start, never from the previous period: periods of
        # one month starting 31 Jan run to 27/28 Feb, then 1 Mar .. 30 Mar, and so on.
        start = add_months(contract.start, k * months)
        if start > contract.end:
            return periods
        end = min(add_months(contract.start, (k + 1) * months) - timedelta(days=1), contract.end)
        periods.append((start, end))
        k += 1


class ContractTerms:
    """Everything of a contract the evaluation needs per claim, computed once."""

    __slots__ = (
        "contract", "tranches", "deadline_days", "deadline", "norm", "norm_milestone",
        "window_months", "windowed_types", "excluded_end_reasons", "periods",
        "period_starts", "norm_rate", "staffel", "window_ends",
    )

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        norm = contract.norm
        self.norm = norm
        self.tranches: dict[str, PricedTranche] = {
            t.milestone: PricedTranche(t, t.code, tranche_amount(contract, t), bool(t.result and norm))
            for t in contract.tranches
        }
        self.deadline_days = contract.submission_deadline_days
        self.deadline = None if self.deadline_days is None else timedelta(days=self.deadline_days)
        if norm is None:
            self.norm_milestone = None
            self.window_months = 0
            self.windowed_types: frozenset[str] = frozenset()
            self.excluded_end_reasons: frozenset[str] = frozenset()
            self.norm_rate = Fraction(0)
            self.staffel: list[tuple[Fraction, Decimal]] = []
        else:
            self.norm_milestone = norm.milestone
            self.window_months = norm.window_months
            # The window's end limits the norm's milestone and every result tranche.
            self.windowed_types = frozenset(
                {norm.milestone} | {t.milestone for t in contract.tranches if t.result}
            )
            self.excluded_end_reasons = frozenset(norm.excluded_end_reasons)
            self.norm_rate = Fraction(norm.rate) / 100
            self.staffel = sorted((Fraction(step.min_ratio), step.pay) for step in norm.staffel)
        self.periods = measurement_periods(contract)
        self.period_starts = [start for start, _ in self.periods]
        self.window_ends: dict[date, date] = {}

    def window_end(self, trajectory_start: date) -> date:
        """Return the last day a windowed claim of a trajectory may be dated."""
        # Cached per start date: trajectories share start dates, and month arithmetic is slow.
        end = self.window_ends.get(trajectory_start)
        if end is None:
            end = self.window_ends[trajectory_start] = add_months(trajectory_start, self.window_months)
        return end

    def final_on(self, period_end: date) -> date:
        """Return the first day a cohort of this period can be final."""
        return add_months(period_end, self.window_months) + timedelta(days=self.deadline_days or 0)

    def pay_fraction(self, ratio: Fraction) -> Decimal:
        """Return the staffel's pay for an achievement ratio (largest min_ratio ≤ ratio)."""
        pay = None
        for min_ratio, step_pay in self.staffel:
            if min_ratio <= ratio:
                pay = step_pay
            else:
                break
        if pay is None:  # validation guarantees a min_ratio of 0; keep the rule total anyway
            return Decimal(0)
        return pay
