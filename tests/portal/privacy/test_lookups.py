"""BSN look-ups: one client per BSN whatever its notation, a neutral answer for a BSN known elsewhere,
every look-up audited without the BSN, limited per user in the database, and no BSN or name in the logs."""
from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.models import AuditEvent, BsnLookup, Client

from ... import factories as f
from ..trajectories.conftest import login, today, tw  # noqa: F401 (fixtures)

BSN = "111222333"
SPELLINGS = ("111.222.333", "１１１２２２３３３", "111 222-333")
REGISTRATION = {"first_name": "Sanne", "last_name": "Vermeulen-Privé", "birth_date": "28-02-1990",
                "target_group": "overig", "benefit": "participatiewet"}


@pytest.fixture
def km(client, tw, db):
    db.commit()
    login(client, tw.klantmanager)
    return client


def clients(db) -> int:
    return db.scalar(select(func.count()).select_from(Client))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_bsn_with_dots_or_full_width_digits_finds_the_client_and_never_registers_a_second(db, tw, km, spelling):
    existing = f.create_client(db, tw.municipality, bsn=BSN)
    db.commit()
    before = clients(db)
    found = km.post("/aanmelden", data={"bsn": spelling})
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/clienten/{existing.id}")
    registered = km.post("/clienten/nieuw", data={"bsn": spelling, **REGISTRATION})
    assert registered.status_code == 302 and registered.headers["Location"].endswith(f"/clienten/{existing.id}")
    assert clients(db) == before


def test_a_bsn_known_in_another_municipality_gets_one_neutral_answer(db, tw, km):
    other = f.create_client(db, tw.other_municipality, bsn=BSN)
    db.commit()
    before = clients(db)
    search = km.post("/aanmelden", data={"bsn": "111.222.333"})
    register = km.post("/clienten/nieuw", data={"bsn": BSN, **REGISTRATION})
    unknown_elsewhere = [r.get_data(as_text=True) for r in (search, register)]
    assert search.status_code == register.status_code == 422 and clients(db) == before
    for page in unknown_elsewhere:
        assert "functioneel beheerder" in page
        assert tw.other_municipality.name not in page and "andere gemeente" not in page and other.ref not in page


def test_every_look_up_is_audited_with_a_hash_prefix_never_the_bsn(db, tw, km):
    f.create_client(db, tw.other_municipality, bsn=BSN)
    db.commit()
    km.post("/aanmelden", data={"bsn": BSN})
    km.post("/aanmelden", data={"bsn": "123456782"})
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "client.bsn_lookup")
                        .order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.after["purpose"], e.after["outcome"]) for e in events] == [
        (tw.klantmanager.id, "search", "elsewhere"), (tw.klantmanager.id, "search", "unknown")]
    stored = json.dumps([(e.object_id, e.before, e.after) for e in events])
    assert BSN not in stored and "123456782" not in stored
    assert all(len(e.after["bsn_ref"]) == 12 for e in events)


def test_look_ups_are_limited_per_user_in_the_database(app, db, tw, km):
    app.config["BSN_LOOKUPS_PER_HOUR"] = 3
    client = f.create_client(db, tw.municipality, bsn=BSN)
    # Two look-ups another worker (or node) counted in this hour, and one from yesterday that no longer counts.
    now = clock.now()
    db.add_all([BsnLookup(user_id=tw.klantmanager.id, at=now - timedelta(minutes=m), purpose="search")
                for m in (5, 50)] + [BsnLookup(user_id=tw.klantmanager.id, at=now - timedelta(hours=2),
                                                purpose="search")])
    db.commit()
    assert km.post("/aanmelden", data={"bsn": BSN}).status_code == 302  # the third in this hour
    refused = km.post("/aanmelden", data={"bsn": BSN})
    assert refused.status_code == 429
    assert "het maximum" in refused.get_data(as_text=True) and "BSN" in refused.get_data(as_text=True)
    registering = km.post("/clienten/nieuw", data={"bsn": "123456782", **REGISTRATION})
    assert registering.status_code == 429 and clients(db) == 1
    assert db.scalar(select(func.count()).select_from(AuditEvent)
                     .where(AuditEvent.action == "client.bsn_lookup_refused")) == 2
    # Another klantmanager has their own allowance.
    other = app.test_client()
    login(other, tw.other_klantmanager)
    assert other.post("/aanmelden", data={"bsn": "123456782"}).status_code == 200
    assert client.id


def test_registration_and_look_up_log_neither_bsn_nor_name(db, tw, km, caplog):
    f.create_client(db, tw.other_municipality, bsn="123456782")
    db.commit()
    caplog.set_level(logging.DEBUG)
    km.post("/clienten/nieuw", data={"bsn": BSN, **REGISTRATION})
    km.post("/aanmelden", data={"bsn": "111.222.333"})
    km.post("/aanmelden", data={"bsn": "１２３４５６７８２"})
    km.post("/clienten/nieuw", data={"bsn": "123456782", **REGISTRATION})
    assert db.scalar(select(Client).where(Client.last_name == REGISTRATION["last_name"])) is not None
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for secret in (BSN, "111.222.333", "123456782", REGISTRATION["last_name"], "Sanne"):
        assert secret not in logged
