"""API tokens: issued by an admin for one bureau or one municipality, shown once, stored as a SHA-256 hash.

Each token acts through a service user of its own (role provider or klantmanager, its tenant's id), so
the services and `portal.access` treat a token exactly as they treat a person of that bureau or
municipality, and every change it makes is in the audit trail under the token's own name.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record
from ..models import ApiToken, Municipality, Provider, RoleGrant, User
from ..models.api import ApiRateWindow

PREFIX = "rp_"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SCOPES = {"read": "read", "write": "read write"}


class TokenRefused(ValueError):
    """The token cannot be issued as asked; `field` names the input (Dutch message)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "token"


def issue_token(session: Session, actor: User, *, name: str, provider_id: int | None = None,
                municipality_id: int | None = None, write: bool = False,
                expires_on: date | None = None) -> tuple[ApiToken, str]:
    """Create a token and its service user; return the token and the secret (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise TokenRefused("Geef het token een naam (bijvoorbeeld het systeem dat het gebruikt).", "name")
    if (provider_id is None) == (municipality_id is None):
        raise TokenRefused("Kies één re-integratiebedrijf of één gemeente.", "tenant")
    if provider_id is not None and session.get(Provider, provider_id) is None:
        raise TokenRefused("Dit re-integratiebedrijf bestaat niet.", "tenant")
    if municipality_id is not None and session.get(Municipality, municipality_id) is None:
        raise TokenRefused("Deze gemeente bestaat niet.", "tenant")
    if expires_on is not None and expires_on <= clock.today():
        raise TokenRefused("De vervaldatum moet na vandaag liggen.", "expires_on")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    user = User(email=f"api-token-{secrets.token_hex(6)}@api.invalid", name=f"API-token {name}",
                password_hash="!api-token-cannot-log-in", active=True, provider_id=provider_id,
                municipality_id=municipality_id, created_at=now,
                grants=[RoleGrant(role="provider" if provider_id is not None else "klantmanager")])
    session.add(user)
    session.flush()
    expires_at = (datetime.combine(expires_on + timedelta(days=1), time(), AMSTERDAM) if expires_on else None)
    token = ApiToken(user_id=user.id, name=name, token_hash=token_hash(secret), created_at=now,
                     expires_at=expires_at, provider_id=provider_id, municipality_id=municipality_id,
                     scopes=SCOPES["write" if write else "read"], hint=secret[:10], created_by_id=actor.id)
    session.add(token)
    session.flush()
    # The audit trail names the token: its service user's label is "api-token-<id>.<name>".
    user.email = f"api-token-{token.id}.{_slug(name)}@api.invalid"
    session.flush()
    record(session, actor, "api_token.issued", "api_token", token.id,
           after={"name": name, "provider_id": provider_id, "municipality_id": municipality_id,
                  "scopes": token.scopes, "expires_at": expires_at, "hint": token.hint})
    return token, secret


def revoke_token(session: Session, actor: User, token: ApiToken) -> None:
    """Revoke a token at once; its service user can no longer act."""
    if token.revoked_at is not None:
        raise TokenRefused("Dit token is al ingetrokken.")
    token.revoked_at = clock.now()
    token.user.active = False
    session.flush()
    record(session, actor, "api_token.revoked", "api_token", token.id, after={"revoked_at": token.revoked_at})


@dataclass(frozen=True)
class Verdict:
    """The outcome of authenticating one request: the token's id and user, or why not."""

    token_id: int | None
    user_id: int | None
    kind: str | None          # "provider" or "municipality"
    scopes: frozenset[str]
    problem: str | None       # "missing", "unknown", "revoked", "expired", "rate_limited"
    retry_after: int = 0


def authenticate(session: Session, header: str | None, *, limit: int) -> Verdict:
    """Check a bearer token, count the request in its rate window and note its last use (caller commits)."""
    if not header or not header.startswith("Bearer "):
        return Verdict(None, None, None, frozenset(), "missing")
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(header[7:].strip())))
    if token is None:
        return Verdict(None, None, None, frozenset(), "unknown")
    now = clock.now()
    if token.revoked_at is not None or not token.user.active:  # blocking its service user stops the token too
        return Verdict(None, None, None, frozenset(), "revoked")
    if token.expires_at is not None and token.expires_at <= now:
        return Verdict(None, None, None, frozenset(), "expired")
    kind = "provider" if token.provider_id is not None else "municipality"
    count, retry_after = count_request(session, token.id, now)
    if count > limit:
        return Verdict(token.id, token.user_id, kind, token.scope_set, "rate_limited", retry_after)
    session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    return Verdict(token.id, token.user_id, kind, token.scope_set, None)


def count_request(session: Session, token_id: int, now: datetime) -> tuple[int, int]:
    """Add one request to the token's current minute (one UPSERT); return the count and the seconds left."""
    epoch = int(now.timestamp())
    window = epoch // 60
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ApiRateWindow).values(token_id=token_id, window=window, count=1)
    statement = statement.on_conflict_do_update(index_elements=["token_id", "window"],
                                                set_={"count": ApiRateWindow.count + 1})
    count = session.scalar(statement.returning(ApiRateWindow.count))
    if count == 1:  # the first request of a minute clears the token's older windows
        session.execute(delete(ApiRateWindow).where(ApiRateWindow.token_id == token_id,
                                                    ApiRateWindow.window < window))
    return count, 60 - epoch % 60
