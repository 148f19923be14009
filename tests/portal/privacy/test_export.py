"""The functioneel beheerder: find a client, the inzage export (JSON and PDF, audited, not cached), transfers."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Client

from ... import factories as f
from ..trajectories.conftest import login, today, tw  # noqa: F401 (fixtures)

BSN = "111222333"


@pytest.fixture
def admin(client, tw, db):
    user = f.create_user(db, "admin")
    db.commit()
    login(client, user)
    return client


@pytest.fixture
def person(db, tw):
    person = f.create_client(db, tw.municipality, bsn=BSN, first_name="Sanne", last_name="Vermeulen",
                             birth_date=date(1990, 2, 28))
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="ended", end=date(2026, 6, 1),
                                     end_reason="work", end_note="Sanne werkt nu bij de bakker.")
    trajectory.client_id = person.id
    f.create_claim(db, trajectory, "intake", note="Intake met Sanne gehouden.")
    db.commit()
    return person


def events(db, action: str) -> list[AuditEvent]:
    return db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_the_admin_finds_a_client_by_number_or_by_bsn_and_the_bsn_search_is_audited(db, admin, person):
    page = admin.get("/beheer/")
    assert "/beheer/clienten" in page.get_data(as_text=True)
    assert admin.get(f"/beheer/clienten?nummer={person.ref.lower()}").headers["Location"].endswith(
        f"/beheer/clienten/{person.id}")
    missing = admin.get("/beheer/clienten?nummer=C999999")
    assert missing.status_code == 422 and "Cliëntnummer: er is geen cliënt" in missing.get_data(as_text=True)
    found = admin.post("/beheer/clienten", data={"bsn": "111.222.333"})
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/beheer/clienten/{person.id}")
    assert [e.after["purpose"] for e in events(db, "client.bsn_lookup")] == ["admin_search"]
    page = admin.get(f"/beheer/clienten/{person.id}")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert "Inzage als PDF" in page.get_data(as_text=True) and BSN not in page.get_data(as_text=True)


def test_the_inzage_export_holds_all_data_about_the_client_as_json_and_pdf(db, admin, person):
    response = admin.get(f"/beheer/clienten/{person.id}/inzage.json")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert f"inzage-{person.ref}.json" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert (data["client"]["bsn"], data["client"]["last_name"], data["client"]["birth_date"]) == (
        BSN, "Vermeulen", "1990-02-28")
    assert data["trajectories"][0]["end_note"] == "Sanne werkt nu bij de bakker."
    assert data["claims"][0]["note"] == "Intake met Sanne gehouden."
    assert "client.registered" in {row["action"] for row in data["processing"]}
    pdf = admin.get(f"/beheer/clienten/{person.id}/inzage.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    assert "no-store" in pdf.headers["Cache-Control"]
    assert [e.after["format"] for e in events(db, "client.exported")] == ["json", "pdf"]
    assert all(e.object_id == str(person.id) for e in events(db, "client.exported"))


def test_the_pdf_export_fetches_no_url(db, admin, person, monkeypatch):
    """A name that looks like markup stays text: the locked-down fetcher is never asked for anything."""
    from portal.invoicing import pdf as invoice_pdf
    asked = []
    monkeypatch.setattr(invoice_pdf.AssetFetcher, "fetch", lambda self, url, headers=None: asked.append(url))
    db.get(Client, person.id).last_name = '<img src="http://example.org/x.png">'
    db.commit()
    assert admin.get(f"/beheer/clienten/{person.id}/inzage.pdf").status_code == 200
    assert asked == []


def test_a_transfer_moves_the_client_within_the_consortium_and_is_audited(db, tw, admin, person):
    elsewhere = f.create_municipality(db, f.create_consortium(db, "HR"), "Leiden")
    db.commit()
    refused = admin.post(f"/beheer/clienten/{person.id}/overdracht", data={"municipality_id": str(elsewhere.id)})
    assert refused.status_code == 422 and "hetzelfde samenwerkingsverband" in refused.get_data(as_text=True)
    junk = admin.post(f"/beheer/clienten/{person.id}/overdracht", data={"municipality_id": "99999999999999"})
    assert junk.status_code == 422 and "Gemeente: kies een gemeente" in junk.get_data(as_text=True)
    done = admin.post(f"/beheer/clienten/{person.id}/overdracht",
                      data={"municipality_id": str(tw.other_municipality.id)})
    assert done.status_code == 302
    db.expire_all()
    assert db.get(Client, person.id).municipality_id == tw.other_municipality.id
    [event] = events(db, "client.transferred")
    assert (event.before, event.after) == ({"municipality_id": tw.municipality.id},
                                           {"municipality_id": tw.other_municipality.id})


def test_a_client_with_a_running_trajectory_is_not_transferred(db, tw, admin):
    running = f.create_trajectory(db, tw.contract, tw.municipality)
    db.commit()
    response = admin.post(f"/beheer/clienten/{running.client_id}/overdracht",
                          data={"municipality_id": str(tw.other_municipality.id)})
    assert response.status_code == 422 and "lopend traject" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Client, running.client_id).municipality_id == tw.municipality.id
