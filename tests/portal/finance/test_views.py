"""Finance pages through the test client: preview, draft, four eyes, issue, documents, payments, exports."""
from __future__ import annotations


import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from flask import g
from sqlalchemy import func, select

from portal.models import AuditEvent, Invoice, Payment, SettlementRun, User

from ... import factories as f
from .helpers import finance_pair, freeze_today, import_example, revoke
from tests.factories import log_in

TODAY = date(2028, 4, 2)
CONTRACT = "NK-DB-2026-01"


def login(client, user) -> None:
    log_in(client, user)


@dataclass
class FinanceWorld:
    contract: object
    preparer: User
    approver: User
    bureau: User
    other_bureau: User
    klantmanager: User


@pytest.fixture
def fw(db, monkeypatch) -> FinanceWorld:
    freeze_today(monkeypatch, TODAY)
    _, contract = import_example(db)
    preparer, approver = finance_pair(db)
    consortium = contract.consortium
    municipality = f.create_municipality(db, consortium)
    world = FinanceWorld(contract, preparer, approver, f.create_user(db, "provider", provider=contract.provider),
                         f.create_user(db, "provider", provider=f.create_provider(db)),
                         f.create_user(db, "klantmanager", municipality=municipality))
    db.commit()
    return world


def text(response) -> str:
    return response.get_data(as_text=True)


def runs(db) -> list[SettlementRun]:
    db.expire_all()
    return list(db.scalars(select(SettlementRun).order_by(SettlementRun.id)))


def draft(client, fw, peildatum: str = "2028-03-31") -> int:
    login(client, fw.preparer)
    response = client.post("/afrekeningen/nieuw", data={"contract": CONTRACT, "peildatum": peildatum})
    assert response.status_code == 302, text(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def issue(client, fw, peildatum: str = "2028-03-31") -> int:
    run_id = draft(client, fw, peildatum)
    assert client.post(f"/afrekeningen/{run_id}/indienen").status_code == 302
    login(client, fw.approver)
    assert client.post(f"/afrekeningen/{run_id}/goedkeuren").status_code == 302
    return run_id


def test_the_new_run_page_asks_for_contract_and_peildatum(client, fw):
    login(client, fw.preparer)
    response = client.get("/afrekeningen/nieuw")
    html = text(response)
    assert response.status_code == 200
    assert f'<option value="{CONTRACT}">' in html and 'value="02-04-2028"' in html
    assert '<label for="contract">Contract</label>' in html and '<label for="peildatum">Peildatum</label>' in html
    assert "Voorbeeld:" not in html


def test_the_preview_shows_lines_reasons_explanations_totals_cohorts_and_documents_and_saves_nothing(db, client, fw):
    login(client, fw.preparer)
    response = client.get(f"/afrekeningen/nieuw?contract={CONTRACT}&peildatum=31-03-2028")
    html = text(response)
    assert response.status_code == 200
    assert f"Voorbeeld: {CONTRACT} per 31-03-2028" in html and "Er is nog niets opgeslagen" in html
    for ref in ("M0001", "M0004", "M0007"):
        assert f'<th scope="row">{ref}<br>' in html
    assert "<details>" in html and "Regel M0001 — perceel NK-DB-2026-01" in html  # settlement.explain_line
    documents = html[html.index('id="h-documents"'):html.index('id="h-totals"')]
    assert re.search(r"Alkmaar</th>\s*<td>Factuur</td>\s*<td class=\"num\">€ 4\.800,00</td>\s*"
                     r"<td class=\"num\">€ 1\.008,00</td>\s*<td class=\"num\">€ 5\.808,00</td>", documents)
    assert "€ 4.840,00" in documents
    totals = html[html.index('id="h-totals"'):html.index('id="h-cohorts"')]
    assert "Alkmaar (0361)" in totals and "€ 8.800,00" in totals and "ESF" in totals and "€ 4.400,00" in totals
    cohorts = html[html.index('id="h-cohorts"'):html.index('id="h-lines"')]
    assert "35 %" in cohorts and "Norm gehaald" in cohorts and "01-01-2026 t/m 31-12-2026" in cohorts
    assert 'name="contract" value="NK-DB-2026-01"' in html and "Opslaan als concept" in html
    assert runs(db) == []


def test_the_preview_refuses_a_future_date_and_an_unknown_contract(client, fw):
    login(client, fw.preparer)
    response = client.get(f"/afrekeningen/nieuw?contract={CONTRACT}&peildatum=03-04-2028")
    assert response.status_code == 400 and "de datum ligt in de toekomst" in text(response)
    assert 'class="error-summary" role="alert"' in text(response) and 'aria-invalid="true"' in text(response)
    response = client.get("/afrekeningen/nieuw?contract=BESTAAT-NIET&peildatum=31-03-2028")
    assert response.status_code == 400 and "Kies een contract uit de lijst." in text(response)
    response = client.get(f"/afrekeningen/nieuw?contract={CONTRACT}&peildatum=31-13-2028")
    assert response.status_code == 400 and "dit is geen geldige datum" in text(response)


def test_withheld_and_partial_euros_show_their_reason(db, client, monkeypatch):
    freeze_today(monkeypatch, date(2028, 7, 1))
    _, contract = import_example(db, "03-staffel-partial")
    user = f.create_user(db, "finance")
    db.commit()
    login(client, user)
    html = text(client.get(f"/afrekeningen/nieuw?contract={contract.code}&peildatum=30-06-2028"))
    row = html[html.index('<th scope="row">M0011<br>'):]
    row = row[:row.index("</tr>")]
    assert "Ingehouden" in row and "Buiten de resultaattermijn" in row and "OUTSIDE_WINDOW" in row
    assert "€ 2.500,00" in row
    row = html[html.index('<th scope="row">M0002<br>'):]
    row = row[:row.index("</tr>")]
    assert "Deels betaalbaar" in row and "Prestatienorm niet gehaald" in row and "€ 832,50" in row
    assert "€ 1.667,50" in row


def test_the_whole_flow_preview_draft_submit_four_eyes_approve_and_documents(db, client, fw):
    login(client, fw.preparer)
    assert client.get(f"/afrekeningen/nieuw?contract={CONTRACT}&peildatum=2028-03-31").status_code == 200
    run_id = draft(client, fw)
    [run] = runs(db)
    assert (run.id, run.status, run.prepared_by_id, len(run.lines)) == (run_id, "draft", fw.preparer.id, 7)
    html = text(client.get(f"/afrekeningen/{run_id}"))
    assert "De afrekening is als concept opgeslagen" in html and "Indienen ter goedkeuring" in html
    assert "Goedkeuren en factureren" not in html

    assert client.post(f"/afrekeningen/{run_id}/indienen").status_code == 302
    html = text(client.get(f"/afrekeningen/{run_id}"))
    assert "U heeft deze afrekening opgesteld." in html and "(vier ogen); u kunt dat niet zelf" in html
    assert "Goedkeuren en factureren" not in html

    response = client.post(f"/afrekeningen/{run_id}/goedkeuren")  # the preparer: four eyes
    assert response.status_code == 409
    assert "U kunt uw eigen afrekening niet goedkeuren (vier ogen)." in text(response)
    assert runs(db)[0].status == "submitted"

    login(client, fw.approver)
    html = text(client.get(f"/afrekeningen/{run_id}"))
    assert "Goedkeuren en factureren" in html and "Terugsturen" in html
    response = client.post(f"/afrekeningen/{run_id}/goedkeuren")
    assert response.status_code == 302
    html = text(client.get(response.headers["Location"]))
    invoices = list(db.scalars(select(Invoice).order_by(Invoice.id)))
    assert [i.total for i in invoices] == [Decimal("5808.00"), Decimal("4840.00")]
    assert "2 documenten zijn uitgegeven" in html and "Uitgegeven documenten" in html
    for invoice in invoices:
        assert f'<a href="/facturen/{invoice.id}">{invoice.display_number}</a>' in html
    assert runs(db)[0].approved_by_id == fw.approver.id

    invoice = invoices[0]
    html = text(client.get(f"/facturen/{invoice.id}"))
    assert f"Factuur {invoice.display_number}" in html and "Gemeente Alkmaar" in html and "Arbeidsfit BV" in html
    assert "€ 5.808,00" in html and "Btw 21 %" in html and "Intake — traject T001 (intake)" in html
    assert "Betaling registreren" in html and f"/facturen/{invoice.id}/pdf" in html

    html = text(client.get("/facturen"))
    assert invoice.display_number in html and "€ 5.808,00" in html


@pytest.mark.parametrize("kind, mimetype", [("pdf", "application/pdf"), ("ubl", "application/xml")])
def test_downloads_are_the_stored_bytes_for_finance_and_the_own_bureau_only(db, client, fw, kind, mimetype):
    issue(client, fw)
    invoice = db.scalar(select(Invoice).order_by(Invoice.id))
    stored = invoice.pdf if kind == "pdf" else invoice.ubl
    sha256 = invoice.pdf_sha256 if kind == "pdf" else invoice.ubl_sha256
    extension = "pdf" if kind == "pdf" else "xml"
    for user in (fw.approver, fw.bureau):
        login(client, user)
        response = client.get(f"/facturen/{invoice.id}/{kind}")
        assert response.status_code == 200
        assert response.mimetype == mimetype and response.get_data() == stored
        assert hashlib.sha256(response.get_data()).hexdigest() == sha256
        assert response.headers["Content-Disposition"] == f'attachment; filename="{invoice.display_number}.{extension}"'
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["ETag"] == f'"{sha256}"'
        assert "no-store" in response.headers["Cache-Control"]
    login(client, fw.bureau)
    html = text(client.get(f"/facturen/{invoice.id}"))
    assert invoice.display_number in html and "Betaling registreren" not in html
    login(client, fw.other_bureau)
    assert client.get(f"/facturen/{invoice.id}/{kind}").status_code == 404
    assert client.get(f"/facturen/{invoice.id}").status_code == 404
    login(client, fw.klantmanager)
    assert client.get(f"/facturen/{invoice.id}/{kind}").status_code == 403


def test_refusals_roll_back_and_show_the_dutch_message(db, client, fw):
    run_id = draft(client, fw)
    response = client.post("/afrekeningen/nieuw", data={"contract": CONTRACT, "peildatum": "2028-03-31"})
    assert response.status_code == 409 and "Er loopt al een afrekening voor dit contract" in text(response)
    assert f'<a href="/afrekeningen/{run_id}">afrekening {run_id}</a>' in text(response)
    assert len(runs(db)) == 1

    login(client, fw.approver)
    response = client.post(f"/afrekeningen/{run_id}/goedkeuren")  # still a draft
    assert response.status_code == 409
    assert "Een afrekening met status &#39;draft&#39; kunt u niet goedkeuren." in text(response)
    response = client.post(f"/afrekeningen/{run_id}/indienen")  # not the preparer
    assert response.status_code == 409 and "Alleen wie de afrekening heeft opgesteld" in text(response)
    assert "Alleen de opsteller" in text(response)

    login(client, fw.preparer)
    client.post(f"/afrekeningen/{run_id}/indienen")
    login(client, fw.approver)
    response = client.post(f"/afrekeningen/{run_id}/terugsturen", data={"reason": "  "})
    assert response.status_code == 400 and "Geef de reden waarom u de afrekening terugstuurt." in text(response)
    assert runs(db)[0].status == "submitted"
    response = client.post(f"/afrekeningen/{run_id}/terugsturen", data={"reason": "Cohort 2026 klopt niet"})
    assert response.status_code == 302
    html = text(client.get(f"/afrekeningen/{run_id}"))
    assert "Cohort 2026 klopt niet" in html and "Laten vervallen" in html
    assert client.post(f"/afrekeningen/{run_id}/vervallen").status_code == 302
    assert runs(db)[0].status == "discarded"
    assert db.scalar(select(func.count()).select_from(Invoice)) == 0

    issue(client, fw)
    login(client, fw.preparer)
    html = text(client.get(f"/afrekeningen/nieuw?contract={CONTRACT}&peildatum=01-01-2028"))
    assert "U kunt dit voorbeeld bekijken, maar niet" in html and "Opslaan als concept</button>" not in html
    response = client.post("/afrekeningen/nieuw", data={"contract": CONTRACT, "peildatum": "2028-01-01"})
    assert response.status_code == 409 and "afrekeningen worden op volgorde uitgegeven" in text(response)


def test_an_invalid_e_invoice_refuses_the_approval_and_issues_nothing(db, client, fw):
    run_id = draft(client, fw)
    client.post(f"/afrekeningen/{run_id}/indienen")
    fw.contract.provider.iban = None
    fw.contract.provider.kvk = None
    db.commit()
    login(client, fw.approver)
    response = client.post(f"/afrekeningen/{run_id}/goedkeuren")
    assert response.status_code == 409 and "is niet geldig; vul de gegevens aan" in text(response)
    assert runs(db)[0].status == "submitted"
    assert db.scalar(select(func.count()).select_from(Invoice)) == 0


def test_a_second_run_shows_corrections_and_the_credit_note_links_what_it_corrects(db, client, fw):
    issue(client, fw)
    first = db.scalars(select(Invoice).order_by(Invoice.id)).all()
    revoke(db, "M0005", date(2028, 3, 31))
    db.commit()
    login(client, fw.preparer)
    html = text(client.get(f"/afrekeningen/nieuw?contract={CONTRACT}&peildatum=02-04-2028"))
    assert "Goedkeuring ingetrokken" in html and "Correctie" in html and "Creditnota" in html
    assert "€ -3.872,00" in html
    issue(client, fw, "2028-04-02")
    note = db.scalars(select(Invoice).where(Invoice.kind == "credit_note").order_by(Invoice.id)).first()
    html = text(client.get(f"/facturen/{note.id}"))
    assert f'<a href="/facturen/{first[0].id}">Factuur {first[0].display_number}</a>' in html
    assert "Terugbetaald" in html and "bijvoorbeeld -3.872,00" in html
    html = text(client.get(f"/facturen/{first[0].id}"))
    assert f'<a href="/facturen/{note.id}">Creditnota {note.display_number}</a>' in html


def test_a_payment_is_recorded_from_the_invoice_page_and_refusals_stay_on_it(db, client, fw):
    issue(client, fw)
    invoice = db.scalar(select(Invoice).order_by(Invoice.id))
    url = f"/facturen/{invoice.id}/betalingen"
    response = client.post(url, data={"paid_on": "02-04-2028", "amount": "6.000,00", "reference": "Afschrift 7"})
    assert response.status_code == 400
    assert "Het bedrag is meer dan er openstaat (€ 5.808,00)." in text(response)
    response = client.post(url, data={"paid_on": "", "amount": "", "reference": ""})
    assert response.status_code == 400 and "Vul de betaaldatum in." in text(response)
    assert db.scalar(select(func.count()).select_from(Payment)) == 0
    response = client.post(url, data={"paid_on": "02-04-2028", "amount": "5.000,00", "reference": "Afschrift 7"})
    assert response.status_code == 302
    html = text(client.get(f"/facturen/{invoice.id}"))
    assert "Betaling van € 5.000,00 op 02-04-2028 is geregistreerd." in html and "€ 808,00" in html
    html = text(client.get("/facturen?open=open"))
    assert invoice.display_number in html and "€ 808,00" in html
    client.post(url, data={"paid_on": "02-04-2028", "amount": "808,00", "reference": "Afschrift 8"})
    assert invoice.display_number not in text(client.get("/facturen?open=open"))
    assert invoice.display_number in text(client.get("/facturen?open=paid"))
    login(client, fw.bureau)
    assert client.post(url, data={"paid_on": "02-04-2028", "amount": "1,00", "reference": "x"}).status_code == 403


def test_the_lists_filter_and_page(app, db, client, fw):
    issue(client, fw)
    draft(client, fw, "2028-04-01")
    app.config["PAGE_SIZE"] = 1
    login(client, fw.approver)
    html = text(client.get("/afrekeningen"))
    assert "Pagina 1 van 2" in html and "Concept" in html  # newest first
    html = text(client.get("/afrekeningen?status=issued"))
    assert "Gefactureerd" in html and "1 afrekening gevonden" in html
    assert "€ 8.800,00" in html
    html = text(client.get("/facturen?kind=invoice&page=2"))
    assert "Pagina 2 van 2" in html and 'rel="prev"' in html and "kind=invoice" in html
    assert text(client.get("/facturen?kind=credit_note")).count("<tbody>") == 0
    assert client.get("/facturen?contract=abc").status_code == 400


def test_exports_download_as_csv_and_are_recorded(db, client, fw):
    run_id = issue(client, fw)
    response = client.get(f"/afrekeningen/{run_id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    filename = f"afrekening-{CONTRACT}-2028-03-31-{run_id}.csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.get_data().startswith("\ufeff".encode()) and "M0001;T001;0361" in text(response)
    response = client.get(f"/exports/esf.csv?contract={CONTRACT}&van=01-01-2026&tot=31-12-2026")
    assert response.status_code == 200 and "C001;T001;0361" in text(response)
    assert "esf-deelnemers-NK-DB-2026-01-van-2026-01-01-tot-2026-12-31.csv" in response.headers["Content-Disposition"]
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"settlement_run.exported", "contract.esf_exported"} <= actions
    response = client.get(f"/exports/esf.csv?contract={CONTRACT}&van=31-12-2026&tot=01-01-2026")
    assert response.status_code == 400 and "deze datum ligt vóór de begindatum" in text(response)
    assert "<h1>Exports</h1>" in text(client.get("/exports"))


def test_the_start_page_links_the_finance_work_and_the_menu_has_the_finance_pages(client, fw):
    login(client, fw.preparer)
    html = text(client.get("/start"))
    assert '<a href="/afrekeningen?status=submitted" data-count="0">Afrekeningen ter goedkeuring' in html
    assert '<a href="/facturen" data-count="0">Gefactureerde documenten' in html
    assert '<a href="/exports">Exports</a>' in html


def test_saving_without_a_valid_peildatum_shows_the_form_again(db, client, fw):
    login(client, fw.preparer)
    response = client.post("/afrekeningen/nieuw", data={"contract": CONTRACT, "peildatum": ""})
    assert response.status_code == 400 and "Vul de peildatum in." in text(response)
    response = client.post("/afrekeningen/nieuw", data={"contract": CONTRACT, "peildatum": "2028-04-03"})
    assert response.status_code == 400 and "de datum ligt in de toekomst" in text(response)
    assert runs(db) == []
