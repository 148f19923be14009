"""The council report (raadsrapportage): one data object for the page, the PDF and the CSV files.

The PDF is rendered by WeasyPrint with the invoices' locked-down AssetFetcher (only files in
templates/documents/ are served, nothing else is fetched); charts are inline SVG.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

import jinja2
from markupsafe import Markup
from sqlalchemy.orm import Session

from .. import clock
from ..formatting import euro, label, nl_date, percent
from ..invoicing.assets import ASSET_SCHEME, TEMPLATE_DIR
from .charts import ChartData, render_svg
from .dashboard import GroupRow, SegmentFigures, dashboard, group_rows
from .filters import Filters, period_range
from .timeline import bureau_name, cohort_chart, quarter_charts

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    referred: int
    accepted: int
    outcomes: int
    earned: Decimal


@dataclass(frozen=True)
class Report:
    period: str
    first_day: date
    as_of: date
    segments: list[SegmentFigures]
    charts: list[ChartData]
    groups: list[GroupRow]
    totals: Totals


def report_period(period: str | None) -> str:
    """The report's period: the one asked for, else the last full quarter."""
    if period:
        return period
    today = clock.today()
    quarter = (today.month - 1) // 3  # the previous quarter, 0 meaning last year's fourth
    return f"{today.year - 1}-K4" if quarter == 0 else f"{today.year}-K{quarter}"


def build_report(session: Session, period: str, allowed_ids: set[int] | None = None,
                 municipality_id: int | None = None) -> Report:
    """The consortium's results at the end of the period (cumulative since the contracts started).

    `municipality_id` limits the counts to one municipality (a klantmanager's report).
    """
    first, last = period_range(period)
    as_of = min(last, clock.today())
    filters = Filters(as_of=as_of, municipality=municipality_id)
    segments = dashboard(session, filters, allowed_ids)
    charts: list[ChartData] = []
    groups: list[GroupRow] = []
    for segment in segments:
        charts += quarter_charts(segment)
        cohorts = cohort_chart(segment)
        if cohorts is not None:
            charts.append(cohorts)
        groups += group_rows(segment, filters, "target_group")
    bureaus = [b for s in segments for b in s.bureaus]
    totals = Totals(sum(b.referred for b in bureaus), sum(b.accepted for b in bureaus),
                    sum(b.outcomes for b in bureaus), sum((b.earned for b in bureaus), ZERO))
    return Report(period, first, as_of, segments, charts, groups, totals)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(euro=euro, nl_date=nl_date, label=label, percent=percent)
    env.globals.update(bureau_name=bureau_name)
    return env


def render_report_html(report: Report) -> str:
    """The PDF's HTML: plain data in, autoescaped; the charts' SVG is our own (pygal, scripts stripped)."""
    svgs = {chart.key: Markup(render_svg(chart)) for chart in report.charts}
    return _environment().get_template("results_report.html").render(
        report=report, svgs=svgs, asset_scheme=ASSET_SCHEME)


def render_report_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # loaded only when a PDF is made (it takes seconds)

    from ..invoicing.pdf import AssetFetcher
    return HTML(string=render_report_html(report), url_fetcher=AssetFetcher(), base_url=".").write_pdf()


# ---------------------------------------------------------------- CSV: every table of the report

def csv_tables(report: Report) -> dict[str, tuple[list[str], list[list]]]:
    """Name -> (header, rows) of every table, for the CSV downloads."""
    bureaus = [["Perceel", "Contract", "Bureau", "Aangemeld", "Geaccepteerd", "Geweigerd", "Lopend", "Plaatsingen",
                "Duurzaam", "Activering", "Resultaten", "Noemer", "Resultaat %", "Verdiend", "Gefactureerd", "Wacht",
                "Kosten per resultaat"]]
    cohorts = [["Perceel", "Contract", "Bureau", "Meetperiode van", "Meetperiode tot en met", "Trajecten", "Noemer",
                "Teller", "Resultaat %", "Norm %", "Status", "Definitief op"]]
    for segment in report.segments:
        for b in segment.bureaus:
            c = b.contract
            bureaus.append([label(segment.segment), c.code, c.provider.name, b.referred, b.accepted, b.declined,
                            b.active, b.placements, b.sustained, b.activation, b.outcomes, b.counted, b.rate,
                            b.earned, b.invoiced, b.pending, b.cost_per_result])
            for cohort in b.results.cohorts:
                cohorts.append([label(segment.segment), c.code, c.provider.name, cohort.period_start,
                                cohort.period_end, cohort.trajectories, cohort.denominator, cohort.numerator,
                                cohort.rate, cohort.norm, cohort.status, cohort.final_on])
    groups = [["Perceel", "Doelgroep", "Aangemeld", "Geaccepteerd", "Noemer", "Resultaten", "Resultaat %"]]
    groups += [[label(g.segment), label(g.group), g.referred, g.accepted, g.counted, g.outcomes, g.rate]
               for g in report.groups]
    tables = {"bureaus": (bureaus[0], bureaus[1:]), "cohorten": (cohorts[0], cohorts[1:]),
              "doelgroepen": (groups[0], groups[1:])}
    for chart in report.charts:
        header = [chart.x_title or "Periode"] + [s.name for s in chart.series]
        tables[f"grafiek-{chart.key}"] = (header, [[x, *values] for x, values in chart.table_rows()])
    return tables
