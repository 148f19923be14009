"""A small world for the klantmanager and the bureau: one consortium, two municipalities, two bureaus."""
from __future__ import annotations


from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from flask import g

from portal import clock
from portal.evidence.storage import Upload
from portal.models import Consortium, Contract, Municipality, Provider, StoredBlob, User

from ... import factories as f
from tests.factories import log_in

TODAY = date(2026, 11, 20)


@dataclass
class TrajectoryWorld:
    consortium: Consortium
    municipality: Municipality
    other_municipality: Municipality
    provider: Provider
    other_provider: Provider
    contract: Contract
    other_contract: Contract
    bureau: User
    other_bureau: User
    klantmanager: User
    other_klantmanager: User
    reviewer: User


@pytest.fixture
def today(monkeypatch) -> date:
    """Fix the business date: services and views ask portal.clock.today()."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def tw(db) -> TrajectoryWorld:
    consortium = f.create_consortium(db)
    municipality = f.create_municipality(db, consortium, "Alkmaar")
    other_municipality = f.create_municipality(db, consortium, "Bergen")
    provider = f.create_provider(db, "Werkkracht Noord BV")
    other_provider = f.create_provider(db, "Stap Verder BV")
    contract = f.create_contract(db, consortium, provider)
    other_contract = f.create_contract(db, consortium, other_provider)
    return TrajectoryWorld(
        consortium, municipality, other_municipality, provider, other_provider, contract, other_contract,
        f.create_user(db, "provider", provider=provider), f.create_user(db, "provider", provider=other_provider),
        f.create_user(db, "klantmanager", municipality=municipality),
        f.create_user(db, "klantmanager", municipality=other_municipality), f.create_user(db, "reviewer"))


@pytest.fixture
def storage(app):
    """The app's file storage (the database backend, as configured by default)."""
    return app.extensions["storage"]


def stored_keys(db) -> list[str]:
    """The keys of every file in the database storage."""
    return sorted(db.scalars(select(StoredBlob.key)))


def login(client, user) -> None:
    log_in(client, user)


def pdf(name: str = "loonstrook.pdf", data: bytes = f.PDF_BYTES) -> Upload:
    return Upload(name, data)
