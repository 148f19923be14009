"""What a settlement evaluation answers: frozen dataclasses, and Line, a NamedTuple."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from .model import Contract, ReviewDecision


@dataclass(frozen=True, slots=True, kw_only=True)
class Cohort:
    """Trajectories that started in one measurement period, measured against the norm."""

    index: int
    period_start: date
    period_end: date
    final_on: date  # (period_end + window_months) + submission_deadline_days
    final: bool
    trajectories: int  # admitted trajectories that started in the period
    denominator: int  # less those that ended with an excluded end reason
    numerator: int  # denominator trajectories with an approved, in-time, in-window result
    awaiting_review: int  # primary in-time, in-window norm claims still awaiting review
    achieved: Fraction | None  # numerator / denominator; None when the denominator is 0
    ratio: Fraction  # achievement ratio = achieved / (norm / 100); 1 when the denominator is 0
    rate: Decimal | None  # achieved in percent, 2 decimals, for display only
    norm: Decimal  # the norm rate in percent
    status: str  # CohortStatus: pending, met, not_met
    pay_fraction: Decimal | None  # from the staffel; None while the cohort is not final


class Line(NamedTuple):
    """One claim with a tranche, and what of its amount is payable, withheld and pending.

    A NamedTuple rather than a frozen dataclass: evaluation builds one per claim, and
    with 22 fields a tuple is several times cheaper to build than a frozen dataclass
    (measured while tuning bench/bench_settlement.py). It is just as immutable; fields
    are read by name; `_replace` and `_asdict` work.
    """

    milestone: str
    trajectory: str
    municipality: str
    tranche: str
    amount: Decimal
    status: str  # LineStatus
    reason: str | None  # Reason, None when fully payable
    payable: Decimal
    withheld: Decimal
    pending: Decimal
    funding: Mapping[str, Decimal]  # payable split per source, in contract order (read-only)
    # Context that decided the outcome, for explanations and the portal's line view.
    type: str  # milestone type
    date: date
    submitted: date
    review: str  # Review status as of the reference date (the decision in force then; see reviews.py)
    reviewed: date | None  # date of the decision in force, None while pending
    trajectory_start: date
    deadline: date | None  # last day to submit in time; None without a deadline
    window_end: date | None  # last day of the window; None when only the start limits it
    primary: str  # milestone ref of the claim that counts for this trajectory and type
    result: bool  # a result tranche under a norm
    cohort: int | None  # index into ContractSettlement.cohorts; None when not admitted
    reviews: tuple[ReviewDecision, ...] = ()  # the milestone's whole review history, later decisions included

    def __hash__(self) -> int:
        # The funding mapping is not hashable; the line's identity and amount are enough.
        return hash((self.milestone, self.tranche, self.payable))


@dataclass(frozen=True, slots=True, kw_only=True)
class Sums:
    """Payable, withheld and pending amounts added up."""

    payable: Decimal
    withheld: Decimal
    pending: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    """Sums of a contract's lines, in all and per municipality and funding source."""

    payable: Decimal
    withheld: Decimal
    pending: Decimal
    by_municipality: Mapping[str, Sums] = field(hash=False)  # ordered by code
    by_funding: Mapping[str, Decimal] = field(hash=False)  # every source, contract order


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoice:
    """What one municipality owes for a contract's payable lines."""

    municipality: str
    subtotal: Decimal
    vat_rate: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractSettlement:
    """The settlement of one contract as of a date."""

    code: str
    as_of: date
    contract: Contract
    cohorts: tuple[Cohort, ...]
    lines: tuple[Line, ...]
    totals: Totals
    invoices: tuple[Invoice, ...]
    # Trajectory ref -> Reason (OUTSIDE_CONTRACT_PERIOD / OVER_VOLUME) for refused ones.
    refused: Mapping[str, str] = field(hash=False)
    # Trajectory ref -> VolumeLimit for those refused as OVER_VOLUME.
    volume_limits: Mapping[str, str] = field(hash=False)
    # Milestone ref -> NoLine for the contract's milestones that produced no line.
    no_line: Mapping[str, str] = field(hash=False)
    # Milestone ref -> review history, for the milestones that count as rejected on as_of.
    rejected_reviews: Mapping[str, tuple[ReviewDecision, ...]] = field(default_factory=dict, hash=False)
    # Milestone ref -> position in `lines`, built on the first call of line().
    _line_index: dict[str, int] | None = field(default=None, hash=False, compare=False, repr=False)

    def line(self, milestone: str) -> Line | None:
        """Return the line of a milestone, if it has one."""
        index = self._line_index
        if index is None:
            # A cache, not state: built once so that looking up every line stays linear.
            index = {line.milestone: position for position, line in enumerate(self.lines)}
            object.__setattr__(self, "_line_index", index)
        position = index.get(milestone)
        return None if position is None else self.lines[position]


@dataclass(frozen=True, slots=True, kw_only=True)
class Settlement:
    """The settlements of all contracts of a scenario as of a date."""

    as_of: date
    contracts: tuple[ContractSettlement, ...]

    def contract(self, code: str) -> ContractSettlement | None:
        """Return the settlement of one contract, if present."""
        for result in self.contracts:
            if result.code == code:
                return result
        return None
