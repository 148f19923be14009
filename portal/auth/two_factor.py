"""The second factor: TOTP (RFC 6238) with recovery codes, required for the roles that move money or data.

The secret is stored encrypted (a key derived from SECRET_KEY); a code is accepted for the current
30-second step and one on either side, and never twice (the last step used is kept). Recovery codes
are random, shown once, stored as hashes and each usable once.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from cryptography.fernet import Fernet
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record
from ..models import RecoveryCode, User

ISSUER = "Resultaatportaal"
STEP_SECONDS = 30
RECOVERY_CODES = 10


def required_for(user: User) -> bool:
    return user.has_role(*current_app.config["TOTP_REQUIRED_ROLES"])


def enrolled(user: User) -> bool:
    return user.totp_secret_encrypted is not None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_qr(user: User, secret: str) -> str:
    """The otpauth URI as an SVG data URI (no external request, allowed by the page's CSP)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#111", light="#fff")


def _fernet() -> Fernet:
    key = hashlib.sha256(b"totp-secret:" + current_app.config["SECRET_KEY"].encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _matching_step(secret: str, code: str, *, after: int | None) -> int | None:
    code = "".join(ch for ch in code or "" if not ch.isspace())
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp, now = pyotp.TOTP(secret), int(time.time()) // STEP_SECONDS
    for step in (now - 1, now, now + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def confirm_enrolment(session: Session, user: User, secret: str, code: str) -> list[str] | None:
    """Store the secret once the user proved their app has it; return the new recovery codes (shown once)."""
    step = _matching_step(secret, code, after=None)
    if step is None:
        return None
    user.totp_secret_encrypted = _fernet().encrypt(secret.encode())
    user.totp_last_step = step
    codes = [f"{secrets.randbelow(10**10):010d}" for _ in range(RECOVERY_CODES)]
    for existing in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(existing)
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    record(session, user, "user.totp_enrolled", "user", user.id)
    session.flush()
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def verify(session: Session, user: User, code: str) -> bool:
    """Accept a current TOTP code (once) or an unused recovery code."""
    if not enrolled(user):
        return False
    secret = _fernet().decrypt(user.totp_secret_encrypted).decode()
    step = _matching_step(secret, code, after=user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return True
    compact = "".join(ch for ch in code or "" if ch.isdigit())
    recovery = session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                         RecoveryCode.code_hash == _hash(compact),
                                                         RecoveryCode.used_at.is_(None)))
    if recovery is None:
        return False
    recovery.used_at = clock.now()
    record(session, user, "user.recovery_code_used", "user", user.id)
    return True


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
