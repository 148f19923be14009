"""The same figures over time: per quarter of start and per measurement period, as chart data."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from settlement.money import round_fraction

from .charts import ChartData, Series
from .dashboard import SegmentFigures
from ..formatting import label


def bureau_name(figures) -> str:
    return f"{figures.contract.provider.name} ({figures.contract.code})"


def series_name(figures) -> str:
    """A chart's series is a contract: its code is short enough for a legend (the tables name the bureau)."""
    return figures.contract.code


def _rate(counted: int, outcomes: int) -> Decimal | None:
    return None if not counted else round_fraction(Fraction(outcomes * 100, counted), 2)


def quarter_charts(segment: SegmentFigures) -> list[ChartData]:
    """Started trajectories and their result rate per quarter of start, one series per bureau."""
    quarters = sorted({q for b in segment.bureaus for q in b.by_quarter})
    key = segment.segment.replace("_", "-")
    started = ChartData(
        key=f"{key}-gestart", title=f"{label(segment.segment)}: gestarte trajecten per kwartaal", kind="bar",
        labels=tuple(quarters), x_title="Kwartaal van start",
        series=tuple(Series(series_name(b), tuple(Decimal(b.by_quarter[q][0]) if q in b.by_quarter else None
                                                  for q in quarters)) for b in segment.bureaus))
    norms = {b.results.cohorts[0].norm for b in segment.bureaus if b.results.cohorts}
    rate = ChartData(
        key=f"{key}-resultaat", title=f"{label(segment.segment)}: resultaat per kwartaal van start", kind="line",
        labels=tuple(quarters), unit="%", x_title="Kwartaal van start", norm=norms.pop() if len(norms) == 1 else None,
        series=tuple(Series(series_name(b), tuple(_rate(*b.by_quarter[q][1:]) if q in b.by_quarter else None
                                                  for q in quarters)) for b in segment.bureaus))
    return [started, rate]


def cohort_chart(segment: SegmentFigures) -> ChartData | None:
    """The engine's cohort rates per measurement period, one series per bureau (None without a norm)."""
    bureaus = [b for b in segment.bureaus if b.results.cohorts]
    if not bureaus:
        return None
    periods = sorted({c.period_start for b in bureaus for c in b.results.cohorts})
    labels = tuple(p.strftime("%m-%Y") for p in periods)
    norms = {b.results.cohorts[0].norm for b in bureaus}
    series = []
    for b in bureaus:
        by_start = {c.period_start: c.rate for c in b.results.cohorts}
        series.append(Series(series_name(b), tuple(by_start.get(p) for p in periods)))
    return ChartData(key=f"{segment.segment.replace('_', '-')}-cohorten",
                     title=f"{label(segment.segment)}: cohorten tegen de norm (per meetperiode)", kind="line",
                     labels=labels, unit="%", x_title="Meetperiode vanaf", norm=norms.pop() if len(norms) == 1 else None,
                     series=tuple(series))
