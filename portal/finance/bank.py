"""Read in a bank statement and turn its entries into payments, matched by invoice number.

The consortium's own account pays invoices (a debit entry) and receives the repayment of credit
notes (a credit entry), so an entry of -€ 500 with "NK2026-000012" in its remittance text becomes a
payment of € 500 on invoice NK2026-000012, recorded through `record_payment` with all its checks.
What cannot be matched with certainty (no number, several numbers, more than is open, a sign that
does not fit the document) waits as "unmatched" for a person, who books it on an invoice or sets it
aside with a reason. Nothing is booked twice: a file is read once (its hash), an entry once (its key,
across files), a payment comes from one entry. Service functions flush and never commit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from .. import models as m
from ..access import scope_invoices
from ..audit import record
from .camt import Entry, StatementError, parse_statement
from .payments import PaymentRefused, record_payment

# Invoice and credit-note numbers as issued: series (consortium code, year, C for credit notes) and six digits.
NUMBER = re.compile(r"\b([A-Z]{1,10}\d{4}C?)\s?-\s?(\d{6})\b")
NOTE_MAX = 300


class BankRefused(Exception):
    """The statement or decision is refused; the message is Dutch and `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ImportResult:
    statement: m.BankStatement
    booked: int
    unmatched: int
    known: int  # entries read in before (from another file): not booked again


def import_statement(session: Session, actor: m.User, data: bytes) -> ImportResult:
    """Read a CAMT.053 file in: every entry booked or left for a person, all in the caller's transaction."""
    try:
        parsed = parse_statement(data)
    except StatementError as error:
        raise BankRefused(str(error), "file") from None
    earlier = session.scalar(select(m.BankStatement).where(m.BankStatement.file_sha256 == parsed.sha256))
    if earlier is not None:
        raise BankRefused(f"Dit afschrift is al ingelezen (afschrift {earlier.id}); er is niets opnieuw geboekt.",
                          "file")
    statement = m.BankStatement(account_iban=parsed.account_iban, statement_ref=parsed.statement_ref,
                                file_sha256=parsed.sha256, imported_by_id=actor.id, imported_at=clock.now())
    session.add(statement)
    session.flush()
    keys = [entry.key for entry in parsed.entries]
    known_keys = set(session.scalars(select(m.BankEntry.entry_key).where(m.BankEntry.entry_key.in_(keys)))) \
        if keys else set()
    named = {entry.key: _numbers(entry) for entry in parsed.entries}
    documents = _documents(session, actor, {number for numbers in named.values() for number in numbers})
    booked = unmatched = known = 0
    seen: set[str] = set()
    for entry in parsed.entries:
        if entry.key in known_keys or entry.key in seen:
            known += 1
            continue
        seen.add(entry.key)
        row = _entry_row(statement, entry)
        session.add(row)
        invoice, why = _match(named[entry.key], documents)
        if invoice is not None:
            why = _book(session, actor, row, invoice)
        if why is None:
            booked += 1
        else:
            row.status, row.note = "unmatched", why[:NOTE_MAX]
            unmatched += 1
    session.flush()
    record(session, actor, "bank_statement.imported", "bank_statement", statement.id,
           after={"account": parsed.account_iban, "statement": parsed.statement_ref, "entries": len(parsed.entries),
                  "booked": booked, "unmatched": unmatched, "known": known})
    return ImportResult(statement, booked, unmatched, known)


def book_entry(session: Session, actor: m.User, entry: m.BankEntry, invoice_number: str) -> m.Payment:
    """A person books an unmatched entry on the invoice or credit note they name."""
    _still_open(entry)
    number = (invoice_number or "").strip().upper()
    if not number:
        raise BankRefused("Vul het factuurnummer in.", "invoice_number")
    invoice = session.scalar(scope_invoices(actor, select(m.Invoice)).where(m.Invoice.display_number == number))
    if invoice is None:
        raise BankRefused(f"Factuur of creditnota {number[:30]} bestaat niet (of hoort niet bij uw consortium).",
                          "invoice_number")
    why = _book(session, actor, entry, invoice, decided=True)
    if why is not None:
        raise BankRefused(why, "invoice_number")
    return entry.payment


def ignore_entry(session: Session, actor: m.User, entry: m.BankEntry, reason: str) -> None:
    """A person decides an unmatched entry is no payment on an invoice (a wrong transfer, a fee), with a reason."""
    _still_open(entry)
    reason = (reason or "").strip()
    if not reason:
        raise BankRefused("Geef aan waarom deze boeking geen betaling op een factuur is.", "reason")
    if len(reason) > NOTE_MAX:
        raise BankRefused(f"De reden is te lang: hoogstens {NOTE_MAX} tekens.", "reason")
    entry.status, entry.note = "ignored", reason
    entry.decided_by_id, entry.decided_at = actor.id, clock.now()
    session.flush()
    record(session, actor, "bank_entry.ignored", "bank_entry", entry.id, after={"reason": reason})


def _still_open(entry: m.BankEntry) -> None:
    if entry.status != "unmatched":
        raise BankRefused("Over deze boeking is al besloten.")


def _entry_row(statement: m.BankStatement, entry: Entry) -> m.BankEntry:
    return m.BankEntry(statement=statement, entry_key=entry.key, booked_on=entry.booked_on, amount=entry.amount,
                       counterparty=entry.counterparty, remittance=entry.remittance,
                       bank_reference=entry.bank_reference, status="unmatched", note="")


def _numbers(entry: Entry) -> list[str]:
    """The invoice and credit-note numbers the remittance text names."""
    return sorted({f"{series}-{number}" for series, number in NUMBER.findall(entry.remittance.upper())})


def _documents(session: Session, actor: m.User, numbers: set[str]) -> dict[str, m.Invoice]:
    """The named documents in the actor's scope, by number, in one query for the whole statement."""
    if not numbers:
        return {}
    found = session.scalars(scope_invoices(actor, select(m.Invoice)).where(m.Invoice.display_number.in_(numbers)))
    return {invoice.display_number: invoice for invoice in found}


def _match(numbers: list[str], documents: dict[str, m.Invoice]) -> tuple[m.Invoice | None, str | None]:
    """The one document whose number the remittance names, or why there is none."""
    if not numbers:
        return None, "Geen factuurnummer in de omschrijving gevonden."
    if len(numbers) > 1:
        return None, f"De omschrijving noemt meerdere nummers ({', '.join(numbers[:5])}); verdeel het bedrag zelf."
    invoice = documents.get(numbers[0])
    if invoice is None:
        return None, f"Nummer {numbers[0]} is geen factuur of creditnota van dit consortium."
    return invoice, None


def _book(session: Session, actor: m.User, row: m.BankEntry, invoice: m.Invoice, decided: bool = False) -> str | None:
    """Record the payment the entry makes on the document; return why not, or None when booked."""
    reference = f"Bank {row.bank_reference or row.statement.statement_ref}"[:100]
    try:
        payment = record_payment(session, actor, invoice, paid_on=row.booked_on, amount=-row.amount,
                                 reference=reference)
    except PaymentRefused as refusal:
        return f"{invoice.display_number}: {refusal}"
    row.status, row.invoice_id, row.payment_id, row.note = "booked", invoice.id, payment.id, ""
    if decided:
        row.decided_by_id, row.decided_at = actor.id, clock.now()
    session.flush()
    record(session, actor, "bank_entry.booked", "bank_entry", row.id,
           after={"invoice": invoice.display_number, "payment": payment.id, "amount": payment.amount})
    return None
