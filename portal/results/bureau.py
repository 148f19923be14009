"""A bureau's own results: per contract and cohort the engine's figures, a forecast, the segment's average."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import settlement
from settlement.forecast import CohortForecast
from settlement.money import round_fraction
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models as m
from .service import ContractResults, load_contracts, results_for


@dataclass(frozen=True)
class CohortRow:
    number: int
    cohort: settlement.Cohort
    forecast: CohortForecast | None
    segment_rate: Decimal | None  # the consortium's rate for this segment and period, all bureaus together


@dataclass(frozen=True)
class ContractView:
    results: ContractResults
    cohorts: list[CohortRow]

    @property
    def contract(self) -> m.Contract:
        return self.results.contract

    @property
    def open_cohorts(self) -> list[CohortRow]:
        return [row for row in self.cohorts if row.forecast is not None and row.cohort.trajectories]


def bureau_results(session: Session, own_ids: set[int], as_of: date) -> list[ContractView]:
    """Return the bureau's own contracts (ids from portal.access) with their cohorts.

    The averages are over every contract of the same segments in the same consortia; no other bureau is named.
    """
    own = session.execute(select(m.Contract.segment, m.Contract.consortium_id).where(m.Contract.id.in_(own_ids))).all()
    # The averages stay within the consortia that contract the bureau: another consortium's figures are its own.
    ids = set(session.scalars(select(m.Contract.id).where(m.Contract.segment.in_({s for s, _ in own}),
                                                          m.Contract.consortium_id.in_({c for _, c in own}))))
    everything = results_for(session, load_contracts(session, ids), as_of, detail=False)  # cohorts only
    totals: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    for results in everything:
        for cohort in results.cohorts:
            pair = totals[(results.contract.segment, cohort.period_start)]
            pair[0] += cohort.numerator
            pair[1] += cohort.denominator
    views = []
    for results in everything:
        if results.contract.id not in own_ids:
            continue
        rows = []
        for cohort, forecast in results.cohort_pairs():
            numerator, denominator = totals[(results.contract.segment, cohort.period_start)]
            average = round_fraction(Fraction(numerator * 100, denominator), 2) if denominator else None
            rows.append(CohortRow(cohort.index + 1, cohort, forecast, average))
        views.append(ContractView(results, rows))
    return views
