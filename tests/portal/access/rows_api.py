"""Grid rows of the API's pages: the admin's token page and the public API documentation.

The token-authenticated endpoints under /api/v1 have a grid of their own (every endpoint × every
token kind, tests/portal/api/test_access_grid.py); they are listed here as COVERED_ELSEWHERE so
that the completeness check knows them, and a session login gets none of them (401).
"""
from portal.api import endpoints
from portal.api.tokens import issue_token

from .rows import EVERYONE, Row
from .world import SETUP

ADMIN = frozenset({"admin"})



def _token_for_bureau_a(world, db) -> None:
    world.extra["api_token"], _ = issue_token(db, world.users["admin"], name="Grid", provider_id=world.provider_a.id)


SETUP.append(_token_for_bureau_a)

ROWS = [
    Row("api_tokens.index", "GET", lambda w: "/beheer/api-tokens", ADMIN),
    Row("api_tokens.issue", "POST", lambda w: "/beheer/api-tokens", ADMIN,
        data=lambda w: {"name": "Koppeling", "tenant": f"p{w.provider_a.id}"}),
    Row("api_tokens.revoke", "POST", lambda w: f"/beheer/api-tokens/{w.extra['api_token'].id}/intrekken", ADMIN),
    Row("api.openapi", "GET", lambda w: "/api/v1/openapi.json", EVERYONE, public=True),
    Row("api.documentation", "GET", lambda w: "/api/v1/docs", EVERYONE, public=True),
]
COVERED_ELSEWHERE = frozenset((f"api.{spec.name}", spec.method) for spec in endpoints())
