"""The objection pages: the bureau files and follows its objections, the contract manager decides."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.finance.runs import start_run
from portal.models import AuditEvent, MilestoneClaim, Objection
from portal.objections.service import decide_objection, file_objection

from ... import factories as f
from .conftest import MOTIVATION, login


def fresh(db, model, id_):
    db.expire_all()
    return db.get(model, id_)


@pytest.fixture
def bureau_client(client, ow):
    login(client, ow.bureau)
    return client


@pytest.fixture
def reviewer_client(client, ow):
    login(client, ow.reviewer)
    return client


# ---------------------------------------------------------------- the bureau

def test_the_objection_form_shows_the_line_and_its_explanation(db, ow, bureau_client):
    line = ow.line(ow.late)
    db.commit()
    html = bureau_client.get(f"/bezwaren/nieuw/{line.id}").get_data(as_text=True)
    assert "Bezwaar maken tegen regel " + ow.late.ref in html
    assert "Te laat ingediend" in html and "€ 800,00" in html
    assert "na de uiterste indiendatum 04-04-2026" in html  # the engine's explanation
    assert 'name="motivation"' in html and "Ten minste 20 tekens" in html


def test_filing_an_objection_redirects_to_it(db, ow, bureau_client):
    line = ow.line(ow.late)
    db.commit()
    response = bureau_client.post(f"/bezwaren/nieuw/{line.id}", data={"motivation": MOTIVATION})
    objection = db.scalar(select(Objection))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/bezwaren/{objection.id}")
    html = bureau_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is ingediend" in html and MOTIVATION in html and "nog niet over dit bezwaar besloten" in html
    assert 'name="reason"' not in html  # the bureau sees no decision form


def test_a_short_motivation_shows_the_form_again(db, ow, bureau_client):
    line = ow.line(ow.late)
    db.commit()
    response = bureau_client.post(f"/bezwaren/nieuw/{line.id}", data={"motivation": "Klopt niet."})
    assert response.status_code == 400
    assert "ten minste 20" in response.get_data(as_text=True)
    assert db.scalar(select(Objection.id)) is None


def test_a_second_objection_is_refused_and_the_form_says_one_is_open(db, ow, bureau_client):
    line = ow.line(ow.late)
    objection = file_objection(db, ow.bureau, line, MOTIVATION)
    db.commit()
    html = bureau_client.get(f"/bezwaren/nieuw/{line.id}").get_data(as_text=True)
    assert "loopt al een bezwaar" in html and f"/bezwaren/{objection.id}" in html and 'name="motivation"' not in html
    response = bureau_client.post(f"/bezwaren/nieuw/{line.id}", data={"motivation": MOTIVATION})
    assert response.status_code == 409 and "loopt al een bezwaar" in response.get_data(as_text=True)


def test_a_payable_line_offers_no_form_and_refuses(db, ow, bureau_client):
    line = ow.line(ow.paid)
    db.commit()
    html = bureau_client.get(f"/bezwaren/nieuw/{line.id}").get_data(as_text=True)
    assert "kunt u geen bezwaar maken" in html and 'name="motivation"' not in html
    response = bureau_client.post(f"/bezwaren/nieuw/{line.id}", data={"motivation": MOTIVATION})
    assert response.status_code == 409


def test_another_bureau_gets_404_on_lines_and_objections(db, ow, client):
    line = ow.line(ow.late)
    objection = file_objection(db, ow.bureau, line, MOTIVATION)
    db.commit()
    login(client, ow.other_bureau)
    assert client.get(f"/bezwaren/nieuw/{line.id}").status_code == 404
    assert client.post(f"/bezwaren/nieuw/{line.id}", data={"motivation": MOTIVATION}).status_code == 404
    assert client.get(f"/bezwaren/{objection.id}").status_code == 404
    assert client.get("/bezwaren/nieuw/999999").status_code == 404
    html = client.get("/bezwaren/mijn").get_data(as_text=True)
    assert "U heeft geen bezwaren ingediend" in html


def test_a_line_of_a_run_not_issued_is_404_for_the_bureau(db, ow, bureau_client):
    draft = start_run(db, ow.preparer, ow.contract, ow.run.as_of)
    line = ow.line(ow.late, draft)
    db.commit()
    assert bureau_client.get(f"/bezwaren/nieuw/{line.id}").status_code == 404


def test_my_objections_lists_them_with_their_decisions(db, ow, bureau_client, today):
    rejected = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    decide_objection(db, ow.reviewer, rejected, uphold=False, reason="Geen bewijs van indiening bijgevoegd.")
    open_ = file_objection(db, ow.bureau, ow.line(ow.duplicate), MOTIVATION)
    open_.created_at = rejected.created_at + timedelta(minutes=5)
    db.commit()
    html = bureau_client.get("/bezwaren/mijn").get_data(as_text=True)
    assert html.index(f"Bezwaar {open_.id}<") < html.index(f"Bezwaar {rejected.id}<")  # newest first
    assert "Ongegrond" in html and "Geen bewijs van indiening bijgevoegd." in html
    assert "nog geen besluit" in html and "Dubbele declaratie" in html and ow.contract.code in html
    html = bureau_client.get(f"/bezwaren/{rejected.id}").get_data(as_text=True)
    assert "Ongegrond" in html and "Geen bewijs van indiening bijgevoegd." in html


# ---------------------------------------------------------------- the contract manager

def test_the_queue_shows_open_objections_first_then_the_oldest(db, ow, reviewer_client):
    decided = file_objection(db, ow.bureau, ow.line(ow.duplicate), MOTIVATION)
    decide_objection(db, ow.other_reviewer, decided, uphold=False, reason="Nee.")
    newer = file_objection(db, ow.bureau, ow.line(ow.early), MOTIVATION)
    older = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    older.created_at = newer.created_at - timedelta(days=2)
    decided.created_at = newer.created_at - timedelta(days=9)
    db.commit()
    html = reviewer_client.get("/bezwaren").get_data(as_text=True)
    positions = [html.index(f"Bezwaar {o.id}<") for o in (older, newer, decided)]
    assert positions == sorted(positions)
    assert "3 bezwaren" in html and ow.provider.name in html and "Te laat ingediend" in html


def test_the_queue_filters_by_contract_bureau_and_status(db, ow, reviewer_client):
    mine = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    db.commit()
    html = reviewer_client.get(f"/bezwaren?contract={ow.contract.id}").get_data(as_text=True)
    assert f"Bezwaar {mine.id}<" in html and f'value="{ow.contract.id}" selected' in html
    html = reviewer_client.get(f"/bezwaren?bureau={ow.other_provider.id}").get_data(as_text=True)
    assert f"Bezwaar {mine.id}<" not in html and "die aan dit filter voldoen" in html
    html = reviewer_client.get("/bezwaren?status=upheld").get_data(as_text=True)
    assert f"Bezwaar {mine.id}<" not in html
    html = reviewer_client.get("/bezwaren?status=open").get_data(as_text=True)
    assert f"Bezwaar {mine.id}<" in html


def test_the_objection_page_shows_line_claim_history_motivation_and_the_form(db, ow, reviewer_client):
    objection = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    db.commit()
    html = reviewer_client.get(f"/bezwaren/{objection.id}").get_data(as_text=True)
    assert MOTIVATION in html and ow.late.ref in html and "Te laat ingediend" in html
    assert "01-05-2026" in html and "03-02-2026" in html and "04-04-2026" in html  # submitted, date, deadline
    assert "na de uiterste indiendatum" in html  # the explanation
    assert "Gecorrigeerde indieningsdatum" in html and 'pattern="' in html
    assert 'value="uphold"' in html and 'value="reject"' in html and 'name="reason"' in html


def test_the_form_offers_the_choice_of_which_duplicate_counts(db, ow, reviewer_client):
    objection = file_objection(db, ow.bureau, ow.line(ow.duplicate), MOTIVATION)
    db.commit()
    html = reviewer_client.get(f"/bezwaren/{objection.id}").get_data(as_text=True)
    assert f'value="count:{ow.paid.id}"' in html and "wordt ingetrokken" in html
    assert 'name="corrected_date"' not in html
    response = reviewer_client.post(f"/bezwaren/{objection.id}/besluit", data={
        "decision": "uphold", "reason": "De eerste intake was dubbel.", "correction": f"count:{ow.paid.id}"})
    assert response.status_code == 302
    assert fresh(db, MilestoneClaim, ow.paid.id).review == "rejected"


def test_upholding_through_the_page_corrects_the_claim(db, ow, reviewer_client):
    objection = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    db.commit()
    response = reviewer_client.post(f"/bezwaren/{objection.id}/besluit", data={
        "decision": "uphold", "reason": "Bevestigingsmail van 20-03 gezien.", "corrected_date": "2026-03-20"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/bezwaren")
    assert fresh(db, Objection, objection.id).status == "upheld"
    assert fresh(db, MilestoneClaim, ow.late.id).submitted == date(2026, 3, 20)
    html = reviewer_client.get("/bezwaren").get_data(as_text=True)
    assert "gegrond verklaard" in html and "volgende afrekening rekent ermee" in html


def test_a_correction_that_does_not_cure_warns(db, ow, reviewer_client):
    objection = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    db.commit()
    reviewer_client.post(f"/bezwaren/{objection.id}/besluit", data={
        "decision": "uphold", "reason": "Deels.", "corrected_date": "20-04-2026"})
    html = reviewer_client.get("/bezwaren").get_data(as_text=True)
    assert "ook zo is de declaratie te laat" in html


@pytest.mark.parametrize("data, status, message", [
    ({"decision": "uphold", "reason": "Terecht."}, 400, "Vul de gecorrigeerde indieningsdatum in"),
    ({"decision": "uphold", "reason": "Terecht.", "corrected_date": "2026-05-02"}, 400, "tussen 03-02-2026"),
    ({"decision": "uphold", "reason": "Terecht.", "corrected_date": "morgen"}, 400, "geen geldige datum"),
    ({"decision": "uphold", "reason": ""}, 400, "Geef de reden van het besluit"),
    ({"reason": "Terecht."}, 400, "Kies gegrond of ongegrond"),
    ({"decision": "reject", "reason": "Nee.", "corrected_date": "2026-03-20"}, 400, "alleen bij een gegrond"),
])
def test_a_decision_the_rules_refuse_shows_the_page_again(db, ow, reviewer_client, data, status, message):
    objection = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    db.commit()
    response = reviewer_client.post(f"/bezwaren/{objection.id}/besluit", data=data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert fresh(db, Objection, objection.id).status == "open"
    assert fresh(db, MilestoneClaim, ow.late.id).submitted == date(2026, 5, 1)


def test_deciding_twice_is_a_conflict(db, ow, reviewer_client):
    objection = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    decide_objection(db, ow.other_reviewer, objection, uphold=False, reason="Nee.")
    db.commit()
    html = reviewer_client.get(f"/bezwaren/{objection.id}").get_data(as_text=True)
    assert 'name="reason"' not in html and "Ongegrond" in html
    response = reviewer_client.post(f"/bezwaren/{objection.id}/besluit", data={"decision": "reject", "reason": "x"})
    assert response.status_code == 409 and "al ongegrond" in response.get_data(as_text=True)


def test_whoever_filed_sees_no_decision_form(db, ow, client):
    both = f.create_legacy_dual_role_user(db, ow.provider)
    objection = file_objection(db, both, ow.line(ow.late), MOTIVATION)
    db.commit()
    login(client, both)
    html = client.get(f"/bezwaren/{objection.id}").get_data(as_text=True)
    assert "zelf ingediend" in html and 'name="reason"' not in html
    response = client.post(f"/bezwaren/{objection.id}/besluit", data={"decision": "reject", "reason": "Nee."})
    assert response.status_code == 409 and fresh(db, Objection, objection.id).status == "open"


def test_the_decision_is_audited_once_and_committed(db, ow, reviewer_client):
    objection = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    db.commit()
    reviewer_client.post(f"/bezwaren/{objection.id}/besluit", data={
        "decision": "uphold", "reason": "Aangetoond.", "corrected_date": "2026-03-20"})
    db.expire_all()
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == ow.reviewer.id)).all()
    assert sorted(actions) == ["claim.corrected", "objection.upheld"]


def test_the_start_page_and_menu_lead_to_the_objections(db, ow, reviewer_client, client):
    file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    db.commit()
    html = reviewer_client.get("/start").get_data(as_text=True)
    assert 'href="/bezwaren?status=open" data-count="1">Open bezwaren' in html
    assert '<a href="/bezwaren">Bezwaren</a>' in html
