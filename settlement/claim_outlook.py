"""What the settlement would do with one claim if the reviewer approved it today.

A reviewer should not approve a claim blind to what follows: a claim submitted late, dated
outside the window, on an over-volume trajectory or behind an approved duplicate will be
withheld whatever the decision. `outlook_if_approved` evaluates the contract as of a day
with one extra decision, "approved on that day", added to the claim's review history (the
claim's own history is otherwise left as it is) and returns the line the engine would make,
the cohort it counts for and the explanation, so the reviewer sees the same rules the
settlement applies, never a second version of them.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from .evaluation import evaluate_contract
from .explain import explain
from .glossary import Decision
from .model import Contract, Milestone, ReviewDecision, Trajectory
from .results import Cohort, ContractSettlement, Line


@dataclass(frozen=True)
class ClaimOutlook:
    """The engine's answer for one claim, as if approved on `on`."""

    milestone: str
    on: date
    line: Line | None  # None: the claim makes no line (no tranche for its type, or not yet known)
    no_line: str | None  # NoLine when there is no line
    cohort: Cohort | None  # the cohort the claim's trajectory counts in, when the contract has a norm
    refused: str | None  # OUTSIDE_CONTRACT_PERIOD / OVER_VOLUME when the trajectory is refused
    explanation: str  # the line's explanation in plain Dutch ("" without a line)

    @property
    def withheld_anyway(self) -> bool:
        """True when approving it still pays nothing now and never will (a final reason, not a pending one)."""
        return self.line is not None and self.line.payable == 0 and self.line.pending == 0


def outlook_if_approved(contract: Contract, trajectories: Iterable[Trajectory], milestones: Iterable[Milestone],
                        milestone_ref: str, on: date, *,
                        municipality_names: dict[str, str] | None = None) -> ClaimOutlook:
    """Evaluate the contract on `on` with the claim approved that day (LookupError if the claim is not there)."""
    changed: list[Milestone] = []
    found = None
    for milestone in milestones:
        if milestone.ref == milestone_ref:
            found = milestone
            milestone = replace(milestone, reviews=(*milestone.reviews,
                                                    ReviewDecision(decision=Decision.APPROVED.value, date=on)))
        changed.append(milestone)
    if found is None:
        raise LookupError(f"no milestone {milestone_ref!r} for contract {contract.code}")
    result = evaluate_contract(contract, trajectories, changed, on)
    return _outlook(result, found, on, municipality_names)


def _outlook(result: ContractSettlement, milestone: Milestone, on: date,
             names: dict[str, str] | None) -> ClaimOutlook:
    line = result.line(milestone.ref)
    cohort = None
    if line is not None and line.cohort is not None and result.cohorts:
        cohort = result.cohorts[line.cohort]
    return ClaimOutlook(
        milestone=milestone.ref, on=on, line=line, no_line=result.no_line.get(milestone.ref), cohort=cohort,
        refused=result.refused.get(milestone.trajectory),
        explanation=explain(result, line, municipality_names=names) if line is not None else "")
