"""Settlement runs (section 9): a run pays only the difference with what earlier issued runs invoiced.

start_run freezes the engine's answer and this run's differences as a draft; a second
finance user approves it (four eyes), which issues the documents (see issuing.py).
Service functions take explicit arguments, flush, write one audit event, and never commit.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import settlement
from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from .. import clock
from .. import models as m
from ..audit import record, snapshot
from ..notifications import service as notifications
from .facts import load_contract
from .preview import preview, preview_document
from .states import RunRefused, next_status

ZERO = Decimal("0.00")
OPEN_STATES = ("draft", "submitted")


def invoiced_so_far(session: Session, contract: m.Contract, issued_before: datetime | None = None
                    ) -> dict[tuple[str, str], settlement.Invoiced]:
    """Sum what issued documents of this contract invoiced per line (milestone, tranche), with each
    line's status in the last issued run (a withheld line that becomes payable is a CORRECTION).

    `issued_before` counts only runs issued before that moment (replaying a run drafted then)."""
    issued_docs = true() if issued_before is None else m.Invoice.issued_at < issued_before
    issued_runs = true() if issued_before is None else m.SettlementRun.approved_at < issued_before
    rows = session.execute(
        select(m.InvoiceLine.milestone_ref, m.InvoiceLine.tranche_code, m.Municipality.cbs_code,
               m.SettlementLine.trajectory_ref, func.sum(m.InvoiceLine.amount))
        .join(m.Invoice, m.Invoice.id == m.InvoiceLine.invoice_id)
        .join(m.Municipality, m.Municipality.id == m.Invoice.municipality_id)
        .join(m.SettlementLine, m.SettlementLine.id == m.InvoiceLine.settlement_line_id)
        .where(m.Invoice.contract_id == contract.id, issued_docs)
        .group_by(m.InvoiceLine.milestone_ref, m.InvoiceLine.tranche_code, m.Municipality.cbs_code,
                  m.SettlementLine.trajectory_ref))
    sums = {(ref, tranche): (total, cbs, trajectory) for ref, tranche, cbs, trajectory, total in rows}
    # Where a line sorts should its claim have gone from the evaluation (the engine's line order).
    orders = {ref: (trajectory, kind, day, submitted, ref) for ref, trajectory, kind, day, submitted in session.execute(
        select(m.MilestoneClaim.ref, m.Trajectory.ref, m.MilestoneClaim.type, m.MilestoneClaim.date,
               m.MilestoneClaim.submitted)
        .join(m.Trajectory, m.Trajectory.id == m.MilestoneClaim.trajectory_id)
        .where(m.Trajectory.contract_id == contract.id, m.MilestoneClaim.ref.in_(sorted({ref for ref, _ in sums}))))}
    last_run = session.scalar(select(m.SettlementRun.id).where(
        m.SettlementRun.contract_id == contract.id, m.SettlementRun.status == "issued", issued_runs)
        .order_by(m.SettlementRun.as_of.desc(), m.SettlementRun.approved_at.desc()).limit(1))
    # A line gone from that run's evaluation is frozen without a milestone type (see _line): it had no status.
    shown = {} if last_run is None else {
        (ref, tranche): (status if kind is not None else None, cbs, trajectory)
        for ref, tranche, status, kind, cbs, trajectory in session.execute(
            select(m.SettlementLine.milestone_ref, m.SettlementLine.tranche_code, m.SettlementLine.status,
                   m.SettlementLine.milestone_type, m.Municipality.cbs_code, m.SettlementLine.trajectory_ref)
            .join(m.Municipality, m.Municipality.id == m.SettlementLine.municipality_id)
            .where(m.SettlementLine.run_id == last_run))}
    invoiced = {}
    for key in sums.keys() | shown.keys():
        total, cbs, trajectory = sums.get(key) or (ZERO, *shown[key][1:])
        invoiced[key] = settlement.Invoiced(amount=total, municipality=cbs, trajectory=trajectory or None,
                                            status=shown[key][0] if key in shown else None, order=orders.get(key[0]))
    return invoiced


def last_issued_as_of(session: Session, contract_id: int) -> date | None:
    return session.scalar(select(func.max(m.SettlementRun.as_of))
                          .where(m.SettlementRun.contract_id == contract_id, m.SettlementRun.status == "issued"))


def evaluate_run(session: Session, contract: m.Contract, as_of: date):
    """Return (engine result, run result) for a contract as of a date, nothing stored."""
    result = preview(session, contract, as_of)
    return result, settlement.issue_run(result, invoiced_so_far(session, contract))


def start_run(session: Session, actor: m.User, contract: m.Contract, as_of: date) -> m.SettlementRun:
    """Save a draft run: the engine's lines and this run's differences, frozen."""
    if session.scalar(select(m.SettlementRun.id).where(m.SettlementRun.contract_id == contract.id,
                                                       m.SettlementRun.status.in_(OPEN_STATES))):
        raise RunRefused("Er loopt al een afrekening voor dit contract; rond die eerst af of laat die vervallen.")
    last = last_issued_as_of(session, contract.id)
    if last is not None and as_of < last:
        raise RunRefused(f"De peildatum ligt vóór die van de laatst gefactureerde afrekening "
                         f"({last.strftime('%d-%m-%Y')}); afrekeningen worden op volgorde uitgegeven.")
    if as_of > clock.today():
        raise RunRefused("De peildatum ligt in de toekomst.")
    result, run_result = evaluate_run(session, contract, as_of)
    municipalities = session.execute(select(m.Municipality.cbs_code, m.Municipality.id, m.Municipality.name)).all()
    municipality_ids = {code: id_ for code, id_, _ in municipalities}
    names = {code: name for code, _, name in municipalities}
    claim_ids = dict(session.execute(
        select(m.MilestoneClaim.ref, m.MilestoneClaim.id).join(m.Trajectory)
        .where(m.Trajectory.contract_id == contract.id)).all())
    run = m.SettlementRun(
        contract_id=contract.id, as_of=as_of, status="draft", prepared_by_id=actor.id, prepared_at=clock.now(),
        total_payable=result.totals.payable, total_withheld=result.totals.withheld,
        total_pending=result.totals.pending,
        total_delta=sum((rl.amount for rl in run_result.lines if rl.amount is not None), ZERO),
        engine_document=preview_document(result))
    run.lines = [_line(position, rl, result, municipality_ids, claim_ids, names)
                 for position, rl in enumerate(run_result.lines)]
    session.add(run)
    session.flush()
    record(session, actor, "settlement_run.drafted", "settlement_run", run.id,
           after={"contract": contract.code, "as_of": as_of, "payable": run.total_payable,
                  "this_run": run.total_delta, "lines": len(run.lines)})
    return run


VANISHED_LINE = ("De declaratie telt niet meer mee (afgekeurd of ingetrokken): wat eerder is gefactureerd wordt "
                 "teruggeboekt.")


def line_explanation(result: settlement.ContractSettlement, run_line: settlement.RunLine,
                     municipality_names: dict[str, str] | None = None) -> str:
    """Explain a run line in plain Dutch; a line that vanished was invoiced before and is taken back."""
    if run_line.line is None:
        return VANISHED_LINE
    return settlement.explain(result, run_line.line, municipality_names=municipality_names)


def _line(position: int, rl: settlement.RunLine, result, municipality_ids, claim_ids, names) -> m.SettlementLine:
    line = rl.line
    explanation = line_explanation(result, rl, names)
    return m.SettlementLine(
        position=position, claim_id=claim_ids.get(rl.milestone), milestone_ref=rl.milestone,
        trajectory_ref=rl.trajectory or "", municipality_id=municipality_ids[rl.municipality],
        tranche_code=rl.tranche, milestone_type=line.type if line else None,
        milestone_date=line.date if line else None, amount=line.amount if line else ZERO, status=line.status if line else "withheld",
        reason=line.reason if line else None, payable=line.payable if line else ZERO,
        withheld=line.withheld if line else ZERO, pending=line.pending if line else ZERO,
        previously_invoiced=rl.invoiced_before, delta=rl.amount if rl.amount is not None else ZERO,
        delta_reason=rl.reason if rl.amount is not None else None,
        funding={source: str(part) for source, part in rl.funding.items()}, explanation=explanation)


def _move(session: Session, actor: m.User, run: m.SettlementRun, action: str, **details) -> None:
    before = snapshot(run, "status")
    run.status = next_status(run.status, action)
    session.flush()
    record(session, actor, f"settlement_run.{run.status}", "settlement_run", run.id, before=before,
           after={"status": run.status, **details})


def submit_run(session: Session, actor: m.User, run: m.SettlementRun) -> None:
    """Offer a draft for approval by a second finance user."""
    if actor.id != run.prepared_by_id:
        raise RunRefused("Alleen wie de afrekening heeft opgesteld, kan die indienen.")
    run.submitted_at = clock.now()
    _move(session, actor, run, "submit")
    notifications.run_submitted(session, run)


def return_run(session: Session, actor: m.User, run: m.SettlementRun, reason: str) -> None:
    """Send a submitted run back to its preparer with a reason."""
    if actor.id == run.prepared_by_id:
        raise RunRefused("U kunt uw eigen afrekening niet beoordelen (vier ogen).")
    if not (reason or "").strip():
        raise RunRefused("Geef een reden om de afrekening terug te sturen.")
    run.return_reason = reason.strip()
    _move(session, actor, run, "return", reason=run.return_reason)
    notifications.run_returned(session, run)


def discard_run(session: Session, actor: m.User, run: m.SettlementRun) -> None:
    """Let a draft or returned run lapse; nothing was issued."""
    _move(session, actor, run, "discard")


def get_contract(session: Session, code: str) -> m.Contract:
    contract = load_contract(session, code)
    if contract is None:
        raise RunRefused(f"Onbekend contract: {code}")
    return contract
