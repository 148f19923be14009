"""Charts: one plain data object per chart, read by the data table, the SVG and the PDF alike.

The SVG is drawn on the server by pygal (pure Python, SVG only, imports in ~60 ms; matplotlib
would bring numpy and a raster stack for the same bars and lines). Scripts and the
generation date are stripped from pygal's output, and its random element id is replaced by
one derived from the chart's key, so the same data always gives the same SVG.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal

PALETTE = ("#00507a", "#b35900", "#1d6b2a", "#6b2d7a", "#7a4b00", "#4a4a4a")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class ChartData:
    """What a chart shows; the table beside it prints exactly these values."""

    key: str  # unique on the page, also the chart's element id
    title: str
    kind: str  # "bar" or "line"
    labels: tuple[str, ...]  # x axis
    series: tuple[Series, ...]
    unit: str = ""  # "%" or "€" or "" (counts)
    norm: Decimal | None = None  # a horizontal reference line (the prestatienorm)
    x_title: str = ""

    @property
    def empty(self) -> bool:
        return not self.labels or all(v is None for s in self.series for v in s.values)

    def table_rows(self) -> list[tuple[str, list[Decimal | None]]]:
        """Rows of the data table: one per x label, one column per series."""
        return [(label, [s.values[i] for s in self.series]) for i, label in enumerate(self.labels)]


@lru_cache(maxsize=256)
def render_svg(chart: ChartData) -> str:
    """Draw the chart as a standalone SVG document (no scripts, deterministic).

    Cached by the chart's data (a frozen, hashable value): the same data is the same
    drawing, so a cached SVG can never show other figures than the table beside it.
    """
    import pygal
    from pygal.style import Style

    style = Style(font_family="DejaVu Sans, Arial, sans-serif", background="#ffffff", plot_background="#ffffff",
                  foreground="#1b1b1b", foreground_strong="#1b1b1b", foreground_subtle="#6f7780",
                  colors=PALETTE + ("#a4000f",), title_font_size=15, legend_font_size=12, label_font_size=11,
                  major_label_font_size=11)
    kind = pygal.Line if chart.kind == "line" else pygal.Bar
    unit = chart.unit
    graph = kind(js=[], disable_xml_declaration=True, width=720, height=360, style=style, legend_at_bottom=True,
                 legend_at_bottom_columns=min(5, len(chart.series) + (chart.norm is not None)), show_legend=True, print_values=False, x_title=chart.x_title or None,
                 include_x_axis=True, truncate_legend=18, x_label_rotation=0 if len(chart.labels) < 7 else 30,
                 value_formatter=lambda v: _fmt(v, unit), allow_interruptions=True)
    graph.title = chart.title
    graph.x_labels = list(chart.labels)
    for series in chart.series:
        graph.add(series.name, [None if v is None else float(v) for v in series.values])
    if chart.norm is not None and chart.kind == "line":
        graph.add("Norm", [float(chart.norm)] * len(chart.labels), stroke_style={"dasharray": "6,4"},
                  show_dots=False)
    svg = graph.render(is_unicode=True)
    svg = re.sub(r"<script.*?</script>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    match = re.search(r'id="(chart-[0-9a-f-]+)"', svg)
    if match:
        svg = svg.replace(match.group(1), f"chart-{chart.key}")
    return svg


def svg_data_uri(chart: ChartData) -> str:
    """The SVG as a data: URI for an <img> (the page's CSP allows images from data:, never scripts)."""
    return "data:image/svg+xml;base64," + base64.b64encode(render_svg(chart).encode()).decode()


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "%":
        return f"{value:.1f} %".replace(".", ",")
    if unit == "€":
        return f"€ {value:,.0f}".replace(",", ".")
    return f"{value:.0f}"
