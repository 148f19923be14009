"""Grid rows of the ageing overview and bank statements: finance works with them, the auditor reads them."""
from datetime import date, datetime, timezone
from decimal import Decimal

from portal.models import BankEntry, BankStatement

from .rows import Row
from .world import SETUP

FINANCE = frozenset({"finance"})
READERS = frozenset({"finance", "auditor"})


def _statement_with_a_waiting_entry(world, db) -> None:
    statement = BankStatement(account_iban="NL91ABNA0417164300", statement_ref="GRID-1", file_sha256="0" * 64,
                              imported_by_id=world.users["finance"].id,
                              imported_at=datetime(2026, 7, 1, tzinfo=timezone.utc))
    entry = BankEntry(statement=statement, entry_key="1" * 64, booked_on=date(2026, 7, 1), amount=Decimal("-5.00"),
                      counterparty="", remittance="kosten", bank_reference="", status="unmatched", note="")
    db.add_all([statement, entry])
    db.flush()
    world.extra["bank_statement"], world.extra["bank_entry"] = statement, entry


SETUP.append(_statement_with_a_waiting_entry)


def _entry(w) -> str:
    return f"/bankafschriften/boekingen/{w.extra['bank_entry'].id}"


ROWS = [
    Row("finance.ageing_page", "GET", lambda w: "/facturen/ouderdom", READERS),
    Row("finance.bank_statements", "GET", lambda w: "/bankafschriften", READERS),
    # No file: the form comes back with its error (400), so the shared world is not changed.
    Row("finance.import_bank_statement", "POST", lambda w: "/bankafschriften", FINANCE),
    Row("finance.bank_statement", "GET", lambda w: f"/bankafschriften/{w.extra['bank_statement'].id}", READERS),
    Row("finance.book_bank_entry", "POST", lambda w: _entry(w) + "/boeken", FINANCE,
        data=lambda w: {"invoice_number": "BESTAAT-NIET"}),
    Row("finance.ignore_bank_entry", "POST", lambda w: _entry(w) + "/negeren", FINANCE, data=lambda w: {"reason": ""}),
]
