"""Per contract: the engine's settlement, its cohorts' members and forecasts, counted per target group."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import settlement
from settlement.glossary import Review
from settlement.reviews import status_on
from settlement.terms import ContractTerms
from settlement.forecast import CohortForecast, Member, cohort_members, forecast_cohorts
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import models as m
from ..finance.facts import ContractFacts, load_facts
from .facts import TrajectoryRow, trajectory_rows

ZERO = Decimal("0.00")


DETAIL = ("members", "rows", "approved", "money", "refused")


class ContractResults:
    """One contract as of a date: what the results pages read from the engine's answer.

    Everything but `contract` is computed from the contract's facts and can be served from
    `results_cache` (`portal.results.cache`, `portal.results.payload`). The per-trajectory part
    (`DETAIL`) may come lazily: a page that shows only cohorts never decodes it.
    """

    def __init__(self, contract: m.Contract, as_of: date, cohorts: tuple[settlement.Cohort, ...],
                 forecasts: tuple[CohortForecast | None, ...], by_municipality: dict[str, tuple[Decimal, Decimal]],
                 detail: dict | None = None, load_detail: Callable[[], dict] | None = None):
        self.contract, self.as_of, self.cohorts, self.forecasts = contract, as_of, cohorts, forecasts
        # Municipality CBS code -> (payable, pending): the engine's totals.
        self.by_municipality = by_municipality
        self._detail, self._load_detail = detail, load_detail

    @property
    def detail(self) -> dict:
        if self._detail is None:
            self._detail = self._load_detail()
        return self._detail

    @property
    def members(self) -> dict[str, Member]:
        return self.detail["members"]

    @property
    def rows(self) -> list[TrajectoryRow]:
        return self.detail["rows"]

    @property
    def approved(self) -> dict[str, frozenset[str]]:
        """Milestone type -> refs of trajectories with an approved claim of that type known on as_of."""
        return self.detail["approved"]

    @property
    def money(self) -> dict[str, tuple[Decimal, Decimal]]:
        """Trajectory ref -> (payable, pending) over its settlement lines."""
        return self.detail["money"]

    @property
    def refused(self) -> dict[str, str]:
        """Trajectory ref -> Reason, as the engine refused it."""
        return self.detail["refused"]

    def cohort_pairs(self) -> list[tuple[settlement.Cohort, CohortForecast | None]]:
        return list(zip(self.cohorts, self.forecasts))


def load_contracts(session: Session, contract_ids: Iterable[int] | None = None) -> list[m.Contract]:
    """Load contracts (all, or these ids) with every child the engine needs, ordered by code."""
    query = (select(m.Contract).order_by(m.Contract.code).options(
        joinedload(m.Contract.provider), selectinload(m.Contract.tranches), selectinload(m.Contract.staffel),
        selectinload(m.Contract.excluded_end_reasons), selectinload(m.Contract.funding),
        selectinload(m.Contract.municipality_caps).joinedload(m.MunicipalityCap.municipality)))
    if contract_ids is not None:
        query = query.where(m.Contract.id.in_(list(contract_ids)))
    return list(session.scalars(query))


def contract_results(session: Session, contract: m.Contract, as_of: date,
                     rows: list[TrajectoryRow] | None = None) -> ContractResults:
    """Evaluate one contract with the engine and read its cohorts' members and forecasts (no cache)."""
    facts = load_facts(session, contract)
    result = settlement.evaluate_contract(facts.contract, facts.trajectories, facts.milestones, as_of)
    terms = ContractTerms(facts.contract)  # one per contract: its window ends are cached per start date
    members = cohort_members(result, facts.trajectories, facts.milestones, terms)
    forecasts = forecast_cohorts(result, members, terms)
    if rows is None:
        rows = trajectory_rows(session, [contract.id])
    money: dict[str, tuple[Decimal, Decimal]] = {}
    for line in result.lines:
        payable, pending = money.get(line.trajectory, (ZERO, ZERO))
        money[line.trajectory] = (payable + line.payable, pending + line.pending)
    return ContractResults(
        contract, as_of, result.cohorts, forecasts,
        {cbs: (s.payable, s.pending) for cbs, s in result.totals.by_municipality.items()},
        {"members": members, "rows": rows, "approved": _approved(facts, as_of), "money": money,
         "refused": dict(result.refused)})


def _approved(facts: ContractFacts, as_of: date) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for claim in facts.milestones:
        if (claim.date <= as_of and claim.submitted <= as_of
                and status_on(claim.reviews, as_of) == Review.APPROVED.value):
            found[claim.type].add(claim.trajectory)
    return {kind: frozenset(refs) for kind, refs in found.items()}


def compute_results(session: Session, contracts: list[m.Contract], as_of: date) -> list[ContractResults]:
    """Evaluate several contracts without the cache; the trajectory rows of all are read in one pass."""
    rows_by_contract: dict[int, list[TrajectoryRow]] = {c.id: [] for c in contracts}
    for row in trajectory_rows(session, rows_by_contract):
        rows_by_contract[row.contract_id].append(row)
    return [contract_results(session, c, as_of, rows_by_contract[c.id]) for c in contracts]


def results_for(session: Session, contracts: list[m.Contract], as_of: date,
                detail: bool = True) -> list[ContractResults]:
    """Every contract's results as of a date: from `results_cache` while its data version holds, else computed.

    detail=False: the caller reads cohorts and forecasts only (the per-trajectory part loads when used).
    """
    from .cache import cached_results
    return cached_results(session, contracts, as_of, detail)


@dataclass
class GroupCounts:
    """Counts of one target group (or benefit) within a contract."""

    referred: int = 0
    declined: int = 0
    started: int = 0  # admitted to a cohort by the engine
    counted: int = 0  # in a cohort's denominator
    results: int = 0  # in a cohort's numerator
    can_deliver: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"referred": self.referred, "declined": self.declined, "started": self.started,
                "counted": self.counted, "results": self.results, "can_deliver": self.can_deliver}


def counts_by(results: ContractResults, key: str = "target_group") -> dict[str, GroupCounts]:
    """Count a contract's trajectories per target group (or `benefit`), results from the engine's cohorts."""
    counts: dict[str, GroupCounts] = {}
    for row in results.rows:
        group = counts.setdefault(getattr(row, key), GroupCounts())
        group.referred += 1
        group.declined += row.status == "declined"
        member = results.members.get(row.ref)
        if member is not None:
            group.started += 1
            group.counted += member.counted
            group.results += member.result
            group.can_deliver += member.can_deliver
    return dict(sorted(counts.items()))


def end_reasons(rows: Iterable[TrajectoryRow], as_of: date) -> Counter:
    """Count the trajectories that had ended on as_of, per end reason."""
    return Counter(r.end_reason for r in rows if r.end is not None and r.end <= as_of and r.end_reason)
