"""The klantmanager edits a client's name and contact details (audited, without the values); the BSN stays."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from portal.models import AuditEvent

from ... import factories as f
from ..access.world import build_world


def _client(app, user):
    g.pop("_login_user", None)
    client = app.test_client()
    f.log_in(client, user)
    return client


def test_the_klantmanager_edits_name_and_contact_but_not_the_bsn(app, db):
    w = build_world(db)
    db.commit()
    person = w.trajectory_a.client
    bsn_hash, url = person.bsn_hash, f"/clienten/{person.id}/gegevens"
    browser = _client(app, w.users["klantmanager_a"])
    assert person.last_name in browser.get(url).get_data(as_text=True)

    response = browser.post(url, data={"first_name": "Anna", "last_name": "Jansen", "phone": "bel me",
                                       "email": "anna@"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Telefoonnummer</a>: alleen cijfers" in page and "Telefoonnummer: Telefoonnummer" not in page
    assert "E-mailadres</a>: dit is geen geldig e-mailadres" in page

    response = browser.post(url, data={"first_name": "Anna", "last_name": "Jansen", "phone": "06 12345678",
                                       "email": "", "bsn": "111222333"})
    assert response.status_code == 302
    db.expire_all()
    assert (person.first_name, person.last_name, person.phone, person.email) == ("Anna", "Jansen", "06 12345678",
                                                                                  None)
    assert person.bsn_hash == bsn_hash
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "client.updated"))
    assert event.after == {"changed": ["first_name", "last_name", "phone"]} and "Jansen" not in str(event.after)
    assert _client(app, w.users["klantmanager_b"]).get(url).status_code == 404
    assert _client(app, w.users["provider_a"]).get(url).status_code == 403
