"""Logging in: the one check of credentials, with per-account and per-address throttling."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record
from ..models import LoginAttempt, RoleGrant, User
from .passwords import hash_password, verify_password


class TooManyAttempts(Exception):
    pass


def authenticate(session: Session, email: str, password: str, ip: str, *, max_per_account: int,
                 max_per_address: int, window_minutes: int) -> User | None:
    """Return the active user for these credentials, or None; raise TooManyAttempts when throttled."""
    email = (email or "").strip().lower()
    since = clock.now() - timedelta(minutes=window_minutes)
    per_account = session.scalar(select(func.count()).where(LoginAttempt.email == email, LoginAttempt.at >= since))
    per_address = session.scalar(select(func.count()).where(LoginAttempt.ip == ip, LoginAttempt.at >= since))
    if per_account >= max_per_account or per_address >= max_per_address:
        raise TooManyAttempts()
    user = session.scalar(select(User).where(User.email == email))
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        session.add(LoginAttempt(email=email, ip=ip, at=clock.now()))
        return None
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    user.last_login_at = clock.now()
    record(session, user, "user.login", "user", user.id)
    return user


def create_user(session: Session, *, email: str, name: str, password: str, roles: list[str],
                provider_id: int | None = None, municipality_id: int | None = None,
                actor: User | None = None) -> User:
    """Create a user with roles; a provider user needs a bureau, a klantmanager a municipality."""
    if "provider" in roles and provider_id is None:
        raise ValueError("a provider user belongs to a bureau")
    if "klantmanager" in roles and municipality_id is None:
        raise ValueError("a klantmanager belongs to a municipality")
    user = User(email=email.strip().lower(), name=name, password_hash=hash_password(password), active=True,
                provider_id=provider_id, municipality_id=municipality_id, created_at=clock.now(),
                grants=[RoleGrant(role=r) for r in sorted(set(roles))])
    session.add(user)
    session.flush()
    record(session, actor, "user.created", "user", user.id,
           after={"email": user.email, "roles": sorted(set(roles)), "provider_id": provider_id,
                  "municipality_id": municipality_id})
    return user
