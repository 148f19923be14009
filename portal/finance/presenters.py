"""What the settlement pages show: a run or a preview as view models (lines, cohorts, totals, documents).

The finance views (and the line filter) build on these; nothing here touches the request.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import settlement
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Invoice, Municipality, SettlementLine, SettlementRun
from .preview import preview_document
from .runs import line_explanation

ZERO = Decimal("0.00")
COHORT_STATUS = {"pending": "Nog niet definitief", "met": "Norm gehaald", "not_met": "Norm niet gehaald"}

@dataclass(frozen=True)
class LineView:
    """One settlement line as shown: the engine's judgement and this run's difference."""

    milestone_ref: str
    trajectory_ref: str
    municipality_code: str
    municipality: str
    tranche: str
    milestone_type: str | None
    milestone_date: date | None
    amount: Decimal
    status: str
    reason: str | None
    payable: Decimal
    withheld: Decimal
    pending: Decimal
    previously_invoiced: Decimal
    this_run: Decimal | None  # None: shown for information only
    delta_reason: str | None
    explanation: str
    cohort: int | None = None  # the cohort's number (1, 2, ...) for a result tranche


@dataclass(frozen=True)
class CohortView:
    number: int
    period_start: date
    period_end: date
    final_on: date
    final: bool
    trajectories: int
    denominator: int
    numerator: int
    awaiting_review: int
    rate: Decimal | None
    norm: Decimal
    status: str
    pay_fraction: Decimal | None


@dataclass(frozen=True)
class MunicipalityTotal:
    code: str
    name: str
    payable: Decimal
    withheld: Decimal
    pending: Decimal
    this_run: Decimal


@dataclass(frozen=True)
class DocumentView:
    """An invoice or credit note this run issues (or would issue) to one municipality."""

    municipality: str
    kind: str
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    invoice_id: int | None = None
    number: str | None = None


@dataclass(frozen=True)
class SettlementView:
    lines: list[LineView]
    cohorts: list[CohortView]
    municipalities: list[MunicipalityTotal]
    funding: list[tuple[str, Decimal, Decimal]]  # source, payable, this run
    documents: list[DocumentView]
    payable: Decimal
    withheld: Decimal
    pending: Decimal
    this_run: Decimal


def _contract_part(document: dict) -> dict:
    contracts = (document or {}).get("contracts") or [{}]
    return contracts[0]


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _cohorts(part: dict) -> list[CohortView]:
    return [CohortView(number=i + 1, period_start=date.fromisoformat(c["period_start"]),
                       period_end=date.fromisoformat(c["period_end"]), final_on=date.fromisoformat(c["final_on"]),
                       final=c["final"], trajectories=c["trajectories"], denominator=c["denominator"],
                       numerator=c["numerator"], awaiting_review=c.get("awaiting_review", 0),
                       rate=_decimal(c["rate"]), norm=Decimal(c["norm"]), status=c["status"],
                       pay_fraction=_decimal(c["pay_fraction"]))
            for i, c in enumerate(part.get("cohorts") or ())]


def _cohort_numbers(part: dict) -> dict[str, int]:
    """Milestone ref -> cohort number (1-based) from the engine's document of the contract."""
    return {line["milestone"]: line["cohort"] + 1 for line in part.get("lines") or () if line.get("cohort") is not None}


def _settlement_view(part: dict, lines: list[LineView], this_run_by_funding: dict[str, Decimal],
                     documents: list[DocumentView], names: dict[str, str]) -> SettlementView:
    """Put the engine's document (cohorts, totals) and the run's lines and documents together."""
    totals = part.get("totals") or {}
    this_run_by_municipality: dict[str, Decimal] = {}
    for line in lines:
        if line.this_run is not None:
            this_run_by_municipality[line.municipality_code] = (
                this_run_by_municipality.get(line.municipality_code, ZERO) + line.this_run)
    codes = sorted(set(totals.get("by_municipality") or {}) | set(this_run_by_municipality))
    by_municipality = totals.get("by_municipality") or {}
    municipalities = [MunicipalityTotal(code=code, name=names.get(code, code),
                                        payable=Decimal(by_municipality.get(code, {}).get("payable", "0")),
                                        withheld=Decimal(by_municipality.get(code, {}).get("withheld", "0")),
                                        pending=Decimal(by_municipality.get(code, {}).get("pending", "0")),
                                        this_run=this_run_by_municipality.get(code, ZERO))
                      for code in codes]
    by_funding = {source: Decimal(amount) for source, amount in (totals.get("by_funding") or {}).items()}
    sources = list(by_funding) + [s for s in this_run_by_funding if s not in by_funding]
    funding = [(source, by_funding.get(source, ZERO), this_run_by_funding.get(source, ZERO)) for source in sources]
    return SettlementView(
        lines=lines, cohorts=_cohorts(part), municipalities=municipalities, funding=funding, documents=documents,
        payable=Decimal(totals.get("payable", "0")), withheld=Decimal(totals.get("withheld", "0")),
        pending=Decimal(totals.get("pending", "0")),
        this_run=sum((line.this_run for line in lines if line.this_run is not None), ZERO))


def _municipality_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Municipality.cbs_code, Municipality.name)).all())


def preview_view(session: Session, result: settlement.ContractSettlement,
                  run_result: settlement.RunResult) -> SettlementView:
    """What a run as of this date would hold and issue; nothing is stored."""
    names = _municipality_names(session)
    part = _contract_part(preview_document(result))
    cohorts = _cohort_numbers(part)
    lines = []
    for rl in run_result.lines:
        line = rl.line
        lines.append(LineView(
            milestone_ref=rl.milestone, trajectory_ref=rl.trajectory or "", municipality_code=rl.municipality,
            municipality=names.get(rl.municipality, rl.municipality), tranche=rl.tranche,
            milestone_type=line.type if line else None, milestone_date=line.date if line else None,
            amount=line.amount if line else ZERO, status=line.status if line else "withheld",
            reason=line.reason if line else None, payable=line.payable if line else ZERO,
            withheld=line.withheld if line else ZERO, pending=line.pending if line else ZERO,
            previously_invoiced=rl.invoiced_before, this_run=rl.amount, delta_reason=rl.reason,
            explanation=line_explanation(result, rl, names), cohort=cohorts.get(rl.milestone)))
    documents = [DocumentView(municipality=names.get(d.municipality, d.municipality), kind=d.kind,
                              subtotal=d.subtotal, vat=d.vat, total=d.total) for d in run_result.documents]
    return _settlement_view(part, lines, dict(run_result.by_funding), documents, names)


def run_view(session: Session, run: SettlementRun) -> SettlementView:
    """The frozen run: its lines as saved, the engine's document as saved, its (would-be) documents."""
    names = _municipality_names(session)
    rows = session.execute(select(SettlementLine, Municipality.cbs_code)
                           .join(Municipality, Municipality.id == SettlementLine.municipality_id)
                           .where(SettlementLine.run_id == run.id).order_by(SettlementLine.position)).all()
    contract_part = _contract_part(run.engine_document)
    cohorts = _cohort_numbers(contract_part)
    lines, this_run_by_funding = [], {}
    for line, code in rows:
        informational = line.delta == 0
        lines.append(LineView(
            milestone_ref=line.milestone_ref, trajectory_ref=line.trajectory_ref, municipality_code=code,
            municipality=names.get(code, code), tranche=line.tranche_code, milestone_type=line.milestone_type,
            milestone_date=line.milestone_date, amount=line.amount, status=line.status, reason=line.reason,
            payable=line.payable, withheld=line.withheld, pending=line.pending,
            previously_invoiced=line.previously_invoiced, this_run=None if informational else line.delta,
            delta_reason=line.delta_reason, explanation=line.explanation or "", cohort=cohorts.get(line.milestone_ref)))
        for source, part in line.funding.items():
            this_run_by_funding[source] = this_run_by_funding.get(source, ZERO) + Decimal(part)
    if run.status == "issued":
        # Columns only: the stored PDF and UBL are not needed to list the documents.
        issued = session.execute(select(Invoice.id, Invoice.display_number, Invoice.kind, Invoice.subtotal,
                                        Invoice.vat, Invoice.total, Municipality.name)
                                 .join(Municipality, Municipality.id == Invoice.municipality_id)
                                 .where(Invoice.run_id == run.id).order_by(Municipality.cbs_code))
        documents = [DocumentView(municipality=row.name, kind=row.kind, subtotal=row.subtotal, vat=row.vat,
                                  total=row.total, invoice_id=row.id, number=row.display_number) for row in issued]
    elif run.status == "discarded":
        documents = []
    else:
        documents = _would_issue(lines, run.contract.vat_rate)
    return _settlement_view(contract_part, lines, this_run_by_funding, documents, names)


def _would_issue(lines: Iterable[LineView], vat_rate: Decimal) -> list[DocumentView]:
    """Net this run's amounts per municipality, as approving will: the engine's documents_of (section 9)."""
    names = {line.municipality_code: line.municipality for line in lines}
    changes = [settlement.RunLine(
        milestone=line.milestone_ref, tranche=line.tranche, trajectory=line.trajectory_ref,
        municipality=line.municipality_code, invoiced_before=line.previously_invoiced,
        payable_now=line.previously_invoiced + line.this_run, amount=line.this_run, reason=line.delta_reason,
        status=line.status, line_reason=line.reason, funding={}) for line in lines if line.this_run]
    _, documents, _ = settlement.documents_of(changes, vat_rate)
    return [DocumentView(municipality=names[d.municipality], kind=d.kind, subtotal=d.subtotal, vat=d.vat,
                         total=d.total) for d in documents]
