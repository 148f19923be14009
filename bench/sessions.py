"""A logged-in test client for the benchmarks, as a real login gives it (with the user's session token).

Sessions are valid only with the user's current session token (portal.auth.sessions); a client with just
a user id would be sent to the login page, and a benchmark would time that redirect instead of the page.
"""
from __future__ import annotations

import time

from sqlalchemy import create_engine, update
from sqlalchemy.pool import NullPool

from portal.auth.sessions import SEEN_KEY, STARTED_KEY, TOKEN_KEY
from portal.models import User


def logged_in(app, url: str, user_id: int):
    """Return a test client with this user's session."""
    token = f"bench-session-{user_id}"
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(update(User).where(User.id == user_id).values(session_token=token))
    engine.dispose()
    client = app.test_client()
    now = int(time.time())
    with client.session_transaction() as session:
        session.update({"_user_id": str(user_id), "_fresh": True, TOKEN_KEY: token, STARTED_KEY: now, SEEN_KEY: now})
    return client
