"""BSNs are stored encrypted (Fernet) with a keyed hash (HMAC-SHA256) for look-ups, never in clear text."""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

from cryptography.fernet import Fernet
from flask import current_app


def _keys() -> tuple[bytes, bytes]:
    secret = current_app.config["BSN_KEY"].encode()
    encryption = hashlib.sha256(b"bsn-encryption:" + secret).digest()
    lookup = hashlib.sha256(b"bsn-lookup:" + secret).digest()
    return base64.urlsafe_b64encode(encryption), lookup


def bsn_hash(bsn: str) -> str:
    """Return the keyed hash used to find a client by BSN."""
    _, lookup = _keys()
    return hmac.new(lookup, bsn.encode(), hashlib.sha256).hexdigest()


def bsn_hasher() -> Callable[[str], str]:
    """Return bsn_hash with the key derived once, for hashing many BSNs."""
    _, lookup = _keys()
    return lambda bsn: hmac.new(lookup, bsn.encode(), hashlib.sha256).hexdigest()


def bsn_encrypter() -> Callable[[str], bytes]:
    """Return encrypt_bsn with the key derived once, for encrypting many BSNs."""
    fernet = Fernet(_keys()[0])
    return lambda bsn: fernet.encrypt(bsn.encode())


def encrypt_bsn(bsn: str) -> bytes:
    key, _ = _keys()
    return Fernet(key).encrypt(bsn.encode())


def decrypt_bsn(token: bytes) -> str:
    key, _ = _keys()
    return Fernet(key).decrypt(token).decode()
