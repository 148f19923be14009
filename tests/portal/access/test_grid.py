"""Every role × every URL: who gets through, who gets 403, and who must not even learn it exists (404)."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask import g

from . import __path__ as access_path
from .rows import Row
from tests.factories import log_in
from .world import OTHER_CONSORTIUM, ROLES, build_world


def _row_modules():
    return [importlib.import_module(f"{__package__}.{module.name}") for module in pkgutil.iter_modules(access_path)
            if module.name.startswith("rows_")]


def all_rows() -> list[Row]:
    return [row for module in _row_modules() for row in module.ROWS]


ROWS = all_rows()
#: (endpoint, method) pairs that a grid of their own covers (a module's COVERED_ELSEWHERE, e.g. the API's).
ELSEWHERE = frozenset(pair for module in _row_modules() for pair in getattr(module, "COVERED_ELSEWHERE", ()))


def test_every_endpoint_has_a_row(app):
    covered = {(r.endpoint, r.method) for r in ROWS} | ELSEWHERE
    missing = sorted((rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
                     for method in rule.methods - {"HEAD", "OPTIONS"} if (rule.endpoint, method) not in covered)
    assert missing == []


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.endpoint}")
def test_grid(app, db, row: Row):
    world = build_world(db)
    url = row.url(world)
    for role in ROLES:
        if role in OTHER_CONSORTIUM and row.expected(OTHER_CONSORTIUM[role]) != "allowed":
            continue  # the role gate is the mirrored role's, tested above; only tenancy differs once through it
        # The db fixture keeps one app context open, so Flask-Login's cached user would leak between roles.
        g.pop("_login_user", None)
        client = app.test_client()
        if role != "anonymous":
            log_in(client, world.users[role])
        response = client.open(url, method=row.method, data=row.data(world))
        status = response.status_code
        expected = row.expected(role, url)
        got = outcome(row, status, response.headers.get("Location", ""), role)
        assert got == expected, f"{role} {row.method} {url}: {status}, expected {expected}"



def outcome(row: Row, status: int, location: str, role: str) -> str:
    if status == 302 and "/login" in location and role == "anonymous":
        return "login"
    if status == 404:
        return "hidden"
    if status == 403:
        return "forbidden"
    return "allowed" if status in row.through else f"unexpected status {status}"
