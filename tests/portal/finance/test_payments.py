"""Payments: the sign of the document, never more than outstanding, not in the future, with a reference, audited."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from portal.finance.issuing import approve_run
from portal.finance.payments import PaymentRefused, outstanding, paid_amounts, record_payment
from portal.finance.runs import start_run, submit_run
from portal.models import AuditEvent, Payment
from .helpers import finance_pair, freeze_today, import_example, revoke

AS_OF = date(2028, 3, 31)
TODAY = date(2028, 4, 2)


def issue(db, contract, preparer, approver, as_of=AS_OF):
    run = start_run(db, preparer, contract, as_of)
    submit_run(db, preparer, run)
    return approve_run(db, approver, run.id)


@pytest.fixture
def issued(db, monkeypatch):
    """The worked example issued once: two invoices (Alkmaar € 5.808,00 and Bergen € 4.840,00)."""
    freeze_today(monkeypatch, TODAY)
    _, contract = import_example(db)
    preparer, approver = finance_pair(db)
    invoices = issue(db, contract, preparer, approver)
    return contract, preparer, approver, invoices


@pytest.fixture
def credit_note(db, issued):
    """A second run after a revoked approval: credit notes of € -3.872,00 each."""
    contract, preparer, approver, _ = issued
    revoke(db, "M0005", date(2028, 3, 31))
    notes = issue(db, contract, preparer, approver, as_of=date(2028, 4, 2))
    assert notes[0].kind == "credit_note" and notes[0].total == Decimal("-3872.00")
    return notes[0]


def pay(db, actor, invoice, amount, paid_on=TODAY, reference="Afschrift 2028-041"):
    return record_payment(db, actor, invoice, paid_on=paid_on, amount=Decimal(amount), reference=reference)


def test_a_payment_is_recorded_audited_and_lowers_what_is_outstanding(db, issued):
    _, preparer, _, invoices = issued
    invoice = invoices[0]
    payment = pay(db, preparer, invoice, "808.00", reference="  Afschrift 2028-041  ")
    assert (payment.amount, payment.paid_on, payment.reference, payment.recorded_by_id) == (
        Decimal("808.00"), TODAY, "Afschrift 2028-041", preparer.id)
    assert outstanding(invoice) == Decimal("5000.00")
    event_ = db.scalar(select(AuditEvent).where(AuditEvent.action == "payment.recorded"))
    assert event_.object_id == str(payment.id) and event_.actor_id == preparer.id
    assert event_.after["invoice"] == invoice.display_number and event_.after["outstanding"] == "5000.00"


def test_partial_payments_add_up_to_the_total_and_then_nothing_more_is_accepted(db, issued):
    _, preparer, _, invoices = issued
    invoice = invoices[1]
    pay(db, preparer, invoice, "4000.00")
    with pytest.raises(PaymentRefused, match="meer dan er openstaat") as refused:
        pay(db, preparer, invoice, "840.01")
    assert refused.value.field == "amount" and "€ 840,00" in str(refused.value)
    pay(db, preparer, invoice, "840.00")
    assert outstanding(invoice) == 0
    with pytest.raises(PaymentRefused, match="al volledig betaald"):
        pay(db, preparer, invoice, "0.01")


def test_a_credit_notes_repayment_is_negative_and_runs_towards_zero(db, issued, credit_note):
    _, preparer, _, _ = issued
    pay(db, preparer, credit_note, "-872.00")
    assert outstanding(credit_note) == Decimal("-3000.00")
    with pytest.raises(PaymentRefused, match="meer dan er openstaat"):
        pay(db, preparer, credit_note, "-3000.01")
    pay(db, preparer, credit_note, "-3000.00")
    assert outstanding(credit_note) == 0


@pytest.mark.parametrize("amount, paid_on, reference, field, message", [
    ("0.00", TODAY, "Afschrift", "amount", "niet nul"),
    ("-10.00", TODAY, "Afschrift", "amount", "Bij een factuur is een betaling positief"),
    ("10.005", TODAY, "Afschrift", "amount", "twee decimalen"),
    ("5808.01", TODAY, "Afschrift", "amount", "meer dan er openstaat"),
    ("10.00", date(2028, 4, 3), "Afschrift", "paid_on", "in de toekomst"),
    ("10.00", date(2028, 3, 1), "Afschrift", "paid_on", "vóór de datum van factuur"),
    ("10.00", TODAY, "", "reference", "betalingskenmerk"),
    ("10.00", TODAY, "   ", "reference", "betalingskenmerk"),
    ("10.00", TODAY, "x" * 101, "reference", "te lang"),
])
def test_every_refusal_names_its_field_in_dutch_and_records_nothing(db, issued, amount, paid_on, reference, field,
                                                                    message):
    _, preparer, _, invoices = issued
    with pytest.raises(PaymentRefused, match=message) as refused:
        pay(db, preparer, invoices[0], amount, paid_on=paid_on, reference=reference)
    assert refused.value.field == field
    assert db.scalar(select(Payment.id)) is None
    assert db.scalar(select(AuditEvent.id).where(AuditEvent.action == "payment.recorded")) is None


def test_missing_amount_or_date_is_refused(db, issued):
    _, preparer, _, invoices = issued
    with pytest.raises(PaymentRefused, match="bedrag") as refused:
        record_payment(db, preparer, invoices[0], paid_on=TODAY, amount=None, reference="A")
    assert refused.value.field == "amount"
    with pytest.raises(PaymentRefused, match="betaaldatum") as refused:
        record_payment(db, preparer, invoices[0], paid_on=None, amount=Decimal("1.00"), reference="A")
    assert refused.value.field == "paid_on"


def test_a_positive_amount_on_a_credit_note_is_refused(db, issued, credit_note):
    _, preparer, _, _ = issued
    with pytest.raises(PaymentRefused, match="minteken") as refused:
        pay(db, preparer, credit_note, "100.00")
    assert refused.value.field == "amount"


def test_recording_flushes_and_never_commits(db, issued, monkeypatch):
    _, preparer, _, invoices = issued

    def no_commit():
        raise AssertionError("a service function never commits")

    monkeypatch.setattr(db, "commit", no_commit)
    payment = pay(db, preparer, invoices[0], "1.00")
    assert payment.id is not None


def test_paid_amounts_of_many_invoices_take_one_query(db, issued):
    _, preparer, _, invoices = issued
    pay(db, preparer, invoices[0], "8.00")
    pay(db, preparer, invoices[0], "800.00")
    pay(db, preparer, invoices[1], "40.00")
    db.flush()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.get_bind(), "before_cursor_execute", listener)
    try:
        paid = paid_amounts(db, [i.id for i in invoices])
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", listener)
    assert paid == {invoices[0].id: Decimal("808.00"), invoices[1].id: Decimal("40.00")}
    assert len(statements) == 1
