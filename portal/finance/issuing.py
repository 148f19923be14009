"""Approving a run issues its documents: numbered without gaps, frozen, rendered once, never changed.

Everything happens in the caller's one transaction: the run row is locked first (so of
twenty simultaneous approvals exactly one gets through), then each municipality's net
becomes an invoice (positive) or a credit note (negative) with a number from its locked
series counter, a frozen copy, its UBL and its PDF with their SHA-256. If anything
fails, the transaction rolls back and nothing was issued, no number used.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date, timedelta
from decimal import Decimal

import settlement
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import clock
from .. import models as m
from ..audit import anchor_chain, record
from ..invoicing import (AnnexLine, DocumentLine, InvoiceDocument, Party, check_ubl, render_invoice_pdf,
                         render_ubl)
from ..invoicing.checks import master_data_errors
from ..invoicing.labels import reason_text, tranche_text
from .numbering import display_number, series_for, take_number
from .runs import invoiced_so_far, last_issued_as_of
from .states import RunRefused, next_status

PAYMENT_TERM_DAYS = 30
ANNEX_STATUSES = ("withheld", "pending", "partial")


def lock_run(session: Session, run_id: int) -> m.SettlementRun:
    """Load a run and lock its row until the transaction ends (fresh from the database)."""
    run = session.execute(select(m.SettlementRun).where(m.SettlementRun.id == run_id).with_for_update()
                          .execution_options(populate_existing=True)).scalar_one_or_none()
    if run is None:
        raise RunRefused("Deze afrekening bestaat niet.")
    return run


def check_approvable(run: m.SettlementRun, actor: m.User) -> str:
    """Return the run's status after approval, or refuse (wrong state, or the preparer: four eyes)."""
    new_status = next_status(run.status, "approve")
    if actor.id == run.prepared_by_id:
        raise RunRefused("U kunt uw eigen afrekening niet goedkeuren (vier ogen).")
    return new_status


def approve_run(session: Session, actor: m.User, run_id: int, issue_date: date | None = None,
                progress=None) -> list[m.Invoice]:
    """Approve a submitted run (four eyes) and issue its invoices and credit notes.

    `progress` (a portal.jobs Progress, optional) hears of each document as it is issued.
    """
    run = lock_run(session, run_id)
    new_status = check_approvable(run, actor)
    contract = session.scalar(select(m.Contract).where(m.Contract.id == run.contract_id).options(
        selectinload(m.Contract.provider), selectinload(m.Contract.consortium), selectinload(m.Contract.funding)))
    last = last_issued_as_of(session, contract.id)
    if last is not None and run.as_of < last:
        raise RunRefused("Er is intussen een afrekening met een latere peildatum gefactureerd; "
                         "start een nieuwe afrekening.")
    invoiced = invoiced_so_far(session, contract)
    if any(line.previously_invoiced != _amount(invoiced.get((line.milestone_ref, line.tranche_code)))
           for line in run.lines):
        raise RunRefused("Sinds het opstellen is er voor dit contract gefactureerd; deze afrekening is verouderd. "
                         "Laat haar vervallen en start een nieuwe.")
    issue_date = issue_date or clock.today()
    documents = list(run_documents(session, run, contract))
    if progress is not None:
        progress.phase("Facturen en creditnota's uitgeven", total=len(documents))
    invoices = []
    for municipality, lines, figures in documents:
        invoices.append(_issue(session, run, contract, municipality, lines, figures, issue_date))
        if progress is not None:
            progress.step(f"{invoices[-1].display_number} voor {municipality.name} uitgegeven")
    run.status, run.approved_by_id, run.approved_at = new_status, actor.id, clock.now()
    anchor_chain(session, run.id)  # the audit chain's head as it stood when these documents were issued
    session.flush()
    record(session, actor, "settlement_run.issued", "settlement_run", run.id, before={"status": "submitted"},
           after={"status": run.status, "documents": [i.display_number for i in invoices],
                  "totals": {i.display_number: i.total for i in invoices}})
    return invoices


def _amount(value) -> Decimal:
    return value.amount if value is not None else Decimal("0.00")


def run_documents(session: Session, run: m.SettlementRun, contract: m.Contract):
    """Net the frozen lines' amounts into documents with the engine's own function (section 9).

    Yields (municipality, its frozen lines, the engine's RunDocument) per document, by CBS code.
    """
    municipalities = {mu.id: mu for mu in session.scalars(select(m.Municipality).where(
        m.Municipality.id.in_({line.municipality_id for line in run.lines})))}
    by_code = {mu.cbs_code: mu for mu in municipalities.values()}
    groups: dict[str, list[m.SettlementLine]] = {}
    changes = []
    for line in run.lines:
        code = municipalities[line.municipality_id].cbs_code
        groups.setdefault(code, []).append(line)
        if line.delta != 0:
            changes.append(run_line_of(line, code))
    sources = [share.source for share in contract.funding]  # in contract order
    _, documents, _ = settlement.documents_of(changes, contract.vat_rate, sources)
    for document in documents:
        yield by_code[document.municipality], groups[document.municipality], document


def run_line_of(line: m.SettlementLine, municipality: str) -> settlement.RunLine:
    """The engine's view of a frozen run line with an amount."""
    return settlement.RunLine(
        milestone=line.milestone_ref, tranche=line.tranche_code, trajectory=line.trajectory_ref or None,
        municipality=municipality, invoiced_before=line.previously_invoiced,
        payable_now=line.previously_invoiced + line.delta, amount=line.delta, reason=line.delta_reason,
        status=line.status, line_reason=line.reason, funding={s: Decimal(v) for s, v in line.funding.items()})


def _issue(session: Session, run: m.SettlementRun, contract: m.Contract, municipality: m.Municipality,
           lines: list[m.SettlementLine], figures: settlement.RunDocument, issue_date: date) -> m.Invoice:
    paying = [line for line in lines if line.delta != 0]
    kind = figures.kind
    series = series_for(contract.consortium.code, kind, issue_date.year)
    number = take_number(session, series)
    corrects = _corrected_invoices(session, contract, municipality, paying) if kind == "credit_note" else ()
    document = build_document(run, contract, municipality, lines, figures, series=series,
                              number=display_number(series, number), issue_date=issue_date, corrects=corrects,
                              client_refs=_client_refs(session, contract, paying),
                              corrected_by=_corrected_by_line(session, contract, municipality, paying))
    ubl = render_ubl(document)
    problems = check_ubl(ubl) + master_data_errors(ubl)
    if problems:
        raise RunRefused(f"De e-factuur voor {municipality.name} is niet geldig; vul de gegevens aan: "
                         + "; ".join(problems))
    pdf = render_invoice_pdf(document, ubl_xml=ubl)
    invoice = m.Invoice(
        kind=kind, series=series, number=number, display_number=document.number, run_id=run.id,
        contract_id=contract.id, provider_id=contract.provider_id, municipality_id=municipality.id,
        issue_date=issue_date, due_date=document.due_date, vat_rate=contract.vat_rate, subtotal=document.subtotal,
        vat=document.vat, total=document.total, frozen=frozen_copy(document), pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(), ubl=ubl, ubl_sha256=hashlib.sha256(ubl).hexdigest(),
        issued_at=clock.now())
    invoice.lines = [m.InvoiceLine(number=doc_line.number, settlement_line_id=line.id,
                                   milestone_ref=line.milestone_ref, tranche_code=line.tranche_code,
                                   description=doc_line.description, reason=line.delta_reason, amount=line.delta,
                                   funding=dict(line.funding))
                     for doc_line, line in zip(document.lines, paying)]
    session.add(invoice)
    session.flush()
    for corrected_id in _corrected_ids(session, corrects):
        session.add(m.CreditNoteCorrection(credit_note_id=invoice.id, corrected_invoice_id=corrected_id))
    record(session, None, f"{kind}.issued", "invoice", invoice.id,
           after={"number": invoice.display_number, "municipality": municipality.cbs_code, "subtotal": invoice.subtotal,
                  "vat": invoice.vat, "total": invoice.total, "pdf_sha256": invoice.pdf_sha256,
                  "ubl_sha256": invoice.ubl_sha256})
    return invoice


def build_document(run, contract, municipality, lines, figures: settlement.RunDocument, *, series, number,
                   issue_date, corrects=(), client_refs: Mapping[str, str] | None = None,
                   corrected_by: Mapping[tuple[str, str], str] | None = None) -> InvoiceDocument:
    """Copy parties, lines, annex and the engine's figures into the frozen document that is rendered and stored.

    `client_refs` maps a trajectory to its client's pseudonymous number; `corrected_by` maps a negative line
    (milestone, tranche) to the document that invoiced it before, which the line then names.
    """
    paying = [line for line in lines if line.delta != 0]
    client_refs, corrected_by = client_refs or {}, corrected_by or {}

    def description(line) -> str:
        text = (f"{tranche_text(line.milestone_type or line.tranche_code)} — traject {line.trajectory_ref} "
                f"({line.tranche_code})")
        corrected = corrected_by.get((line.milestone_ref, line.tranche_code)) if line.delta < 0 else None
        return f"Correctie op {corrected}: {text}" if corrected else text

    document_lines = tuple(
        DocumentLine(number=i, description=description(line),
                     milestone_ref=line.milestone_ref, trajectory_ref=line.trajectory_ref,
                     tranche_code=line.tranche_code, client_label=client_refs.get(line.trajectory_ref, "onbekend"),
                     milestone_date=line.milestone_date, reason=line.delta_reason, amount=line.delta,
                     funding={s: Decimal(v) for s, v in line.funding.items()},
                     corrects=corrected_by.get((line.milestone_ref, line.tranche_code)) if line.delta < 0 else None)
        for i, line in enumerate(paying, start=1))
    annex = tuple(
        AnnexLine(milestone_ref=line.milestone_ref, trajectory_ref=line.trajectory_ref,
                  tranche_code=line.tranche_code, status=line.status, reason=line.reason,
                  reason_text=reason_text(line.reason), amount=line.amount, withheld=line.withheld,
                  pending=line.pending)
        for line in lines if line.status in ANNEX_STATUSES and line.reason is not None)
    provider, consortium = contract.provider, contract.consortium
    return InvoiceDocument(
        kind=figures.kind, series=series, number=number, issue_date=issue_date,
        due_date=issue_date + timedelta(days=PAYMENT_TERM_DAYS),
        supplier=Party(name=provider.name, street=provider.street or "", postcode=provider.postcode or "",
                       city=provider.city or "", kvk=provider.kvk, vat_id=provider.vat_id, iban=provider.iban,
                       email=provider.email),
        customer=Party(name=f"Gemeente {municipality.name}", street=municipality.street or "",
                       postcode=municipality.postcode or "", city=municipality.city or municipality.name,
                       cbs_code=municipality.cbs_code, kvk=municipality.kvk),
        issuer=Party(name=consortium.name, street=consortium.street or "", postcode=consortium.postcode or "",
                     city=consortium.city or ""),
        contract_code=contract.code, contract_segment=contract.segment, period_as_of=run.as_of,
        lines=document_lines, annex=annex, vat_rate=contract.vat_rate, subtotal=figures.subtotal, vat=figures.vat,
        total=figures.total, corrects=tuple(corrects), funding_totals=dict(figures.funding))


def _corrected_invoices(session, contract, municipality, lines) -> tuple[str, ...]:
    """The earlier documents of this contract and municipality that invoiced the corrected lines."""
    keys = {(line.milestone_ref, line.tranche_code) for line in lines if line.delta < 0}
    rows = session.execute(
        select(m.Invoice.display_number, m.InvoiceLine.milestone_ref, m.InvoiceLine.tranche_code)
        .join(m.InvoiceLine, m.InvoiceLine.invoice_id == m.Invoice.id)
        .where(m.Invoice.contract_id == contract.id, m.Invoice.municipality_id == municipality.id)
        .order_by(m.Invoice.issued_at, m.Invoice.id))
    return tuple(dict.fromkeys(number for number, ref, tranche in rows if (ref, tranche) in keys))


def _corrected_by_line(session, contract, municipality, lines) -> dict[tuple[str, str], str]:
    """(milestone, tranche) of each negative line -> the last document that invoiced it with a positive amount."""
    keys = {(line.milestone_ref, line.tranche_code) for line in lines if line.delta < 0}
    if not keys:
        return {}
    rows = session.execute(
        select(m.Invoice.display_number, m.InvoiceLine.milestone_ref, m.InvoiceLine.tranche_code)
        .join(m.InvoiceLine, m.InvoiceLine.invoice_id == m.Invoice.id)
        .where(m.Invoice.contract_id == contract.id, m.Invoice.municipality_id == municipality.id,
               m.InvoiceLine.amount > 0)
        .order_by(m.Invoice.issued_at, m.Invoice.id))
    return {(ref, tranche): number for number, ref, tranche in rows if (ref, tranche) in keys}


def _client_refs(session, contract, lines) -> dict[str, str]:
    """Trajectory ref -> its client's pseudonymous number, for the lines' "cliënt" (never a BSN)."""
    refs = {line.trajectory_ref for line in lines}
    if not refs:
        return {}
    return dict(session.execute(select(m.Trajectory.ref, m.Client.ref).join(m.Client, m.Client.id == m.Trajectory.client_id)
                                .where(m.Trajectory.contract_id == contract.id, m.Trajectory.ref.in_(refs))).all())


def _corrected_ids(session, numbers) -> list[int]:
    if not numbers:
        return []
    return list(session.scalars(select(m.Invoice.id).where(m.Invoice.display_number.in_(list(numbers)))))


def frozen_copy(document: InvoiceDocument) -> dict:
    """The document as JSON: what was issued, exactly (amounts and dates as strings)."""
    def plain(value):
        if is_dataclass(value):
            return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
        if isinstance(value, Mapping):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        return value
    return plain(document)
