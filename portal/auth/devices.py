"""Device cookies (OWASP): a browser that logged in to an account before is not locked out by others' failures.

After a successful login the browser gets a signed cookie naming the account and a random nonce. Failed
attempts that carry a valid cookie for the account are counted per device; attempts without one are
counted per account and per client address, and only those can lock the untrusted side out.
"""
from __future__ import annotations

import secrets

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "rp_device"
MAX_AGE_DAYS = 180


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="device-cookie")


def device_for(request: Request, email: str) -> str | None:
    """The nonce of this browser's valid device cookie for this account, or None."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        payload = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("email") != email or not isinstance(payload.get("nonce"), str):
        return None
    return payload["nonce"]


def issue(response: Response, email: str) -> None:
    """Give this browser a (new) device cookie for the account it just logged in to."""
    value = _serializer().dumps({"email": email, "nonce": secrets.token_urlsafe(16)})
    response.set_cookie(COOKIE, value, max_age=MAX_AGE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], path="/login")
