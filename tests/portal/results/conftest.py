"""Two bureaus competing in directe bemiddeling, two municipalities, placements for bureau A only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from ... import factories as f
from tests.factories import log_in

AS_OF = date(2026, 9, 30)


@dataclass
class Segment:
    consortium: object
    alkmaar: object
    bergen: object
    bureau_a: object
    bureau_b: object
    contract_a: object
    contract_b: object
    users: dict


def login(client, user) -> None:
    log_in(client, user)


@pytest.fixture
def segment(db):
    consortium = f.create_consortium(db)
    alkmaar = f.create_municipality(db, consortium, "Alkmaar")
    bergen = f.create_municipality(db, consortium, "Bergen")
    bureau_a, bureau_b = f.create_provider(db, "Bureau Alfa"), f.create_provider(db, "Bureau Beta")
    contract_a = f.create_contract(db, consortium, bureau_a)
    contract_b = f.create_contract(db, consortium, bureau_b)
    # Bureau A: 10 trajectories, 3 placed (Alkmaar 6, Bergen 4); bureau B: 6 trajectories, none placed.
    for i in range(10):
        t = f.create_trajectory(db, contract_a, alkmaar if i < 6 else bergen, start=date(2026, 2, 1))
        if i < 3:
            f.create_claim(db, t, "placement", happened=date(2026, 4, 1), submitted=date(2026, 4, 5),
                           review="approved", reviewed=date(2026, 4, 10))
    for i in range(6):
        f.create_trajectory(db, contract_b, alkmaar, start=date(2026, 3, 1))
    users = {
        "bureau_a": f.create_user(db, "provider", provider=bureau_a),
        "bureau_b": f.create_user(db, "provider", provider=bureau_b),
        "reviewer": f.create_user(db, "reviewer"),
        "admin": f.create_user(db, "admin"),
        "klantmanager_bergen": f.create_user(db, "klantmanager", municipality=bergen),
    }
    db.commit()
    as_if_committed(db)
    return Segment(consortium, alkmaar, bergen, bureau_a, bureau_b, contract_a, contract_b, users)


def as_if_committed(db) -> None:
    """End "this transaction" for the data-version triggers, as a real commit would.

    Tests run inside one outer transaction (rolled back at the end). On PostgreSQL the triggers bump
    a contract once per transaction and the cache never stores what the bumping transaction computes
    afterwards; forgetting the transaction-local marks lets a test see what the next request would.
    """
    from sqlalchemy import text
    from portal.results.cache import BUMPED
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT set_config(:prefix || id, '', true) FROM contract"), {"prefix": BUMPED})
