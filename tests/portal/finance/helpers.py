"""Set-ups for finance tests: a worked example in the database, users, and a frozen 'today'."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import settlement
from sqlalchemy import select

from portal import clock
from portal.finance.facts import load_contract
from portal.models import Consortium, MilestoneClaim, Municipality, Provider, Review
from portal.scenarios.importer import import_scenario
from ... import factories as f

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"


def import_example(db, name: str = "01-basic"):
    """Import a worked example; return its parsed scenario and its (first) contract row."""
    scenario = settlement.parse_scenario(json.loads((SCENARIOS / f"{name}.json").read_text()))
    import_scenario(db, scenario)
    complete_addresses(db)
    return scenario, load_contract(db, scenario.contracts[0].code)


def complete_addresses(db) -> None:
    """A scenario has no addresses; an e-invoice needs them (NLCIUS), as an administrator would fill them."""
    for party in [*db.scalars(select(Municipality)), *db.scalars(select(Provider)), *db.scalars(select(Consortium))]:
        party.street, party.postcode, party.city = "Stationsweg 1", "1811 AA", party.city or "Alkmaar"
        if isinstance(party, Municipality):
            party.kvk = party.kvk or f"5{party.cbs_code}123"


def freeze_today(monkeypatch, day: date) -> None:
    monkeypatch.setattr(clock, "today", lambda: day)


def finance_pair(db):
    return f.create_user(db, "finance"), f.create_user(db, "finance")


def revoke(db, ref: str, day: date) -> None:
    """What a reviewer's revocation does to the facts: the approval is gone (see portal.review)."""
    claim = db.scalar(select(MilestoneClaim).where(MilestoneClaim.ref == ref))
    claim.review, claim.reviewed = "rejected", day
    db.add(Review(claim_id=claim.id, decision="revoked", reason_text="Audit", decided_on=day,
                  decided_at=clock.now()))
    db.flush()
