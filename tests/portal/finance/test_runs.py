"""Settlement runs: draft, four eyes, issuing, and paying only the difference (settlement.md section 9)."""
from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from portal.finance import issuing
from portal.finance.issuing import approve_run
from portal.finance.runs import discard_run, return_run, start_run, submit_run
from portal.finance.states import InvalidTransition, RunRefused
from portal.invoicing import check_ubl
from portal.models import CreditNoteCorrection, DocumentCounter, Invoice
from .helpers import finance_pair, freeze_today, import_example, revoke

AS_OF = date(2028, 3, 31)


@pytest.fixture
def example(db, monkeypatch):
    freeze_today(monkeypatch, date(2028, 4, 2))
    scenario, contract = import_example(db)
    preparer, approver = finance_pair(db)
    return contract, preparer, approver


def issue(db, contract, preparer, approver, as_of=AS_OF):
    run = start_run(db, preparer, contract, as_of)
    submit_run(db, preparer, run)
    return run, approve_run(db, approver, run.id)


def test_first_run_issues_exactly_the_engines_invoices(db, example):
    contract, preparer, approver = example
    run, invoices = issue(db, contract, preparer, approver)
    assert run.status == "issued" and run.approved_by_id == approver.id
    got = [(i.municipality.cbs_code, i.kind, i.subtotal, i.vat, i.total) for i in invoices]
    assert got == [("0361", "invoice", Decimal("4800.00"), Decimal("1008.00"), Decimal("5808.00")),
                   ("0373", "invoice", Decimal("4000.00"), Decimal("840.00"), Decimal("4840.00"))]
    assert [i.display_number for i in invoices] == [f"{i.series}-{n:06d}" for i, n in zip(invoices, (1, 2))]
    for invoice in invoices:
        assert invoice.pdf.startswith(b"%PDF") and len(invoice.pdf_sha256) == 64
        assert check_ubl(invoice.ubl) == []
        assert sum(line.amount for line in invoice.lines) == invoice.subtotal
        assert invoice.frozen["total"] == str(invoice.total)


def test_invoice_pdf_text_shows_the_engines_total(db, example, tmp_path):
    contract, preparer, approver = example
    _, invoices = issue(db, contract, preparer, approver)
    pdf = tmp_path / "f.pdf"
    pdf.write_bytes(invoices[0].pdf)
    words = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "5.808,00" in words and invoices[0].display_number in words


def test_the_preparer_cannot_approve_and_only_submitted_runs_are_approved(db, example):
    contract, preparer, approver = example
    run = start_run(db, preparer, contract, AS_OF)
    with pytest.raises(InvalidTransition):
        approve_run(db, approver, run.id)
    submit_run(db, preparer, run)
    with pytest.raises(RunRefused, match="vier ogen"):
        approve_run(db, preparer, run.id)
    with pytest.raises(RunRefused, match="vier ogen"):
        return_run(db, preparer, run, "nee")


def test_a_returned_run_carries_its_reason_and_can_lapse(db, example):
    contract, preparer, approver = example
    run = start_run(db, preparer, contract, AS_OF)
    submit_run(db, preparer, run)
    with pytest.raises(RunRefused, match="reden"):
        return_run(db, approver, run, "  ")
    return_run(db, approver, run, "Cohort 2026 klopt niet")
    assert (run.status, run.return_reason) == ("returned", "Cohort 2026 klopt niet")
    discard_run(db, preparer, run)
    assert run.status == "discarded"
    assert db.scalar(select(func.count()).select_from(Invoice)) == 0


def test_one_open_run_per_contract_and_runs_in_date_order(db, example):
    contract, preparer, approver = example
    run = start_run(db, preparer, contract, AS_OF)
    with pytest.raises(RunRefused, match="loopt al"):
        start_run(db, preparer, contract, AS_OF)
    submit_run(db, preparer, run)
    approve_run(db, approver, run.id)
    with pytest.raises(RunRefused, match="vóór"):
        start_run(db, preparer, contract, date(2028, 1, 1))


def test_a_second_run_without_changes_issues_nothing(db, example):
    contract, preparer, approver = example
    issue(db, contract, preparer, approver)
    run, invoices = issue(db, contract, preparer, approver)
    assert invoices == [] and run.total_delta == 0
    assert all(line.delta == 0 and line.previously_invoiced == line.payable for line in run.lines)


def test_a_revoked_approval_gives_revoked_and_correction_lines_on_credit_notes(db, example):
    contract, preparer, approver = example
    _, first = issue(db, contract, preparer, approver)
    revoke(db, "M0005", date(2028, 3, 31))  # T002's placement: the cohort drops to 1 of 3 = 33.33 % < 35 %
    run, notes = issue(db, contract, preparer, approver)
    deltas = {line.milestone_ref: (line.delta, line.delta_reason) for line in run.lines if line.delta}
    assert deltas == {"M0002": (Decimal("-1200.00"), "CORRECTION"), "M0003": (Decimal("-2000.00"), "CORRECTION"),
                      "M0005": (Decimal("-1200.00"), "REVOKED"), "M0006": (Decimal("-2000.00"), "CORRECTION")}
    assert [(n.kind, n.municipality.cbs_code, n.subtotal, n.total) for n in notes] == [
        ("credit_note", "0361", Decimal("-3200.00"), Decimal("-3872.00")),
        ("credit_note", "0373", Decimal("-3200.00"), Decimal("-3872.00"))]
    assert notes[0].series.endswith("C") and notes[0].number == 1
    corrected = db.scalars(select(CreditNoteCorrection.corrected_invoice_id)
                           .where(CreditNoteCorrection.credit_note_id == notes[0].id)).all()
    assert corrected == [first[0].id]
    assert notes[0].frozen["corrects"] == [first[0].display_number]
    assert check_ubl(notes[0].ubl) == []


def test_an_issued_invoice_never_changes(db, example):
    contract, preparer, approver = example
    issue(db, contract, preparer, approver)
    for statement in ("UPDATE invoice SET total = 0", "DELETE FROM invoice_line"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.begin_nested():
                db.execute(text(statement))


def test_a_crash_while_issuing_leaves_nothing_half_written(db, example, monkeypatch):
    contract, preparer, approver = example
    run = start_run(db, preparer, contract, AS_OF)
    submit_run(db, preparer, run)
    db.commit()
    real = issuing.render_invoice_pdf
    calls = []

    def render_then_crash(document, **kwargs):
        calls.append(document.number)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(document, **kwargs)

    monkeypatch.setattr(issuing, "render_invoice_pdf", render_then_crash)
    with pytest.raises(RuntimeError):
        approve_run(db, approver, run.id)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Invoice)) == 0
    assert db.scalar(select(func.count()).select_from(DocumentCounter)) == 0
    db.refresh(run)
    assert run.status == "submitted"
    monkeypatch.setattr(issuing, "render_invoice_pdf", real)
    invoices = approve_run(db, approver, run.id)
    assert [i.number for i in invoices] == [1, 2]  # no number was lost to the crash
