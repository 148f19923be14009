"""Every API endpoint × every token kind: 401 without a valid token, 403 for the wrong kind or scope,
404 for another tenant's token on tenant A's object, and through otherwise (a success, or a refusal
of the request itself: 409 or 422, which proves the access check let it pass)."""
from __future__ import annotations

from portal.api import endpoints

from .conftest import TOKEN_KINDS, auth
from .grid_rows import PUBLIC, ROWS

THROUGH = frozenset({200, 201, 409, 422})
TENANT = {"bureau_read": "provider", "bureau_write": "provider", "bureau_b": "provider",
          "municipality_read": "municipality", "municipality_write": "municipality", "municipality_b": "municipality"}
OTHER_TENANT = frozenset({"bureau_b", "municipality_b"})


def expected(spec, row, kind: str) -> str:
    if kind in ("none", "revoked", "expired"):
        return "401"
    if TENANT[kind] not in spec.tenants:
        return "403"
    if spec.scope == "write" and kind.endswith("_read"):
        return "403"
    if kind in OTHER_TENANT and row.own_object:
        return "404"
    return "through"


def test_every_api_endpoint_has_a_row(app):
    declared = {f"api.{spec.name}" for spec in endpoints()} | {f"api.{name}" for name in PUBLIC}
    routed = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routed == declared
    assert sorted(row.name for row in ROWS) == sorted(spec.name for spec in endpoints())


def test_grid(app, full_api_world):
    api_world = full_api_world
    specs = {(spec.name, spec.method): spec for spec in endpoints()}
    client = app.test_client()
    findings = []
    for row in ROWS:
        spec = specs[(row.name, row.method)]
        for kind in TOKEN_KINDS:
            secret = api_world.tokens.get(kind)
            kwargs = {}
            if row.json:
                kwargs["json"] = row.json(api_world.world)
            if row.form:
                kwargs["data"] = row.form(api_world.world)
            response = client.open(row.url(api_world.world), method=row.method, headers=auth(secret), **kwargs)
            status = response.status_code
            got = "through" if status in THROUGH else str(status)
            want = expected(spec, row, kind)
            if got != want:
                findings.append(f"{kind} {row.method} {row.name}: {status} {response.get_data(as_text=True)[:200]}"
                                f" (expected {want})")
            if status >= 400:
                assert response.mimetype == "application/problem+json", (row.name, kind, status)
    assert findings == []
