"""Compare a settlement document with a worked example's expected output, on the keys the format requires."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

COHORT_KEYS = ("period_start", "period_end", "final_on", "final", "trajectories", "denominator", "numerator", "rate",
               "norm", "status", "pay_fraction")
LINE_KEYS = ("milestone", "trajectory", "municipality", "tranche", "amount", "status", "reason", "payable",
             "withheld", "pending", "funding")
TOTAL_KEYS = ("payable", "withheld", "pending", "by_municipality", "by_funding")


def _value(v):
    """Decimal strings compare by value ("35" == "35.00"); everything else as is."""
    if isinstance(v, str):
        try:
            return Decimal(v).normalize()
        except InvalidOperation:
            return v
    if isinstance(v, dict):
        return {k: _value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_value(x) for x in v]
    return v


def contract_differences(expected: dict, got: dict) -> list[str]:
    """Return every difference between an expected and a computed contract entry."""
    out = []
    if len(expected["cohorts"]) != len(got["cohorts"]):
        out.append(f"{len(got['cohorts'])} cohorts, expected {len(expected['cohorts'])}")
    for i, (e, g) in enumerate(zip(expected["cohorts"], got["cohorts"])):
        out += [f"cohort {i} {k}: {g.get(k)!r} != {e.get(k)!r}" for k in COHORT_KEYS if _value(e.get(k)) != _value(g.get(k))]
    got_lines = {ln["milestone"]: ln for ln in got["lines"]}
    if [ln["milestone"] for ln in expected["lines"]] != [ln["milestone"] for ln in got["lines"]]:
        out.append("lines differ in set or order")
    for e in expected["lines"]:
        g = got_lines.get(e["milestone"], {})
        out += [f"line {e['milestone']} {k}: {g.get(k)!r} != {e.get(k)!r}" for k in LINE_KEYS
                if _value(e.get(k)) != _value(g.get(k))]
    out += [f"totals {k}: {got['totals'].get(k)!r} != {expected['totals'][k]!r}" for k in TOTAL_KEYS
            if _value(expected["totals"][k]) != _value(got["totals"].get(k))]
    if _value(expected["invoices"]) != _value([{k: i[k] for k in ("municipality", "subtotal", "vat", "total")}
                                               for i in got["invoices"]]):
        out.append(f"invoices: {got['invoices']!r} != {expected['invoices']!r}")
    return out
