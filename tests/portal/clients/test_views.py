"""The client-fact pages: bad input is a 422 with a Dutch message naming the field, and nothing is stored."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.models import ActivationResult, ClientFact, ClientProfile, EsfParticipant, LadderMeasurement

from ... import factories as f
from ..trajectories.conftest import login


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def trajectory(db, tw):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 2, 1))
    db.commit()  # a refused request rolls back its own transaction, not the test's world
    return trajectory


def test_the_klantmanager_records_a_dated_fact_and_sees_its_history(client, db, tw, trajectory, today):
    login(client, tw.klantmanager)
    response = client.post(f"/clienten/{trajectory.client_id}/feiten",
                           data={"kind": "target_group", "value": "jongere", "valid_from": "01-03-2026"})
    assert response.status_code == 302
    page = client.get(f"/clienten/{trajectory.client_id}/feiten").get_data(as_text=True)
    assert "Jongere (tot 27)" in page and "01-03-2026" in page


@pytest.mark.parametrize("data, message", [
    ({"kind": "benefit", "value": "jongere", "valid_from": "2026-03-01"}, "Uitkering: ‘jongere’ is geen bekende waarde"),
    ({"kind": "benefit", "value": "ww", "valid_from": "2027-03-01"}, "Geldig vanaf: de datum 01-03-2027 ligt in de toekomst"),
    ({"kind": "benefit", "value": "ww", "valid_from": "31-02-2026"}, "Geldig vanaf: dit is geen geldige datum"),
    ({"kind": "hobby", "value": "ww", "valid_from": "2026-03-01"}, "Soort gegeven</a>: Ongeldige keuze"),
])
def test_bad_facts_are_refused_with_a_dutch_message(client, db, tw, trajectory, today, data, message):
    login(client, tw.klantmanager)
    before = count(db, ClientFact)
    response = client.post(f"/clienten/{trajectory.client_id}/feiten", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True) and count(db, ClientFact) == before


def test_the_trajectory_page_shows_the_client_as_a_person_to_the_bureau(client, db, tw, trajectory, today):
    login(client, tw.bureau)
    page = client.get(f"/trajecten/{trajectory.id}").get_data(as_text=True)
    assert "Doelgroepen (vandaag)" in page and "Overig" in page and "Participatiewet" in page
    assert "een stijging over meerdere treden is één resultaat" in page


def test_ladder_proposal_and_refusals_over_http(client, db, tw, trajectory, today):
    login(client, tw.bureau)
    response = client.post(f"/trajecten/{trajectory.id}/ladder", data={"rung": "3", "measured_on": "2026-11-01"})
    assert response.status_code == 302
    [measurement] = db.scalars(select(LadderMeasurement)).all()
    assert measurement.status == "proposed"
    response = client.post(f"/trajecten/{trajectory.id}/ladder", data={"rung": "3", "measured_on": "2026-12-01"})
    assert response.status_code == 422 and "Datum meting: 01-12-2026 ligt in de toekomst" in response.get_data(as_text=True)
    trajectory.status, trajectory.end, trajectory.end_reason = "ended", date(2026, 11, 10), "completed"
    db.commit()
    response = client.post(f"/trajecten/{trajectory.id}/ladder", data={"rung": "4", "measured_on": "2026-11-05"})
    assert response.status_code == 422 and "er kan geen meting op de participatieladder meer" in response.get_data(
        as_text=True)
    assert count(db, LadderMeasurement) == 1
    login(client, tw.klantmanager)
    response = client.post(f"/trajecten/{trajectory.id}/ladder/{measurement.id}/besluit", data={"decision": "confirm"})
    assert response.status_code == 422 and "er kan geen meting meer worden bevestigd" in response.get_data(as_text=True)


def test_activation_esf_and_admin_pages(client, db, tw, trajectory, today):
    login(client, tw.bureau)
    response = client.post(f"/trajecten/{trajectory.id}/activering", data={"kind": "mantelzorg", "start": "2026-12-01"})
    assert response.status_code == 422 and "Startdatum: 01-12-2026 ligt in de toekomst" in response.get_data(as_text=True)
    assert client.post(f"/trajecten/{trajectory.id}/activering",
                       data={"kind": "mantelzorg", "start": "2026-06-01"}).status_code == 302
    assert count(db, ActivationResult) == 1
    login(client, tw.klantmanager)
    response = client.post(f"/trajecten/{trajectory.id}/esf",
                           data={"gender": "vrouw", "isced": "3", "labour_status": "inactive", "exit_result": "in_work"})
    assert response.status_code == 422 and "Resultaat bij uitstroom: pas vast te leggen" in response.get_data(as_text=True)
    assert count(db, EsfParticipant) == 0
    admin = f.create_user(db, "admin")
    db.commit()
    login(client, admin)
    assert client.post("/beheer/clientprofielen", data={"code": "P1", "name": "Direct bemiddelbaar"}).status_code == 302
    response = client.post("/beheer/clientprofielen", data={"code": "p1", "name": "Nog een"})
    assert response.status_code == 422 and "Code: er is al een profiel met code ‘p1’" in response.get_data(as_text=True)
    assert count(db, ClientProfile) == 1
    response = client.post(f"/beheer/contracten/{tw.contract.id}/duurzame-uitstroom", data={"months": "0"})
    assert response.status_code == 422 and "Maanden aan het werk: tussen 1 en 60" in response.get_data(as_text=True)
