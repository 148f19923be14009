"""The settlement as a `reintegratie-settlement/1` JSON document."""
from __future__ import annotations

from typing import Any

from ._speed import gc_paused
from .glossary import SETTLEMENT_FORMAT
from .money import fmt_amount, fmt_decimal
from .results import Cohort, ContractSettlement, Line, Settlement, Totals


def settlement_document(settlement: Settlement) -> dict[str, Any]:
    """Render a settlement in the reintegratie-settlement/1 format."""
    with gc_paused():  # one dict per line, none of them in a cycle
        return {
            "format": SETTLEMENT_FORMAT,
            "as_of": settlement.as_of.isoformat(),
            "contracts": [contract_document(c) for c in settlement.contracts],
        }


def contract_document(result: ContractSettlement) -> dict[str, Any]:
    """Render one contract's settlement (an entry of the document's `contracts`)."""
    return {
        "code": result.code,
        "cohorts": [cohort_document(c) for c in result.cohorts],
        "lines": [line_document(line) for line in result.lines],
        "totals": totals_document(result.totals),
        "invoices": [
            {
                "municipality": invoice.municipality,
                "subtotal": fmt_amount(invoice.subtotal),
                "vat": fmt_amount(invoice.vat),
                "total": fmt_amount(invoice.total),
            }
            for invoice in result.invoices
        ],
    }


def cohort_document(cohort: Cohort) -> dict[str, Any]:
    """Render one cohort."""
    return {
        "period_start": cohort.period_start.isoformat(),
        "period_end": cohort.period_end.isoformat(),
        "final_on": cohort.final_on.isoformat(),
        "final": cohort.final,
        "trajectories": cohort.trajectories,
        "denominator": cohort.denominator,
        "numerator": cohort.numerator,
        "rate": None if cohort.rate is None else fmt_decimal(cohort.rate),
        "norm": fmt_decimal(cohort.norm),
        "status": cohort.status,
        "pay_fraction": None if cohort.pay_fraction is None else fmt_decimal(cohort.pay_fraction),
        # Extra keys (allowed by the format): the exact achievement ratio and the
        # claims whose review the cohort still waits for.
        "ratio": f"{cohort.ratio.numerator}/{cohort.ratio.denominator}",
        "awaiting_review": cohort.awaiting_review,
    }


def line_document(line: Line) -> dict[str, Any]:
    """Render one line."""
    return {
        "milestone": line.milestone,
        "trajectory": line.trajectory,
        "municipality": line.municipality,
        "tranche": line.tranche,
        "amount": str(line.amount),
        "status": line.status,
        "reason": line.reason,
        "payable": str(line.payable),
        "withheld": str(line.withheld),
        "pending": str(line.pending),
        "funding": {source: str(part) for source, part in line.funding.items()},
        # Extra keys: what the outcome was decided on.
        "type": line.type,
        "cohort": line.cohort,
    }


def totals_document(totals: Totals) -> dict[str, Any]:
    """Render a contract's totals."""
    return {
        "payable": fmt_amount(totals.payable),
        "withheld": fmt_amount(totals.withheld),
        "pending": fmt_amount(totals.pending),
        "by_municipality": {
            code: {
                "payable": fmt_amount(sums.payable),
                "withheld": fmt_amount(sums.withheld),
                "pending": fmt_amount(sums.pending),
            }
            for code, sums in totals.by_municipality.items()
        },
        "by_funding": {source: fmt_amount(amount) for source, amount in totals.by_funding.items()},
    }
