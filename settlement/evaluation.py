"""Evaluate contracts as of a reference date: sections 2–8 of the settlement rules."""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date
from types import MappingProxyType

from ._speed import gc_paused
from .admission import admit
from .claims import APPROVED, PENDING, REJECTED, Claim, line_order, rank_claims
from .cohorts import CohortCounts, build_cohort
from .funding import FundingSplitter
from .glossary import NoLine
from .lines import LineSettler, claim_reason
from .model import Contract, Milestone, ReviewDecision, Scenario, Trajectory
from .reviews import STATUS_OF, decision_on
from .results import Cohort, ContractSettlement, Line, Settlement, Totals
from .terms import ContractTerms
from .totals import Outcome, invoices_of, totals_from

# Lines are NamedTuples built from a tuple of all their fields: tuple.__new__ skips the
# keyword handling of their generated __new__, once per claim.
new_tuple = tuple.__new__

NOT_YET_KNOWN = NoLine.NOT_YET_KNOWN.value
NO_TRANCHE = NoLine.NO_TRANCHE.value
REJECTED_CLAIM = NoLine.REJECTED.value


def evaluate(scenario: Scenario, as_of: date | None = None) -> Settlement:
    """Settle every contract of a scenario as of a date (default: the scenario's as_of)."""
    as_of = scenario.as_of if as_of is None else as_of
    with gc_paused():
        trajectories: dict[str, list[Trajectory]] = {c.code: [] for c in scenario.contracts}
        milestones: dict[str, list[Milestone]] = {c.code: [] for c in scenario.contracts}
        # Trajectory ref -> its contract's milestone list, to file each milestone in one lookup.
        milestones_of: dict[str, list[Milestone]] = {}
        try:
            for trajectory in scenario.trajectories:
                trajectories[trajectory.contract].append(trajectory)
                milestones_of[trajectory.ref] = milestones[trajectory.contract]
            for milestone in scenario.milestones:
                milestones_of[milestone.trajectory].append(milestone)
        except KeyError as unknown:
            raise ValueError(f"scenario refers to an unknown contract or trajectory {unknown}") from None
        # Ordered by code, so that the answer does not depend on the order of the input.
        contracts = sorted(scenario.contracts, key=lambda c: c.code)
        return Settlement(
            as_of=as_of,
            contracts=tuple(
                evaluate_contract(c, trajectories.get(c.code, ()), milestones.get(c.code, ()), as_of)
                for c in contracts
            ),
        )


def evaluate_contract(
    contract: Contract,
    trajectories: Iterable[Trajectory],
    milestones: Iterable[Milestone],
    as_of: date,
) -> ContractSettlement:
    """Settle one contract as of a date from its trajectories and their milestones.

    The order of the iterables does not matter. Every milestone must belong to one of
    the given trajectories, and every trajectory to this contract (ValueError if not);
    refs are unique (as in a valid scenario or the portal's database).
    """
    with gc_paused():
        return _Evaluation(contract, as_of).run(trajectories, milestones)


# What the evaluation keeps per existing trajectory while it walks the claims, as a
# list (made once per trajectory, so it is kept as cheap as a record can be):
# [trajectory, milestone type -> claims (primary first) or None, cohort index or None].
_Entry = list
TRAJECTORY, CLAIMS, COHORT = 0, 1, 2


class _Evaluation:
    """One contract evaluated as of one date; `run` walks sections 2 to 8 in order."""

    def __init__(self, contract: Contract, as_of: date) -> None:
        self.contract = contract
        self.as_of = as_of
        self.terms = ContractTerms(contract)
        self.existing: dict[str, _Entry] = {}  # trajectories that exist on as_of, by ref
        self.trajectories: list[Trajectory] = []  # the same, in input order
        self.later: set[str] = set()  # trajectories that start after as_of
        self.no_line: dict[str, str] = {}
        self.ranked: list[list[Claim]] = []  # groups with more than one claim, to rank
        self.rejected: dict[str, tuple[ReviewDecision, ...]] = {}  # review histories of rejected milestones

    def run(self, trajectories: Iterable[Trajectory], milestones: Iterable[Milestone]) -> ContractSettlement:
        self.collect_trajectories(trajectories)
        refused, volume_limits = admit(self.contract, self.trajectories)
        self.group_claims(milestones)
        cohorts = self.measure_cohorts(refused)
        lines, totals = self.make_lines(refused, cohorts)
        return ContractSettlement(
            code=self.contract.code,
            as_of=self.as_of,
            contract=self.contract,
            cohorts=cohorts,
            lines=lines,
            totals=totals,
            invoices=invoices_of(self.contract, totals),
            refused=MappingProxyType(refused),
            volume_limits=MappingProxyType(volume_limits),
            no_line=MappingProxyType(self.no_line),
            rejected_reviews=MappingProxyType(self.rejected),
        )

    def collect_trajectories(self, trajectories: Iterable[Trajectory]) -> None:
        """Keep the trajectories that exist on as_of (section 2)."""
        code, as_of = self.contract.code, self.as_of
        existing, later = self.existing, self.later
        keep = self.trajectories.append
        given = 0
        for trajectory in trajectories:
            given += 1
            if trajectory.contract != code:
                raise ValueError(f"trajectory {trajectory.ref} belongs to {trajectory.contract}, not {code}")
            if trajectory.start <= as_of:
                existing[trajectory.ref] = [trajectory, None, None]
                keep(trajectory)
            else:
                later.add(trajectory.ref)
        if given != len(existing) + len(later):
            raise ValueError(f"contract {code}: a trajectory ref is given twice")

    def group_claims(self, milestones: Iterable[Milestone]) -> None:
        """Group the claims known on as_of per trajectory and type, primary first (sections 2 and 4)."""
        as_of, existing, no_line = self.as_of, self.existing, self.no_line
        terms = self.terms
        deadline = terms.deadline
        windowed = terms.windowed_types
        window_end_of = terms.window_end
        window_ends = terms.window_ends
        status_of = STATUS_OF
        for m in milestones:
            entry = existing.get(m.trajectory)
            if entry is None:
                if m.trajectory not in self.later:
                    raise ValueError(f"milestone {m.ref}: trajectory {m.trajectory} not given")
                no_line[m.ref] = NOT_YET_KNOWN  # its trajectory starts after as_of
                continue
            day = m.date
            submitted = m.submitted
            if day > as_of or submitted > as_of:
                no_line[m.ref] = NOT_YET_KNOWN
                continue
            # The review status on as_of (section 2): the decision in force then.
            reviews = m.reviews
            if not reviews:
                review = PENDING
            else:
                decision = decision_on(reviews, as_of)
                if decision is None:
                    review = PENDING  # no decision had happened yet on as_of
                else:
                    review = status_of[decision.decision]
                    if review == REJECTED:
                        no_line[m.ref] = REJECTED_CLAIM  # rejected (or revoked) milestones are no claims
                        self.rejected[m.ref] = reviews
                        continue
            if deadline is None:
                last_day = None
                late = False
            else:
                last_day = day + deadline
                late = submitted > last_day
            start = entry[TRAJECTORY].start
            kind = m.type
            if kind in windowed:
                window_end = window_ends.get(start) or window_end_of(start)
                in_window = start <= day <= window_end
            else:
                # Later results (aftercare) may come after the trajectory or contract
                # ended; outside the window rule only the trajectory start limits claims.
                window_end = None
                in_window = start <= day
            claim = (m, review, late, in_window, last_day, window_end)  # see claims.Claim
            by_type = entry[CLAIMS]
            if by_type is None:
                entry[CLAIMS] = {kind: [claim]}
                continue
            claims = by_type.get(kind)
            if claims is None:
                by_type[kind] = [claim]
            else:
                claims.append(claim)
                if len(claims) == 2:
                    self.ranked.append(claims)
        for claims in self.ranked:
            rank_claims(claims)  # primary first, from here on

    def measure_cohorts(self, refused: dict[str, str]) -> tuple[Cohort, ...]:
        """Place admitted trajectories in their period's cohort and measure it (section 5)."""
        terms, as_of = self.terms, self.as_of
        if terms.norm is None:
            return ()
        periods = len(terms.periods)
        # Per period: trajectories, denominator, numerator, primary norm claims awaiting review.
        started, denominator, numerator, awaiting = [0] * periods, [0] * periods, [0] * periods, [0] * periods
        period_starts = terms.period_starts
        excluded = terms.excluded_end_reasons
        norm_type = terms.norm_milestone
        for ref, entry in self.existing.items():
            if ref in refused:
                continue
            trajectory, by_type, _ = entry
            # The period whose start is the last one on or before the trajectory's start.
            index = entry[COHORT] = bisect_right(period_starts, trajectory.start) - 1
            started[index] += 1
            end = trajectory.end
            # A neutral exit leaves the denominator, but only once it has happened.
            if end is not None and end <= as_of and trajectory.end_reason in excluded:
                continue
            denominator[index] += 1
            if by_type is None:
                continue
            claims = by_type.get(norm_type)
            if claims is None:
                continue
            _, review, late, in_window, _, _ = claims[0]  # the primary claim
            if late or not in_window:
                continue
            if review == APPROVED:
                numerator[index] += 1
            else:
                awaiting[index] += 1
        counts = [CohortCounts(*figures) for figures in zip(started, denominator, numerator, awaiting)]
        return tuple(build_cohort(terms, i, c, as_of) for i, c in enumerate(counts))

    def make_lines(self, refused: dict[str, str], cohorts: tuple[Cohort, ...]) -> tuple[tuple[Line, ...], Totals]:
        """Make one line per primary or duplicate claim with a tranche (sections 6 and 7)."""
        tranches = self.terms.tranches
        existing, no_line = self.existing, self.no_line
        outcome = LineSettler().outcome
        split = FundingSplitter(self.contract.funding).split
        # Outcomes repeat: a line's amounts follow from its tranche, its cohort (for a
        # result tranche) and its reason, so each combination is worked out once, and
        # its lines are counted per municipality: totals_from multiplies, which gives
        # exactly the sums of the lines.
        # tables[milestone type][cohort index, or len(cohorts) for none][reason] -> Outcome
        no_cohort = len(cohorts)
        tables = {kind: [{} for _ in range(no_cohort + 1)] for kind in tranches}
        outcomes: list[Outcome] = []
        lines: list[Line] = []
        append = lines.append
        # Lines in the order (trajectory ref, milestone type, date, submitted, milestone ref).
        for ref in sorted(existing):
            trajectory, by_type, index = existing[ref]
            if by_type is None:
                continue
            municipality = trajectory.municipality
            start = trajectory.start
            refusal = refused.get(ref) if refused else None
            for kind in sorted(by_type) if len(by_type) > 1 else by_type:
                claims = by_type[kind]
                priced = tranches.get(kind)
                if priced is None:
                    # A type without a tranche makes no line (a norm milestone still
                    # counted in its cohort).
                    for claim in claims:
                        no_line[claim[0].ref] = NO_TRANCHE
                    continue
                result = priced.result
                slot = index if result and index is not None else no_cohort
                by_reason = tables[kind][slot]
                primary = claims[0]
                primary_ref = primary[0].ref
                code = priced.code
                amount = priced.amount
                if len(claims) > 1:
                    claims = sorted(claims, key=line_order)
                for claim in claims:
                    m, review, late, in_window, deadline, window_end = claim
                    if refusal is None and claim is primary and review == APPROVED and in_window and not late:
                        reason = None  # the common case, decided without a call
                    else:
                        reason = claim_reason(refusal, primary, claim)
                    found = by_reason.get(reason)
                    if found is None:
                        status, reason_, payable, withheld, pending = outcome(
                            amount, reason, cohorts[slot] if slot < no_cohort else None)
                        found = by_reason[reason] = (status, reason_, payable, withheld, pending, split(payable), {})
                        outcomes.append(found)
                    status, reason, payable, withheld, pending, funding, per_municipality = found
                    per_municipality[municipality] = per_municipality.get(municipality, 0) + 1
                    # All fields of Line, in order (see results.Line).
                    append(new_tuple(Line, (
                        m.ref, ref, municipality, code, amount,
                        status, reason, payable, withheld, pending, funding,
                        kind, m.date, m.submitted, review,
                        None if review == PENDING else decision_on(m.reviews, self.as_of).date,
                        start, deadline, window_end, primary_ref, result, index, m.reviews,
                    )))
        return tuple(lines), totals_from(self.contract, outcomes, split)
