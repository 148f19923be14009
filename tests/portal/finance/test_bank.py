"""Bank statements (CAMT.053): entries matched by invoice number become payments, the rest waits; nothing twice."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.finance.ageing import ageing
from portal.finance.bank import BankRefused, book_entry, ignore_entry, import_statement
from portal.finance.payments import outstanding
from portal.models import AuditEvent, BankEntry, Payment

from tests.factories import log_in
from .test_payments import TODAY, credit_note, issued  # noqa: F401 (fixtures)

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def camt(*entries, statement="AFSCHRIFT-041", iban="NL91ABNA0417164300", doctype="") -> bytes:
    """A CAMT.053 statement; each entry is (amount, CRDT/DBIT, remittance, bank reference or '')."""
    rows = []
    for amount, direction, remittance, reference in entries:
        ref = f"<AcctSvcrRef>{reference}</AcctSvcrRef>" if reference else ""
        party = "Cdtr" if direction == "DBIT" else "Dbtr"
        rows.append(f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd><Sts>BOOK</Sts>
          <BookgDt><Dt>2028-04-02</Dt></BookgDt>{ref}
          <NtryDtls><TxDtls><RltdPties><{party}><Nm>Arbeidsfit BV</Nm></{party}></RltdPties>
          <RmtInf><Ustrd>{remittance}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>""")
    return (f"""<?xml version="1.0" encoding="UTF-8"?>{doctype}
<Document xmlns="{NS}"><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr><Stmt><Id>{statement}</Id>
<Acct><Id><IBAN>{iban}</IBAN></Id></Acct>{''.join(rows)}</Stmt></BkToCstmrStmt></Document>""").encode()


def payments(db) -> list[Payment]:
    return list(db.scalars(select(Payment).order_by(Payment.id)))


def test_an_entry_naming_one_invoice_is_booked_as_its_payment_and_audited(db, issued):
    _, preparer, _, invoices = issued
    alkmaar = invoices[0]
    result = import_statement(db, preparer, camt(("1000.00", "DBIT", f"Betaling factuur {alkmaar.display_number}", "B1")))
    assert (result.booked, result.unmatched, result.known) == (1, 0, 0)
    [payment] = payments(db)
    assert payment.invoice_id == alkmaar.id and payment.amount == Decimal("1000.00")
    assert payment.paid_on == date(2028, 4, 2) and payment.reference == "Bank B1"
    db.refresh(alkmaar)
    assert outstanding(alkmaar) == alkmaar.total - Decimal("1000.00")
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"bank_statement.imported", "bank_entry.booked", "payment.recorded"} <= actions


def test_what_cannot_be_matched_with_certainty_waits_with_its_reason(db, issued):
    _, preparer, _, invoices = issued
    one, two = invoices[0].display_number, invoices[1].display_number
    result = import_statement(db, preparer, camt(
        ("10.00", "DBIT", "Bankkosten april", "B1"),
        ("20.00", "DBIT", f"{one} en {two}", "B2"),
        ("30.00", "CRDT", f"Terugbetaling {one}", "B3"),  # money in on an invoice: the sign does not fit
        ("99999.00", "DBIT", f"Factuur {one}", "B4"),  # more than is open
        ("40.00", "DBIT", "Factuur NK2099-999999", "B5"),
    ))
    assert (result.booked, result.unmatched) == (0, 5) and payments(db) == []
    notes = [e.note for e in db.scalars(select(BankEntry).order_by(BankEntry.id))]
    assert "Geen factuurnummer" in notes[0] and "meerdere nummers" in notes[1]
    assert "Bij een factuur is een betaling positief" in notes[2] and "meer dan er openstaat" in notes[3]
    assert "NK2099-999999 is geen factuur" in notes[4]


def test_a_statement_is_read_once_and_an_entry_in_two_files_is_booked_once(db, issued):
    _, preparer, _, invoices = issued
    entry = ("500.00", "DBIT", f"Factuur {invoices[0].display_number}", "B1")
    import_statement(db, preparer, camt(entry))
    with pytest.raises(BankRefused, match="al ingelezen"):
        import_statement(db, preparer, camt(entry))
    again = import_statement(db, preparer, camt(entry, ("1.00", "DBIT", "kosten", "B9"), statement="AFSCHRIFT-042"))
    assert (again.booked, again.unmatched, again.known) == (0, 1, 1)
    assert len(payments(db)) == 1


def test_a_credit_note_repayment_comes_in_as_a_credit(db, issued, credit_note):
    _, preparer, _, _ = issued
    result = import_statement(db, preparer, camt(("3872.00", "CRDT", f"Terugbetaling {credit_note.display_number}",
                                                  "B7")))
    assert result.booked == 1 and payments(db)[-1].amount == Decimal("-3872.00")


def test_a_person_books_or_sets_aside_what_waits(db, issued):
    _, preparer, _, invoices = issued
    import_statement(db, preparer, camt(("250.00", "DBIT", "betaling", "B1"), ("5.00", "DBIT", "kosten", "B2")))
    waiting, fee = db.scalars(select(BankEntry).order_by(BankEntry.id)).all()
    with pytest.raises(BankRefused, match="bestaat niet"):
        book_entry(db, preparer, waiting, "NK2099-000001")
    payment = book_entry(db, preparer, waiting, invoices[1].display_number.lower())
    assert payment.invoice_id == invoices[1].id and waiting.status == "booked" and waiting.decided_by_id == preparer.id
    with pytest.raises(BankRefused, match="al besloten"):
        book_entry(db, preparer, waiting, invoices[0].display_number)
    with pytest.raises(BankRefused, match="Geef aan waarom"):
        ignore_entry(db, preparer, fee, "  ")
    ignore_entry(db, preparer, fee, "Bankkosten, geen factuur.")
    assert fee.status == "ignored" and fee.note == "Bankkosten, geen factuur."


@pytest.mark.parametrize("data, message", [
    (b"", "leeg"),
    (b"<niet-af", "geen geldige XML"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>', "geen CAMT.053"),
    (camt(("1E+30", "DBIT", "x", "B1")), "geen geldig bedrag"),
    (camt(("12.345", "DBIT", "x", "B1")), "geen geldig bedrag"),
    (camt(("-5.00", "DBIT", "x", "B1")), "geen geldig bedrag"),
])
def test_a_bad_file_is_refused_with_a_dutch_message_and_nothing_stored(db, issued, data, message):
    _, preparer, _, _ = issued
    with pytest.raises(BankRefused, match=message):
        import_statement(db, preparer, data)
    assert db.scalar(select(func.count()).select_from(BankEntry)) == 0


def test_external_entities_are_never_resolved(db, issued, tmp_path):
    _, preparer, _, invoices = issued
    secret = tmp_path / "secret.txt"
    secret.write_text(invoices[0].display_number)
    doctype = f'<!DOCTYPE Document [<!ENTITY x SYSTEM "file://{secret}">]>'
    result = import_statement(db, preparer, camt(("100.00", "DBIT", "&x;", "B1"), doctype=doctype))
    assert result.booked == 0 and payments(db) == []


def test_ageing_puts_open_amounts_in_buckets_by_days_past_due(db, issued, monkeypatch):
    _, preparer, _, invoices = issued
    due = invoices[0].due_date
    overview = ageing(db, preparer, due)
    assert sum(overview.totals[1:]) == 0 and overview.totals[0] == sum(i.total for i in invoices)
    later = ageing(db, preparer, due + timedelta(days=45))
    assert later.totals[2] == sum(i.total for i in invoices if i.due_date == due)
    assert later.total == overview.total


def test_the_pages_import_decide_and_show_overdue_invoices(db, client, issued, monkeypatch):
    _, preparer, _, invoices = issued
    log_in(client, preparer)
    from io import BytesIO
    response = client.post("/bankafschriften", data={"file": (BytesIO(camt(("5.00", "DBIT", "kosten", "B1"))),
                                                              "afschrift.xml")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Wacht op besluit" in page and "Geen factuurnummer" in page
    entry = db.scalar(select(BankEntry))
    response = client.post(f"/bankafschriften/boekingen/{entry.id}/boeken", data={"invoice_number": "X"})
    assert response.status_code == 400 and "bestaat niet" in response.get_data(as_text=True)
    response = client.post(f"/bankafschriften/boekingen/{entry.id}/negeren", data={"reason": "Bankkosten"})
    assert response.status_code == 302
    response = client.post("/bankafschriften", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Kies het bestand" in response.get_data(as_text=True)
    monkeypatch.setattr("portal.clock.today", lambda: invoices[0].due_date + timedelta(days=1))
    html = client.get("/facturen?open=overdue").get_data(as_text=True)
    assert invoices[0].display_number in html and "Vervallen</strong>" in html
    assert "Meer dan 90 dagen" in client.get("/facturen/ouderdom").get_data(as_text=True)
