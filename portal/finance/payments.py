"""Payments against issued documents: money received on an invoice, money paid back on a credit note.

Amounts carry the sign of their document (a credit note's repayment is negative), so what
is outstanding is always `total - sum(payments)` and runs towards zero. Service functions
flush and never commit; refusals are PaymentRefused with a Dutch message for the user.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from .. import models as m
from ..audit import record
from ..formatting import euro

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
REFERENCE_MAX = 100


class PaymentRefused(Exception):
    """A payment cannot be recorded; the message is Dutch and `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def paid_column():
    """Return a correlated scalar subquery: the sum of an invoice's payments (0 without any)."""
    return (select(func.coalesce(func.sum(m.Payment.amount), ZERO))
            .where(m.Payment.invoice_id == m.Invoice.id).correlate(m.Invoice).scalar_subquery())


def paid_amounts(session: Session, invoice_ids: Iterable[int]) -> dict[int, Decimal]:
    """Return what was paid per invoice, in one query (invoices without payments are left out)."""
    ids = list(invoice_ids)
    if not ids:
        return {}
    rows = session.execute(select(m.Payment.invoice_id, func.sum(m.Payment.amount))
                           .where(m.Payment.invoice_id.in_(ids)).group_by(m.Payment.invoice_id))
    return {invoice_id: Decimal(total).quantize(CENT) for invoice_id, total in rows}


def paid(session: Session, invoice: m.Invoice) -> Decimal:
    """Return the sum of the payments recorded against a document, from the database."""
    return paid_amounts(session, [invoice.id]).get(invoice.id, ZERO)


def outstanding(invoice: m.Invoice) -> Decimal:
    """Return what is still to be paid on a document (negative for a credit note not yet repaid)."""
    return invoice.total - sum((p.amount for p in invoice.payments), ZERO)


class AlreadyRecorded(Exception):
    """This form was submitted before: the payment exists and is not recorded twice."""


def record_payment(session: Session, actor: m.User, invoice: m.Invoice, *, paid_on: date | None,
                   amount: Decimal | None, reference: str | None, submission_key: str | None = None) -> m.Payment:
    """Record a payment against an issued invoice or credit note (audited; flushes, never commits)."""
    reference = (reference or "").strip()
    if not reference:
        raise PaymentRefused("Vul het betalingskenmerk in (bijvoorbeeld het kenmerk van het bankafschrift).",
                             "reference")
    if len(reference) > REFERENCE_MAX:
        raise PaymentRefused(f"Het betalingskenmerk is te lang: hoogstens {REFERENCE_MAX} tekens.", "reference")
    if paid_on is None:
        raise PaymentRefused("Vul de betaaldatum in.", "paid_on")
    if paid_on > clock.today():
        raise PaymentRefused("De betaaldatum ligt in de toekomst; registreer een betaling pas als zij is ontvangen.",
                             "paid_on")
    if paid_on < invoice.issue_date:
        raise PaymentRefused(f"De betaaldatum ligt vóór de datum van {_document(invoice)} "
                             f"({invoice.issue_date:%d-%m-%Y}).", "paid_on")
    if amount is None or not amount.is_finite():
        raise PaymentRefused("Vul het bedrag in.", "amount")
    if amount != amount.quantize(CENT):
        raise PaymentRefused("Het bedrag heeft meer dan twee decimalen.", "amount")
    if amount == 0:
        raise PaymentRefused("Het bedrag mag niet nul zijn.", "amount")
    credit = invoice.kind == "credit_note"
    if credit and amount > 0:
        raise PaymentRefused("Bij een creditnota is de terugbetaling negatief: vul het bedrag in met een minteken "
                             "(bijvoorbeeld -500,00).", "amount")
    if not credit and amount < 0:
        raise PaymentRefused("Bij een factuur is een betaling positief; een terugbetaling hoort bij een creditnota.",
                             "amount")
    # Lock the document row so two simultaneous payments cannot both fit in what was outstanding.
    session.execute(select(m.Invoice.id).where(m.Invoice.id == invoice.id).with_for_update())
    # Checked under the lock: a double submit waits for the first and then finds its payment.
    if submission_key and session.scalar(select(m.Payment.id).where(m.Payment.submission_key == submission_key)):
        raise AlreadyRecorded()
    still_open = invoice.total - paid(session, invoice)
    if abs(amount) > abs(still_open):
        if still_open == 0:
            raise PaymentRefused(f"{_document(invoice, capital=True)} is al volledig betaald.", "amount")
        raise PaymentRefused(f"Het bedrag is meer dan er openstaat ({euro(still_open)}).", "amount")
    payment = m.Payment(invoice=invoice, paid_on=paid_on, amount=amount, reference=reference,
                        recorded_by_id=actor.id, recorded_at=clock.now(), submission_key=submission_key or None)
    session.add(payment)
    session.flush()
    record(session, actor, "payment.recorded", "payment", payment.id,
           after={"invoice": invoice.display_number, "paid_on": paid_on, "amount": amount, "reference": reference,
                  "outstanding": still_open - amount})
    return payment


def _document(invoice: m.Invoice, capital: bool = False) -> str:
    word = "creditnota" if invoice.kind == "credit_note" else "factuur"
    return f"{word.capitalize() if capital else word} {invoice.display_number}"
