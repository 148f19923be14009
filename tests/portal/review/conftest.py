"""A small review world: two bureaus with a contract each, a bureau user who submits, two reviewers."""
from __future__ import annotations


import hashlib
from dataclasses import dataclass
from datetime import date

import pytest

from portal import clock
from portal.models import Contract, EvidenceFile, MilestoneClaim, Municipality, Provider, Trajectory, User

from ... import factories as f
from tests.factories import log_in

TODAY = date(2026, 11, 20)  # a Friday


@dataclass
class ReviewWorld:
    municipality: Municipality
    provider_a: Provider
    provider_b: Provider
    contract_a: Contract
    contract_b: Contract
    trajectory_a: Trajectory
    trajectory_b: Trajectory
    bureau_user: User
    reviewer: User
    other_reviewer: User


@pytest.fixture
def today(monkeypatch) -> date:
    """Fix the business date: the service and the views ask portal.clock.today()."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def rw(db) -> ReviewWorld:
    consortium = f.create_consortium(db)
    municipality = f.create_municipality(db, consortium)
    provider_a = f.create_provider(db, "Werkkracht Noord BV")
    provider_b = f.create_provider(db, "Stap Verder BV")
    contract_a = f.create_contract(db, consortium, provider_a)
    contract_b = f.create_contract(db, consortium, provider_b)
    return ReviewWorld(
        municipality, provider_a, provider_b, contract_a, contract_b,
        f.create_trajectory(db, contract_a, municipality), f.create_trajectory(db, contract_b, municipality),
        f.create_user(db, "provider", provider=provider_a), f.create_user(db, "reviewer"),
        f.create_user(db, "reviewer"))


def add_evidence(db, claim: MilestoneClaim, filename: str = "loonstrook.pdf", kind: str = "payslip") -> EvidenceFile:
    evidence = EvidenceFile(claim_id=claim.id, kind=kind, filename=filename, content_type="application/pdf",
                            size=2048, sha256=hashlib.sha256(filename.encode() + str(claim.id).encode()).hexdigest(),
                            uploaded_at=clock.now())
    db.add(evidence)
    db.flush()
    return evidence


def login(client, user) -> None:
    log_in(client, user)
