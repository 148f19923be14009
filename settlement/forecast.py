"""What a cohort that is not final still needs, from the engine's own cohort and lines.

Pure and exact (Fraction ratios, Decimal money), like the rest of the engine. Nothing here
decides money: `evaluate_contract` does; this module reads its answer and says how far a
cohort is from its norm, which trajectories can still deliver a result, and what is at stake.

    result = evaluate_contract(contract, trajectories, milestones, as_of)
    members = cohort_members(result, trajectories, milestones)   # checked against result.cohorts
    forecasts = forecast_cohorts(result, members)                # None for final cohorts
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import ceil

from .claims import APPROVED, REJECTED, primary_order
from .glossary import Reason
from .model import Milestone, Trajectory
from .money import ZERO, times
from .results import Cohort, ContractSettlement
from .reviews import status_on
from .terms import ContractTerms, is_late

NORM_PENDING = Reason.NORM_PENDING.value


class CohortMismatch(AssertionError):
    """The per-trajectory reading of a cohort does not add up to the engine's cohort."""


@dataclass(frozen=True, slots=True)
class Member:
    """One admitted trajectory's place in its cohort as of the reference date."""

    trajectory: str
    cohort: int
    counted: bool  # in the denominator
    result: bool  # in the numerator
    awaiting_review: bool  # its counting norm claim still awaits review
    can_deliver: bool  # counted, no result (nor one awaiting review), not ended, window still open
    window_end: date | None  # worked out only for those that may still deliver


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortForecast:
    """What a cohort that is not final needs to reach its norm, and the money at stake."""

    index: int
    needed: int  # smallest k >= 0 with (numerator + k) / denominator >= norm
    can_deliver: int  # trajectories that can still deliver a result
    reachable: bool  # needed <= can_deliver + awaiting_review
    first_window_closes: date | None  # earliest window end among those that can deliver
    last_window_closes: date | None
    days_to_first_window: int | None
    days_to_last_window: int | None
    days_to_final: int  # days until final_on (0 when passed)
    pending: Decimal  # result tranches pending under NORM_PENDING in this cohort
    pay_at_current: Decimal  # what the staffel pays of `pending` at today's ratio
    pay_at_norm: Decimal  # what it pays at the norm (ratio 1)


def needed_results(cohort: Cohort) -> int:
    """Return the smallest whole k with (numerator + k) / denominator >= norm (0 without a denominator)."""
    if cohort.denominator == 0:
        return 0
    target = Fraction(cohort.norm) / 100 * cohort.denominator
    return max(0, ceil(target - cohort.numerator))


def cohort_members(result: ContractSettlement, trajectories: Iterable[Trajectory],
                   milestones: Iterable[Milestone], terms: ContractTerms | None = None) -> dict[str, Member]:
    """Place every admitted trajectory in its cohort, checked against the engine's counts.

    Raises CohortMismatch when the counts differ from `result.cohorts`: a figure shown to
    a person must be the settlement's figure, or none at all.
    """
    terms = terms or ContractTerms(result.contract)
    if terms.norm is None:
        return {}
    as_of = result.as_of
    admitted = {t.ref: t for t in trajectories if t.start <= as_of and t.ref not in result.refused}
    primary: dict[str, tuple] = {}
    for m in milestones:
        trajectory = admitted.get(m.trajectory)
        if trajectory is None or m.type != terms.norm_milestone or m.date > as_of or m.submitted > as_of:
            continue
        review = status_on(m.reviews, as_of)
        if review == REJECTED:
            continue
        late = is_late(m.date, m.submitted, terms.deadline_days)
        in_window = trajectory.start <= m.date <= terms.window_end(trajectory.start)
        claim = (m, review, late, in_window, None, None)
        best = primary.get(m.trajectory)
        if best is None or primary_order(claim) < primary_order(best):
            primary[m.trajectory] = claim
    excluded = terms.excluded_end_reasons
    members = {}
    for ref, t in admitted.items():
        index = bisect_right(terms.period_starts, t.start) - 1
        ended = t.end is not None and t.end <= as_of
        counted = not (ended and t.end_reason in excluded)
        claim = primary.get(ref)
        counts = counted and claim is not None and not claim[2] and claim[3]
        result_ = counts and claim[1] == APPROVED
        awaiting = counts and claim[1] != APPROVED
        can_deliver = counted and not result_ and not awaiting and not ended
        # Month arithmetic is the slow part: only for those that may still deliver.
        window_end = terms.window_end(t.start) if can_deliver else None
        can_deliver = can_deliver and window_end >= as_of
        members[ref] = Member(ref, index, counted, result_, awaiting, can_deliver, window_end)
    _check(result.cohorts, members)
    return members


def _check(cohorts: tuple[Cohort, ...], members: Mapping[str, Member]) -> None:
    figures = [[0, 0, 0, 0] for _ in cohorts]
    for member in members.values():
        row = figures[member.cohort]
        row[0] += 1
        row[1] += member.counted
        row[2] += member.result
        row[3] += member.awaiting_review
    for cohort, row in zip(cohorts, figures):
        engine = [cohort.trajectories, cohort.denominator, cohort.numerator, cohort.awaiting_review]
        if row != engine:
            raise CohortMismatch(f"cohort {cohort.index}: members give {row}, the engine {engine}")


def forecast_cohorts(result: ContractSettlement, members: Mapping[str, Member],
                     terms: ContractTerms | None = None) -> tuple[CohortForecast | None, ...]:
    """Return a forecast per cohort of the result (None for a final cohort)."""
    terms = terms or ContractTerms(result.contract)
    as_of = result.as_of
    at_norm = terms.pay_fraction(Fraction(1)) if terms.norm is not None else Decimal(1)
    pending_lines: dict[int, list[Decimal]] = {}
    for line in result.lines:
        if line.reason == NORM_PENDING and line.cohort is not None:
            pending_lines.setdefault(line.cohort, []).append(line.pending)
    deliverers: dict[int, list[date]] = {}
    for member in members.values():
        if member.can_deliver:
            deliverers.setdefault(member.cohort, []).append(member.window_end)
    forecasts = []
    for cohort in result.cohorts:
        if cohort.final:
            forecasts.append(None)
            continue
        windows = sorted(deliverers.get(cohort.index, ()))
        amounts = pending_lines.get(cohort.index, ())
        current = terms.pay_fraction(cohort.ratio)
        needed = needed_results(cohort)
        forecasts.append(CohortForecast(
            index=cohort.index,
            needed=needed,
            can_deliver=len(windows),
            reachable=needed <= len(windows) + cohort.awaiting_review,
            first_window_closes=windows[0] if windows else None,
            last_window_closes=windows[-1] if windows else None,
            days_to_first_window=(windows[0] - as_of).days if windows else None,
            days_to_last_window=(windows[-1] - as_of).days if windows else None,
            days_to_final=max(0, (cohort.final_on - as_of).days),
            pending=sum(amounts, ZERO),
            pay_at_current=sum((times(a, current) for a in amounts), ZERO),
            pay_at_norm=sum((times(a, at_norm) for a in amounts), ZERO),
        ))
    return tuple(forecasts)
