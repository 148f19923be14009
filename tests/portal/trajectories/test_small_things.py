"""Small things users noticed: dates typed the same in every browser, one label per error, neutral end reasons named,
the filter showing only the klantmanager's municipality, and the favicon."""
from __future__ import annotations

from datetime import date

from portal.models import ExcludedEndReason, Trajectory

from ... import factories as f
from .conftest import login


def test_dates_are_text_typed_dd_mm_jjjj_and_parsed_on_the_server(db, tw, client, today):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, start=date(2026, 2, 1))
    db.add(ExcludedEndReason(contract_id=tw.contract.id, end_reason="moved"))
    db.commit()
    login(client, tw.klantmanager)
    url = f"/trajecten/{trajectory.id}/beeindigen"
    html = client.get(url).get_data(as_text=True)
    assert 'type="date"' not in html and 'id="end"' in html and 'inputmode="numeric"' in html
    assert "Neutraal voor de prestatienorm van dit contract: Verhuisd" in html
    assert "Verhuisd (neutraal voor de norm)" in html and "Overleden (neutraal" not in html

    refused = client.post(url, data={"end": "12/31/2026", "reason": "moved"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Einddatum</a>: dit is geen geldige datum (dd-mm-jjjj)." in page and "Einddatum: Einddatum" not in page
    assert client.post(url, data={"end": "31-10-2026", "reason": "moved"}).status_code == 302
    db.expire_all()
    assert db.get(Trajectory, trajectory.id).end == date(2026, 10, 31)


def test_the_klantmanager_filters_on_its_own_municipality_only(db, tw, client):
    db.commit()
    login(client, tw.klantmanager)
    html = client.get("/trajecten").get_data(as_text=True)
    assert f">{tw.municipality.name}</option>" in html and f">{tw.other_municipality.name}</option>" not in html
    login(client, tw.reviewer)
    assert f">{tw.other_municipality.name}</option>" in client.get("/trajecten").get_data(as_text=True)


def test_every_page_has_the_favicon(db, tw, client):
    db.commit()
    login(client, tw.bureau)
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/start").get_data(as_text=True)
    assert client.get("/static/favicon.svg").status_code == 200
