"""Password resets: a single-use, expiring link by e-mail that never tells whether an account exists."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record
from ..models import PasswordReset, User
from .passwords import hash_password
from .service import set_new_password
from .sessions import end_all_sessions

#: At most this many links per account per hour, so the form cannot be used to flood someone's inbox.
MAX_PER_HOUR = 3


class InvalidLink(ValueError):
    """The link is unknown, used or expired."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_reset(session: Session, user: User, *, valid_minutes: int, actor: User | None = None) -> str | None:
    """Return a new link token for an active user (None when the hourly limit is reached); flushes."""
    now = clock.now()
    recent = session.scalar(select(func.count()).where(PasswordReset.user_id == user.id,
                                                       PasswordReset.created_at >= now - timedelta(hours=1)))
    if not user.active or (actor is None and recent >= MAX_PER_HOUR):
        return None
    token = secrets.token_urlsafe(32)
    session.add(PasswordReset(user_id=user.id, token_hash=_hash(token), created_at=now,
                              expires_at=now + timedelta(minutes=valid_minutes)))
    session.flush()
    record(session, actor, "user.password_reset_requested" if actor is None else "user.password_reset_forced",
           "user", user.id)
    return token


def user_for_link(session: Session, token: str) -> User:
    """The user a valid, unused, unexpired link belongs to; raise InvalidLink otherwise."""
    reset = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token or "")))
    if reset is None or reset.used_at is not None or reset.expires_at <= clock.now() or not reset.user.active:
        raise InvalidLink("Deze link is ongeldig, al gebruikt of verlopen. Vraag een nieuwe aan.")
    return reset.user


def reset_password(session: Session, token: str, new: str) -> User:
    """Set a new password through a link; the link and every other open link of the user stop working."""
    user = user_for_link(session, token)
    set_new_password(session, user, new, "user.password_reset")
    session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
                    .values(used_at=clock.now()))
    return user


def force_reset(session: Session, actor: User, user: User, *, valid_minutes: int) -> str:
    """The admin's reset: the old password stops working at once, every session ends, a link goes out."""
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    end_all_sessions(user)
    return create_reset(session, user, valid_minutes=valid_minutes, actor=actor)
