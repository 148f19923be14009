"""One contract's computed results as JSON for `results_cache`, and back, exactly (dates, Decimals, Fractions).

Only what the results pages read is kept: the engine's cohorts and forecasts, the cohort members,
the trajectory rows, approved milestone types, and per trajectory and municipality the money.
"""
from __future__ import annotations

import json
from dataclasses import fields
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import settlement
from settlement.forecast import CohortForecast, Member

from .facts import TrajectoryRow

FORMAT = 2  # bump when the payload's shape changes: older rows are then recomputed


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _fraction(value: str | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def _out(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (Decimal, Fraction)):
        return str(value)
    return value


COHORT_TYPES = {"period_start": _date, "period_end": _date, "final_on": _date, "achieved": _fraction,
                "ratio": _fraction, "rate": _decimal, "norm": _decimal, "pay_fraction": _decimal}
FORECAST_TYPES = {"first_window_closes": _date, "last_window_closes": _date, "pending": _decimal,
                  "pay_at_current": _decimal, "pay_at_norm": _decimal}
COHORT_FIELDS = tuple(f.name for f in fields(settlement.Cohort))
FORECAST_FIELDS = tuple(f.name for f in fields(CohortForecast))
ROW_DATES = tuple(TrajectoryRow._fields.index(name) for name in ("referred_on", "start", "end"))


def _load(kind, names: tuple[str, ...], types: dict, values: list) -> Any:
    return kind(**{n: types[n](v) if n in types else v for n, v in zip(names, values)})


def dump(results) -> tuple[dict[str, Any], str]:
    """Render a ContractResults' computed part: the summary (JSON) and the per-trajectory detail (JSON text)."""
    summary = {
        "format": FORMAT,
        "cohorts": [[_out(getattr(c, n)) for n in COHORT_FIELDS] for c in results.cohorts],
        "forecasts": [None if f is None else [_out(getattr(f, n)) for n in FORECAST_FIELDS]
                      for f in results.forecasts],
        "by_municipality": {cbs: [str(p), str(q)] for cbs, (p, q) in results.by_municipality.items()},
    }
    detail = {
        "members": [[mb.trajectory, mb.cohort, mb.counted, mb.result, mb.awaiting_review, mb.can_deliver,
                     _out(mb.window_end)] for mb in results.members.values()],
        "rows": [[_out(v) for v in row] for row in results.rows],
        "approved": {kind: sorted(refs) for kind, refs in results.approved.items()},
        "money": {ref: [str(p), str(q)] for ref, (p, q) in results.money.items()},
        "refused": dict(results.refused),
    }
    return summary, json.dumps(detail, separators=(",", ":"))


def load_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """Rebuild ContractResults' cohorts, forecasts and by_municipality from `dump`'s summary."""
    return {
        "cohorts": tuple(_load(settlement.Cohort, COHORT_FIELDS, COHORT_TYPES, v) for v in summary["cohorts"]),
        "forecasts": tuple(None if v is None else _load(CohortForecast, FORECAST_FIELDS, FORECAST_TYPES, v)
                           for v in summary["forecasts"]),
        "by_municipality": {cbs: (Decimal(p), Decimal(q)) for cbs, (p, q) in summary["by_municipality"].items()},
    }


def load_detail(text: str) -> dict[str, Any]:
    """Rebuild ContractResults' per-trajectory detail from `dump`'s detail text."""
    data = json.loads(text)
    make_row, fromisoformat = TrajectoryRow._make, date.fromisoformat
    rows = []
    for values in data["rows"]:
        for i in ROW_DATES:
            if values[i] is not None:
                values[i] = fromisoformat(values[i])
        rows.append(make_row(values))
    return {
        "members": {v[0]: Member(v[0], v[1], v[2], v[3], v[4], v[5], v[6] and fromisoformat(v[6]))
                    for v in data["members"]},
        "rows": rows,
        "approved": {kind: frozenset(refs) for kind, refs in data["approved"].items()},
        "money": {ref: (Decimal(p), Decimal(q)) for ref, (p, q) in data["money"].items()},
        "refused": data["refused"],
    }
