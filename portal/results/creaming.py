"""Creaming: does a bureau's success come from picking the clients closest to work?

Per bureau the target-group mix among referrals, accepted trajectories and results, the
decline rate per group, and a one-sided Fisher exact test (scipy) of whether trajectories of
the groups closest to work reach a result more often than the others. Small numbers are
never called significant; the counts are always shown so a person can judge.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from settlement.money import round_fraction
from sqlalchemy.orm import Session

from ..models.enums import TARGET_GROUPS
from .dashboard import RESULT_MILESTONE, approved_by_type, keep, selected_contracts
from .filters import Filters
from .service import ContractResults, results_for

# Groups without a language, age or health barrier: "closest to work" for this test.
CLOSEST_TO_WORK = frozenset({"jongere", "overig"})
SIGNIFICANCE = 0.05
# Below these numbers a difference is not called significant, whatever the p-value.
MIN_RESULTS = 10
MIN_PER_SIDE = 5


@dataclass
class GroupMix:
    group: str
    referred: int = 0
    accepted: int = 0
    declined: int = 0
    results: int = 0

    @property
    def decline_rate(self) -> Decimal | None:
        return None if not self.referred else round_fraction(Fraction(self.declined * 100, self.referred), 2)


@dataclass(frozen=True)
class FisherTest:
    """[[closest with result, closest without], [others with result, others without]] among accepted trajectories."""

    table: tuple[tuple[int, int], tuple[int, int]]
    p_value: float | None
    odds_ratio: float | None
    enough_data: bool

    @property
    def flagged(self) -> bool:
        return self.enough_data and self.p_value is not None and self.p_value < SIGNIFICANCE

    @property
    def verdict(self) -> str:
        if not self.enough_data:
            return "Te weinig trajecten om iets te concluderen (niet significant)"
        if self.flagged:
            return "Resultaten oververtegenwoordigd bij groepen het dichtst bij werk (significant)"
        return "Geen significant verschil"


@dataclass
class BureauMix:
    results: ContractResults
    groups: list[GroupMix] = field(default_factory=list)
    test: FisherTest | None = None

    @property
    def contract(self):
        return self.results.contract

    def share(self, group: GroupMix, attribute: str) -> Decimal | None:
        total = sum(getattr(g, attribute) for g in self.groups)
        return None if not total else round_fraction(Fraction(getattr(group, attribute) * 100, total), 1)


def fisher(closest_result: int, closest_none: int, other_result: int, other_none: int) -> FisherTest:
    """Test one-sided whether the closest groups reach a result more often than the others."""
    table = ((closest_result, closest_none), (other_result, other_none))
    enough = (closest_result + other_result >= MIN_RESULTS and closest_result + closest_none >= MIN_PER_SIDE
              and other_result + other_none >= MIN_PER_SIDE)
    if closest_result + closest_none == 0 or other_result + other_none == 0:
        return FisherTest(table, None, None, False)
    from scipy.stats import fisher_exact  # imported here: ~1 s, only this page needs it
    odds, p = fisher_exact(table, alternative="greater")
    return FisherTest(table, float(p), float(odds), enough)


def bureau_mix(results: ContractResults, filters: Filters) -> BureauMix:
    """Count a contract's trajectories per target group under the filters (all groups, whatever the group filter)."""
    as_of = results.as_of
    filters = replace(filters, target_group=None)
    groups = {g: GroupMix(g) for g in TARGET_GROUPS}
    approved = approved_by_type(results)
    result_type = RESULT_MILESTONE.get(results.contract.segment)
    counts = [[0, 0], [0, 0]]
    for row in results.rows:
        if not keep(row, filters) or row.referred_on > as_of:
            continue
        group = groups.setdefault(row.target_group, GroupMix(row.target_group))
        group.referred += 1
        group.declined += row.status == "declined"
        started = row.start is not None and row.start <= as_of
        if not started:
            continue
        group.accepted += 1
        if results.cohorts:
            member = results.members.get(row.ref)
            outcome = bool(member and member.result)
        else:
            outcome = row.ref in approved[result_type]
        group.results += outcome
        counts[row.target_group not in CLOSEST_TO_WORK][not outcome] += 1
    mix = BureauMix(results, [g for g in groups.values() if g.referred])
    mix.test = fisher(counts[0][0], counts[0][1], counts[1][0], counts[1][1])
    return mix


def creaming(session: Session, filters: Filters, allowed_ids: set[int] | None = None) -> list[BureauMix]:
    """Per contract the filters pick: its target-group mix and the creaming test."""
    contracts = selected_contracts(session, filters, allowed_ids)
    return [bureau_mix(r, filters) for r in results_for(session, contracts, filters.as_of)]
