"""The auditor's pages: search with keyset pages, timeline, exports, looks recorded, samples and findings."""
from __future__ import annotations

import json
from decimal import Decimal

from flask import g
from sqlalchemy import func, select

from portal.audit import record
from portal.models import AuditEvent, AuditSample, AuditSampleItem

from ... import factories as f
from .helpers import paid_population
from tests.factories import log_in


def login(client, user) -> None:
    log_in(client, user)


def _looks(db, endpoint: str) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "personal_data.viewed",
                                                                        AuditEvent.object_type == endpoint))


def test_search_pages_through_the_trail_with_a_keyset_cursor(db, client):
    auditor = f.create_user(db, "auditor")
    for n in range(120):
        record(db, None, "test.thing", "thing", n % 7, after={"n": n})
    db.commit()
    login(client, auditor)
    first = client.get("/controle/audittrail?actie=test.thing")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert html.count("<td>test.thing</td>") == 50
    cursor = html.split("na=")[1].split("&")[0].split('"')[0]
    second = client.get(f"/controle/audittrail?actie=test.thing&na={cursor}").get_data(as_text=True)
    third_cursor = second.split("na=")[1].split("&")[0].split('"')[0]
    third = client.get(f"/controle/audittrail?actie=test.thing&na={third_cursor}").get_data(as_text=True)
    assert second.count("<td>test.thing</td>") == 50 and third.count("<td>test.thing</td>") == 20
    assert "Oudere gebeurtenissen" not in third
    filtered = client.get("/controle/audittrail?type=thing&object=3&gebruiker=system").get_data(as_text=True)
    assert filtered.count("<td>test.thing</td>") == len([n for n in range(120) if n % 7 == 3])


def test_bad_search_input_is_a_dutch_message_not_an_error(db, client):
    login(client, f.create_user(db, "auditor"))
    response = client.get("/controle/audittrail?van=31-02-2026")
    assert response.status_code == 422 and "Van (datum)" in response.get_data(as_text=True)
    response = client.get("/controle/audittrail?van=01-03-2026&tot=01-02-2026")
    assert response.status_code == 422 and "einddatum" in response.get_data(as_text=True)
    assert client.get("/controle/audittrail?na=rommel").status_code == 302


def test_timeline_shows_before_and_after_of_one_object(db, client):
    consortium = f.create_consortium(db)
    one, two = (f.create_contract(db, consortium, f.create_provider(db)) for _ in range(2))
    record(db, None, "contract.changed", "contract", one.id, before={"price": "1.00"}, after={"price": "2.00"})
    record(db, None, "contract.changed", "contract", two.id, before={"price": "5.00"}, after={"price": "6.00"})
    auditor = f.create_user(db, "auditor")
    db.commit()
    login(client, auditor)
    html = client.get(f"/controle/audittrail/contract/{one.id}").get_data(as_text=True)
    assert "<td>1.00</td><td>2.00</td>" in html and "5.00" not in html


def test_exports_carry_the_chain_and_are_recorded_as_looks(db, client):
    record(db, None, "export.me", "thing", 1, after={"naam": "=HYPERLINK()"})
    auditor = f.create_user(db, "auditor")
    db.commit()
    login(client, auditor)
    body = client.get("/controle/audittrail/export.json?actie=export.me").get_data(as_text=True)
    events = json.loads(body)["events"]
    assert len(events) == 1 and len(events[0]["hash"]) == 64 and events[0]["after"] == {"naam": "=HYPERLINK()"}
    csv = client.get("/controle/audittrail/export.csv?actie=export.me").get_data(as_text=True)
    assert "export.me" in csv and events[0]["hash"] in csv
    assert _looks(db, "auditing.export_json") == 1 and _looks(db, "auditing.export_csv") == 1


def test_an_auditors_look_at_a_trajectory_is_recorded_and_it_can_change_nothing(db, client):
    consortium = f.create_consortium(db)
    municipality = f.create_municipality(db, consortium)
    trajectory = f.create_trajectory(db, f.create_contract(db, consortium, f.create_provider(db)), municipality)
    auditor = f.create_user(db, "auditor")
    db.commit()
    login(client, auditor)
    assert client.get(f"/trajecten/{trajectory.id}").status_code == 200
    assert _looks(db, "trajectories.show") == 1
    assert client.post(f"/trajecten/{trajectory.id}/beeindigen").status_code == 403
    assert client.post(f"/beoordelen/1/intrekken").status_code == 403


def test_sample_page_flow_draws_records_a_finding_and_hands_it_over(db, client):
    paid = paid_population(db, claims=4)
    db.commit()
    login(client, paid.auditor)
    response = client.post("/controle/steekproeven", data={
        "contract": str(paid.contract.id), "van": "01-01-2026", "tot": "31-12-2026", "populatie": "paid_lines",
        "methode": "mus", "betrouwbaarheid": "95", "toelaatbaar": "1.600,00", "verwacht": "0", "startwaarde": "ab"})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    sample = db.scalar(select(AuditSample).order_by(AuditSample.id.desc()))
    item = sample.items[0]
    bad = client.post(f"/controle/steekproeven/{sample.id}/posten/{item.id}",
                      data={f"item{item.id}-bevinding": "error", f"item{item.id}-afwijking": "",
                            f"item{item.id}-toelichting": "Fout."})
    assert bad.status_code == 422 and "Afwijking" in bad.get_data(as_text=True)
    ok = client.post(f"/controle/steekproeven/{sample.id}/posten/{item.id}",
                     data={f"item{item.id}-bevinding": "error", f"item{item.id}-afwijking": "100,00",
                           f"item{item.id}-toelichting": "Intake te vroeg gedeclareerd."})
    assert ok.status_code == 302
    assert db.get(AuditSampleItem, item.id).misstated == Decimal("100.00")
    assert client.post(f"/controle/steekproeven/{sample.id}/posten/{item.id}/overdragen").status_code == 302
    page = client.get(f"/controle/steekproeven/{sample.id}").get_data(as_text=True)
    assert "Overgedragen aan de contractmanagers" in page and "Maximale fout" in page
    pdf = client.get(f"/controle/steekproeven/{sample.id}/rapport.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    login(client, paid.reviewer)
    assert "Te beoordelen" in client.get("/controle/bevindingen").get_data(as_text=True)


def test_bad_sample_parameters_store_nothing(db, client):
    paid = paid_population(db, claims=2)
    db.commit()
    login(client, paid.auditor)
    before = db.scalar(select(func.count()).select_from(AuditSample))
    response = client.post("/controle/steekproeven", data={
        "contract": str(paid.contract.id), "van": "01-01-2026", "tot": "31-12-2026", "populatie": "approved_claims",
        "methode": "mus", "betrouwbaarheid": "95", "toelaatbaar": "100", "verwacht": "100"})
    assert response.status_code == 422 and "Verwachte afwijking" in response.get_data(as_text=True)
    response = client.post("/controle/steekproeven", data={"contract": "", "segment": "", "van": "x", "tot": "",
                                                           "populatie": "paid_lines", "methode": "mus",
                                                           "betrouwbaarheid": "95", "toelaatbaar": "-1",
                                                           "verwacht": "0"})
    assert response.status_code == 422
    assert db.scalar(select(func.count()).select_from(AuditSample)) == before
