"""Sessions that end when they should: on logout, a password change or a block, after idle time and at most
after an absolute lifetime, on every node (the token that makes a session valid lives in the database)."""
from __future__ import annotations

import hmac
import secrets
import time

from flask import session
from flask_login import login_user, logout_user

from ..models import User

TOKEN_KEY = "session_token"
STARTED_KEY = "started_at"
SEEN_KEY = "seen_at"
#: Refresh the idle clock at most this often, so not every request rewrites the cookie.
SEEN_RESOLUTION_SECONDS = 60


def start_session(user: User) -> None:
    """Log the user in on a fresh session: new contents, new CSRF token, the user's current session token."""
    session.clear()
    if not user.session_token:
        user.session_token = secrets.token_urlsafe(32)
    login_user(user)
    now = int(time.time())
    session[TOKEN_KEY] = user.session_token
    session[STARTED_KEY] = now
    session[SEEN_KEY] = now


def end_all_sessions(user: User) -> None:
    """Invalidate every session of this user, on every node; the caller commits."""
    user.session_token = secrets.token_urlsafe(32)


def end_this_session() -> None:
    logout_user()
    session.clear()


def belongs_to(user: User) -> bool:
    """True when the current session was started with the user's current session token."""
    token = session.get(TOKEN_KEY)
    return bool(token and user.session_token and hmac.compare_digest(str(token), user.session_token))


def expired(*, idle_minutes: int, lifetime_hours: int) -> bool:
    """True when the session was idle too long or is older than its absolute lifetime; else note this visit."""
    now = int(time.time())
    started, seen = session.get(STARTED_KEY), session.get(SEEN_KEY)
    if not isinstance(started, int) or not isinstance(seen, int):
        return True
    if now - seen > idle_minutes * 60 or now - started > lifetime_hours * 3600:
        return True
    if now - seen >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_KEY] = now
    return False
