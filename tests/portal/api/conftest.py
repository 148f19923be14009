"""API test helpers: tokens of every kind over the access grid's two-tenant world, and a request helper."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from portal import clock
from portal.api.tokens import issue_token, revoke_token
from portal.models import ApiToken

from ... import factories as f
from ..access.test_grid import all_rows  # noqa: F401 - importing the rows registers every area's world SETUP
from ..access import world as world_module
from ..access.world import World, build_world

#: Token kinds of the grid; "_a" tokens belong to tenant A, whose objects every row asks for.
TOKEN_KINDS = ("none", "bureau_read", "bureau_write", "municipality_read", "municipality_write", "revoked",
               "expired", "bureau_b", "municipality_b")


@dataclass
class ApiWorld:
    world: World
    tokens: dict[str, str]        # kind -> secret
    token_rows: dict[str, ApiToken]


def make_tokens(db, world: World) -> tuple[dict[str, str], dict[str, ApiToken]]:
    admin = world.users["admin"]
    specs = {"bureau_read": dict(provider_id=world.provider_a.id),
             "bureau_write": dict(provider_id=world.provider_a.id, write=True),
             "municipality_read": dict(municipality_id=world.municipality_a.id),
             "municipality_write": dict(municipality_id=world.municipality_a.id, write=True),
             "revoked": dict(provider_id=world.provider_a.id, write=True),
             "expired": dict(provider_id=world.provider_a.id, write=True),
             "bureau_b": dict(provider_id=world.provider_b.id, write=True),
             "municipality_b": dict(municipality_id=world.municipality_b.id, write=True)}
    secrets, rows = {}, {}
    for kind, spec in specs.items():
        rows[kind], secrets[kind] = issue_token(db, admin, name=f"Koppeling {kind}", **spec)
    revoke_token(db, admin, rows["revoked"])
    rows["expired"].expires_at = clock.now() - timedelta(seconds=1)
    db.flush()
    return secrets, rows


def _api_world(db) -> ApiWorld:
    world = build_world(db)
    secrets, rows = make_tokens(db, world)
    db.commit()
    return ApiWorld(world, secrets, rows)


@pytest.fixture
def full_api_world(db) -> ApiWorld:
    """The grid's world with every area's objects (issued runs, invoices, an objection)."""
    return _api_world(db)


@pytest.fixture
def api_world(db, monkeypatch) -> ApiWorld:
    """The two tenants without the other areas' objects (no settlement runs: quicker)."""
    monkeypatch.setattr(world_module, "SETUP", [])
    return _api_world(db)


def auth(secret: str | None, **headers) -> dict:
    return ({"Authorization": f"Bearer {secret}"} if secret else {}) | headers


def pdf_file(name: str = "bewijs.pdf"):
    import io
    return (io.BytesIO(f.PDF_BYTES), name)
