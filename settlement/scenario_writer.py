"""Write `reintegratie-scenario/1` documents (`scenario_reader` reads them back equal)."""
from __future__ import annotations

from datetime import date
from typing import Any

from .glossary import SCENARIO_FORMAT, Decision
from .model import Contract, Milestone, Scenario
from .money import fmt_decimal


def dump_scenario(scenario: Scenario) -> dict[str, Any]:
    """Write a Scenario as a reintegratie-scenario/1 document (parse_scenario reads it back equal)."""
    document: dict[str, Any] = {
        "format": SCENARIO_FORMAT,
        "as_of": scenario.as_of.isoformat(),
        "consortium": _optional({
            "code": scenario.consortium.code,
            "name": scenario.consortium.name,
            "lead_municipality": scenario.consortium.lead_municipality,
        }),
        "municipalities": [{"code": m.code, "name": m.name} for m in scenario.municipalities],
        "providers": [
            _optional({"code": p.code, "name": p.name, "kvk": p.kvk, "vat_id": p.vat_id, "iban": p.iban})
            for p in scenario.providers
        ],
        "contracts": [dump_contract(c) for c in scenario.contracts],
    }
    if scenario.clients is not None:
        document["clients"] = [
            _optional({"ref": c.ref, "bsn": c.bsn, "municipality": c.municipality,
                       "target_group": c.target_group, "benefit": c.benefit})
            for c in scenario.clients
        ]
    document["trajectories"] = [
        {"ref": t.ref, "contract": t.contract, "client": t.client, "municipality": t.municipality,
         "start": t.start.isoformat(), "end": _iso(t.end), "end_reason": t.end_reason}
        for t in scenario.trajectories
    ]
    document["milestones"] = [dump_milestone(m) for m in scenario.milestones]
    if scenario.runs:
        document["runs"] = [day.isoformat() for day in scenario.runs]
    return document


def dump_milestone(milestone: Milestone) -> dict[str, Any]:
    """Write one milestone with its whole review history (decisions after as_of included).

    Nothing for a milestone without a decision, the review/reviewed pair for one
    decision, `reviews` for more (and for a lone `revoked`, which the pair cannot say).
    """
    document: dict[str, Any] = {
        "ref": milestone.ref, "trajectory": milestone.trajectory, "type": milestone.type,
        "date": milestone.date.isoformat(), "submitted": milestone.submitted.isoformat(),
    }
    reviews = milestone.reviews
    if len(reviews) == 1 and reviews[0].decision != Decision.REVOKED:
        document["review"] = reviews[0].decision
        document["reviewed"] = reviews[0].date.isoformat()
    elif reviews:
        document["reviews"] = [{"decision": d.decision, "date": d.date.isoformat()} for d in reviews]
    return document


def dump_contract(contract: Contract) -> dict[str, Any]:
    """Write one contract as it appears in a scenario's `contracts`."""
    document: dict[str, Any] = {
        "code": contract.code,
        "provider": contract.provider,
        "segment": contract.segment,
        "start": contract.start.isoformat(),
        "end": contract.end.isoformat(),
        "price": fmt_decimal(contract.price),
        "vat_rate": fmt_decimal(contract.vat_rate),
        "max_trajectories": contract.max_trajectories,
        "municipality_caps": None if contract.municipality_caps is None else dict(contract.municipality_caps),
        "submission_deadline_days": contract.submission_deadline_days,
        "tranches": [
            _optional({
                "code": t.code,
                "milestone": t.milestone,
                "share": None if t.share is None else fmt_decimal(t.share),
                "amount": None if t.amount is None else fmt_decimal(t.amount),
                "result": t.result,
            })
            for t in contract.tranches
        ],
    }
    if contract.norm is not None:
        norm = contract.norm
        document["norm"] = {
            "milestone": norm.milestone,
            "rate": fmt_decimal(norm.rate),
            "measurement_months": norm.measurement_months,
            "window_months": norm.window_months,
            "excluded_end_reasons": list(norm.excluded_end_reasons),
            "staffel": [{"min_ratio": fmt_decimal(s.min_ratio), "pay": fmt_decimal(s.pay)} for s in norm.staffel],
        }
    if contract.funding:
        document["funding"] = [{"source": f.source, "share": fmt_decimal(f.share)} for f in contract.funding]
    return _optional(document)


def _optional(document: dict[str, Any]) -> dict[str, Any]:
    # Absent and null mean the same in the format; leave absent values out.
    return {key: value for key, value in document.items() if value is not None}


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
