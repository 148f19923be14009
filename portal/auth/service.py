"""Logging in: the one check of credentials, with per-account and per-address throttling."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record
from ..models import Consortium, LoginAttempt, Municipality, RoleGrant, User
from .passwords import hash_password, verify_password
from .policy import WeakPassword, check_password
from .sessions import end_all_sessions


#: Roles on the consortium's side; a bureau's staff may hold none of them.
CONSORTIUM_ROLES = frozenset({"klantmanager", "reviewer", "finance", "admin", "auditor"})


class TooManyAttempts(Exception):
    pass


def authenticate(session: Session, email: str, password: str, ip: str, *, max_per_account: int,
                 max_per_address: int, window_minutes: int, device: str | None = None) -> User | None:
    """Return the active user for these credentials, or None; raise TooManyAttempts when throttled.

    `device` is the nonce of a valid device cookie for this account: such a browser has its own counter,
    so someone else's failures (on the account or from the same address) never lock its owner out.
    """
    email = normalise_email(email)
    since = clock.now() - timedelta(minutes=window_minutes)
    recent = select(func.count()).where(LoginAttempt.at >= since)
    if device is not None:
        throttled = session.scalar(recent.where(LoginAttempt.device == device)) >= max_per_account
    else:
        untrusted = recent.where(LoginAttempt.device.is_(None))
        throttled = (session.scalar(untrusted.where(LoginAttempt.email == email)) >= max_per_account
                     or session.scalar(untrusted.where(LoginAttempt.ip == ip)) >= max_per_address)
    if throttled:
        raise TooManyAttempts()
    user = session.scalar(select(User).where(User.email == email))
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        session.add(LoginAttempt(email=email[:200], ip=ip[:45], at=clock.now(), device=device))
        return None
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    user.last_login_at = clock.now()
    record(session, user, "user.login", "user", user.id)
    return user


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    """Change the user's own password under the policy; every other session of the user ends."""
    if not verify_password(user.password_hash, current):
        raise WeakPassword("Het huidige wachtwoord klopt niet.", "current")
    if new == current:
        raise WeakPassword("Kies een ander wachtwoord dan het huidige.", "new")
    set_new_password(session, user, new, "user.password_changed")


def set_new_password(session: Session, user: User, new: str, action: str) -> None:
    """Set a password that passes the policy (its problems name the field `new`), end every session, audit."""
    try:
        check_password(new, email=user.email, name=user.name)
    except WeakPassword as problem:
        raise WeakPassword(str(problem), "new") from None
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    record(session, user, action, "user", user.id)
    session.flush()


def create_user(session: Session, *, email: str, name: str, password: str, roles: list[str],
                provider_id: int | None = None, municipality_id: int | None = None,
                consortium_id: int | None = None, actor: User | None = None, enforce_policy: bool = True) -> User:
    """Create a user with roles; a provider user needs a bureau, a klantmanager a municipality, staff a consortium."""
    if "provider" in roles and set(roles) & CONSORTIUM_ROLES:
        raise ValueError("Een medewerker van een re-integratiebedrijf kan geen rol van het consortium hebben "
                         "(zo beoordeelt niemand het werk van het eigen bedrijf).")
    if "provider" in roles and provider_id is None:
        raise ValueError("a provider user belongs to a bureau")
    if "klantmanager" in roles and municipality_id is None:
        raise ValueError("a klantmanager belongs to a municipality")
    consortium_id = consortium_for(session, roles, municipality_id, consortium_id)
    if enforce_policy:
        check_password(password, email=email, name=name)
    user = User(email=normalise_email(email), name=name, password_hash=hash_password(password), active=True,
                provider_id=provider_id, municipality_id=municipality_id, consortium_id=consortium_id,
                created_at=clock.now(),
                grants=[RoleGrant(role=r) for r in sorted(set(roles))])
    session.add(user)
    session.flush()
    record(session, actor, "user.created", "user", user.id,
           after={"email": user.email, "roles": sorted(set(roles)), "provider_id": provider_id,
                  "municipality_id": municipality_id, "consortium_id": consortium_id})
    return user


class NoConsortium(ValueError):
    """A consortium role without a (matching) consortium."""


def consortium_for(session: Session, roles: list[str], municipality_id: int | None,
                   consortium_id: int | None) -> int | None:
    """Return the consortium a user with these roles belongs to; raise NoConsortium when it is missing or wrong.

    A klantmanager belongs to their municipality's consortium; reviewer, finance, admin and auditor need one
    named; a bureau user belongs to none (a bureau may hold contracts in several consortia).
    """
    if not set(roles) & CONSORTIUM_ROLES:
        if consortium_id is not None:
            raise NoConsortium("Een medewerker van een re-integratiebedrijf hoort niet bij een consortium.")
        return None
    if municipality_id is not None:
        own = session.scalar(select(Municipality.consortium_id).where(Municipality.id == municipality_id))
        if consortium_id is not None and consortium_id != own:
            raise NoConsortium("De gemeente van deze gebruiker hoort niet bij het gekozen consortium.")
        consortium_id = own
    if consortium_id is None or session.get(Consortium, consortium_id) is None:
        raise NoConsortium("Kies het consortium van deze medewerker.")
    return consortium_id
