"""The consortium's view: per segment the competing bureaus side by side, and the same over time.

Cohort figures are the engine's (`ContractResults.cohorts`); when filters pick part of a
contract's trajectories, the subset's rate is counted from the engine's own cohort members.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from settlement.money import round_fraction
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import models as m
from ..models.enums import BENEFITS, SEGMENTS, TARGET_GROUPS
from .facts import TrajectoryRow
from .filters import Filters, quarter_of
from .service import ContractResults, results_for, load_contracts

ZERO = Decimal("0.00")
# What counts as a result where a contract has no norm: the milestone a segment works towards.
RESULT_MILESTONE = {"directe_bemiddeling": "placement", "aanbodversterking": "participation_step",
                    "arbeidsritme": "completion", "voortraject": "completion",
                    "sociale_activering": "participation_step"}


@dataclass
class BureauFigures:
    """One contract (one bureau in its segment) under the filters."""

    results: ContractResults
    referred: int = 0
    accepted: int = 0
    declined: int = 0
    active: int = 0
    ended: Counter = field(default_factory=Counter)
    placements: int = 0
    sustained: int = 0
    activation: int = 0  # social-activation results: approved participation steps
    counted: int = 0  # of the filtered trajectories, in a cohort's denominator
    outcomes: int = 0  # of those, in the numerator (or, without a norm, with an approved result milestone)
    earned: Decimal = ZERO  # payable per the settlement as of the date
    invoiced: Decimal = ZERO  # invoices and credit notes issued up to the date (whole contract or municipality)
    pending: Decimal = ZERO
    by_quarter: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))

    @property
    def contract(self) -> m.Contract:
        return self.results.contract

    @property
    def rate(self) -> Decimal | None:
        return None if not self.counted else round_fraction(Fraction(self.outcomes * 100, self.counted), 2)

    @property
    def cost_per_result(self) -> Decimal | None:
        return None if not self.outcomes else (self.earned / self.outcomes).quantize(Decimal("0.01"))


@dataclass
class SegmentFigures:
    segment: str
    bureaus: list[BureauFigures]

    def average_rate(self) -> Decimal | None:
        """The segment's rate over all its bureaus' filtered trajectories."""
        counted = sum(b.counted for b in self.bureaus)
        outcomes = sum(b.outcomes for b in self.bureaus)
        return None if not counted else round_fraction(Fraction(outcomes * 100, counted), 2)


@dataclass(frozen=True)
class GroupRow:
    """One target group (or benefit) of a segment: all its bureaus together."""

    segment: str
    group: str
    referred: int
    accepted: int
    counted: int
    outcomes: int

    @property
    def rate(self) -> Decimal | None:
        return None if not self.counted else round_fraction(Fraction(self.outcomes * 100, self.counted), 2)


def group_rows(segment: SegmentFigures, filters: Filters, key: str) -> list[GroupRow]:
    """Per target group (key "target_group") or benefit ("benefit"): the segment's counts and results."""
    values = TARGET_GROUPS if key == "target_group" else BENEFITS
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for bureau in segment.bureaus:  # one pass per contract, as bureau_figures counts with `key` narrowed to each value
        for value, counts in _counts_per(bureau.results, filters, key).items():
            total = totals[value]
            for i, n in enumerate(counts):
                total[i] += n
    return [GroupRow(segment.segment, value, *totals[value]) for value in values]


def _counts_per(results: ContractResults, filters: Filters, key: str) -> dict[str, list[int]]:
    """Value of `key` -> [referred, accepted, counted, outcomes] of the contract's trajectories under the filters."""
    as_of = results.as_of
    wide = replace(filters, **{key: None})
    approved = approved_by_type(results)
    has_norm = bool(results.cohorts)
    result_type = RESULT_MILESTONE.get(results.contract.segment)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in results.rows:
        if not keep(row, wide) or row.referred_on > as_of:
            continue
        started = row.start is not None and row.start <= as_of
        if has_norm:
            member = results.members.get(row.ref)
            counted, outcome = (member.counted, member.result) if member else (False, False)
        else:
            counted, outcome = started, row.ref in approved[result_type]
        group = counts[getattr(row, key)]
        group[0] += 1
        group[1] += started
        group[2] += counted
        group[3] += outcome
    return counts


def approved_by_type(results: ContractResults) -> defaultdict[str, frozenset[str]]:
    """Milestone type -> refs of trajectories with an approved claim of that type known on as_of."""
    return defaultdict(frozenset, results.approved)


def keep(row: TrajectoryRow, filters: Filters) -> bool:
    """True when a trajectory passes the trajectory filters (municipality, target group, benefit, period)."""
    if filters.municipality and row.municipality_id != filters.municipality:
        return False
    if filters.target_group and row.target_group != filters.target_group:
        return False
    if filters.benefit and row.benefit != filters.benefit:
        return False
    span = filters.period_range
    return not span or span[0] <= row.referred_on <= span[1]


def bureau_figures(results: ContractResults, filters: Filters) -> BureauFigures:
    """Count one contract's filtered trajectories; results and money from the engine's answer."""
    as_of = results.as_of
    figures = BureauFigures(results)
    approved = approved_by_type(results)
    has_norm = bool(results.cohorts)
    result_type = RESULT_MILESTONE.get(results.contract.segment)
    kept: set[str] = set()
    for row in results.rows:
        if not keep(row, filters) or row.referred_on > as_of:
            continue
        kept.add(row.ref)
        figures.referred += 1
        figures.declined += row.status == "declined"
        started = row.start is not None and row.start <= as_of
        figures.accepted += started
        ended = row.end is not None and row.end <= as_of
        figures.active += started and not ended
        if ended and row.end_reason:
            figures.ended[row.end_reason] += 1
        figures.placements += row.ref in approved["placement"]
        figures.sustained += row.ref in approved["sustained_placement"]
        if results.contract.segment == "sociale_activering":
            figures.activation += row.ref in approved["participation_step"]
        if has_norm:
            member = results.members.get(row.ref)
            counted, outcome = (member.counted, member.result) if member else (False, False)
        else:
            counted, outcome = started, row.ref in approved[result_type]
        figures.counted += counted
        figures.outcomes += outcome
        if started:
            quarter = figures.by_quarter[quarter_of(row.start)]
            quarter[0] += 1
            quarter[1] += counted
            quarter[2] += outcome
    for ref, (payable, pending) in results.money.items():
        if ref in kept:
            figures.earned += payable
            figures.pending += pending
    return figures


def selected_contracts(session: Session, filters: Filters, allowed_ids: set[int] | None = None) -> list[m.Contract]:
    """Load the contracts the filters pick (within `allowed_ids` when given)."""
    query = select(m.Contract.id)
    if filters.contract:
        query = query.where(m.Contract.id == filters.contract)
    if filters.bureau:
        query = query.where(m.Contract.provider_id == filters.bureau)
    if filters.segment:
        query = query.where(m.Contract.segment == filters.segment)
    ids = set(session.scalars(query))
    if allowed_ids is not None:
        ids &= allowed_ids
    return load_contracts(session, ids)


def dashboard(session: Session, filters: Filters, allowed_ids: set[int] | None = None) -> list[SegmentFigures]:
    """Per segment (in glossary order) the bureaus' figures under the filters."""
    contracts = selected_contracts(session, filters, allowed_ids)
    by_segment: dict[str, list[BureauFigures]] = defaultdict(list)
    invoiced = _invoiced(session, [c.id for c in contracts], filters)
    for results in results_for(session, contracts, filters.as_of):
        figures = bureau_figures(results, filters)
        figures.invoiced = invoiced.get(results.contract.id, ZERO)
        by_segment[results.contract.segment].append(figures)
    return [SegmentFigures(s, by_segment[s]) for s in SEGMENTS if s in by_segment]


def _invoiced(session: Session, contract_ids: list[int], filters: Filters) -> dict[int, Decimal]:
    """Contract id -> what its invoices and credit notes issued up to as_of add up to (excl. btw)."""
    query = (select(m.Invoice.contract_id, func.sum(m.Invoice.subtotal))
             .where(m.Invoice.contract_id.in_(contract_ids), m.Invoice.issue_date <= filters.as_of)
             .group_by(m.Invoice.contract_id))
    if filters.municipality:
        query = query.where(m.Invoice.municipality_id == filters.municipality)
    return {cid: Decimal(total or 0).quantize(Decimal("0.01")) for cid, total in session.execute(query)}
