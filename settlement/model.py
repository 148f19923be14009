"""The facts a settlement is computed from, as frozen dataclasses.

Dates are `datetime.date`, money and percentages `Decimal`; codes and refs are plain
strings (the enumerations in `glossary` spell their allowed values). References
between facts are by code or ref, so the portal can build these from database rows.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ._speed import fast_init


@dataclass(frozen=True, slots=True, kw_only=True)
class Consortium:
    """Municipalities that tender together."""

    code: str
    name: str
    lead_municipality: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Municipality:
    """A gemeente, identified by its CBS code."""

    code: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Provider:
    """A re-integratiebedrijf."""

    code: str
    name: str
    kvk: str | None = None
    vat_id: str | None = None
    iban: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Client:
    """A resident referred to a trajectory."""

    ref: str
    bsn: str
    municipality: str | None = None
    target_group: str | None = None
    benefit: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tranche:
    """Part of the price paid on one milestone type: `share` percent or a fixed `amount`."""

    code: str
    milestone: str
    result: bool
    share: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffelStep:
    """From `min_ratio` achievement on, `pay` of a result tranche is paid."""

    min_ratio: Decimal
    pay: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Norm:
    """The prestatienorm of a contract."""

    milestone: str
    rate: Decimal
    measurement_months: int
    window_months: int
    staffel: tuple[StaffelStep, ...]
    excluded_end_reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FundingShare:
    """Percentage of every payable amount that one funding source pays."""

    source: str
    share: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Contract:
    """A perceel: one provider, one segment, one period, its price and terms."""

    code: str
    provider: str
    segment: str
    start: date
    end: date
    price: Decimal
    vat_rate: Decimal
    tranches: tuple[Tranche, ...]
    norm: Norm | None = None
    max_trajectories: int | None = None
    # CBS code -> cap. Left out of the hash so a Contract stays hashable with a dict here.
    municipality_caps: Mapping[str, int] | None = field(default=None, hash=False)
    submission_deadline_days: int | None = None
    funding: tuple[FundingShare, ...] = ()


@fast_init  # scenarios hold hundreds of thousands: see _speed.fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Trajectory:
    """One client's trajectory under one contract."""

    ref: str
    contract: str
    municipality: str
    start: date
    client: str | None = None
    end: date | None = None
    end_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """One review decision on a milestone: approved, rejected or revoked (glossary.Decision), and its date."""

    decision: str
    date: date


@fast_init  # scenarios hold hundreds of thousands: see _speed.fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Milestone:
    """A milestone claimed for a trajectory, with its review history in the order the decisions were taken.

    No decision means pending review; `reviews.status_on` tells the status on a date.
    """

    ref: str
    trajectory: str
    type: str
    date: date
    submitted: date
    reviews: tuple[ReviewDecision, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """Everything a settlement can be computed from, as of a reference date."""

    as_of: date
    consortium: Consortium
    municipalities: tuple[Municipality, ...]
    providers: tuple[Provider, ...]
    contracts: tuple[Contract, ...]
    trajectories: tuple[Trajectory, ...]
    milestones: tuple[Milestone, ...]
    # None: the scenario has no clients list, so trajectories' clients are not checked.
    clients: tuple[Client, ...] | None = None
    # The dates at which `python -m settlement runs` issues runs, in order (may be empty).
    runs: tuple[date, ...] = ()
