"""Grid rows of the finance area; the SETUP hook issues a settlement run with an invoice for contract_a.

Runs, lists, payments and exports are for finance only (403 for everyone else). An invoice's
page and downloads are also for the bureau on its own documents: provider_a gets through,
provider_b gets 404; staff (finance, admin, reviewer) see every document.
"""
from datetime import date

from portal import clock
from portal.finance.issuing import approve_run
from portal.finance.runs import start_run, submit_run

from ... import factories as f
from ..finance.helpers import complete_addresses
from .rows import STAFF, Row
from .world import SETUP

AS_OF = date(2026, 6, 30)
FINANCE = frozenset({"finance"})
DOCUMENT_READERS = STAFF | {"provider_a"}


def _issued_run_for_contract_a(world, db) -> None:
    complete_addresses(db)
    trajectory = f.create_trajectory(db, world.contract_a, world.municipality_a)
    f.create_claim(db, trajectory, "intake", review="approved", reviewed=date(2026, 2, 15))
    preparer = f.create_user(db, "finance")
    run = start_run(db, preparer, world.contract_a, AS_OF)
    submit_run(db, preparer, run)
    world.extra["run_a"] = run
    world.extra["invoice_a"] = approve_run(db, world.users["finance"], run.id)[0]


SETUP.append(_issued_run_for_contract_a)


def _run(w) -> str:
    return f"/afrekeningen/{w.extra['run_a'].id}"


def _invoice(w) -> str:
    return f"/facturen/{w.extra['invoice_a'].id}"


ROWS = [
    Row("finance.runs", "GET", lambda w: "/afrekeningen", FINANCE),
    Row("finance.new_run", "GET", lambda w: f"/afrekeningen/nieuw?contract={w.contract_a.code}&peildatum=30-06-2026",
        FINANCE),
    Row("finance.create_run", "POST", lambda w: "/afrekeningen/nieuw", FINANCE,
        data=lambda w: {"contract": w.contract_a.code, "peildatum": AS_OF.isoformat()}),
    Row("finance.run", "GET", _run, FINANCE),
    # run_a is issued: finance gets through access and meets the state rule (409); the others never get there.
    Row("finance.submit", "POST", lambda w: _run(w) + "/indienen", FINANCE),
    Row("finance.approve", "POST", lambda w: _run(w) + "/goedkeuren", FINANCE),
    Row("finance.send_back", "POST", lambda w: _run(w) + "/terugsturen", FINANCE,
        data=lambda w: {"reason": "Cohort klopt niet."}),
    Row("finance.discard", "POST", lambda w: _run(w) + "/vervallen", FINANCE),
    Row("finance.run_export", "GET", lambda w: _run(w) + "/export.csv", FINANCE),
    Row("finance.invoices", "GET", lambda w: "/facturen", FINANCE),
    Row("finance.invoice", "GET", _invoice, DOCUMENT_READERS, hidden=frozenset({"provider_b"})),
    Row("finance.invoice_pdf", "GET", lambda w: _invoice(w) + "/pdf", DOCUMENT_READERS,
        hidden=frozenset({"provider_b"})),
    Row("finance.invoice_ubl", "GET", lambda w: _invoice(w) + "/ubl", DOCUMENT_READERS,
        hidden=frozenset({"provider_b"})),
    Row("finance.add_payment", "POST", lambda w: _invoice(w) + "/betalingen", FINANCE,
        data=lambda w: {"paid_on": clock.today().isoformat(), "amount": "1,00", "reference": "Afschrift 12"}),
    Row("finance.exports_page", "GET", lambda w: "/exports", FINANCE),
    Row("finance.esf_export", "GET", lambda w: f"/exports/esf.csv?contract={w.contract_a.code}", FINANCE),
]
