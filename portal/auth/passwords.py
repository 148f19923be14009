"""Password hashing with argon2id."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the user does not exist, so both paths take the same time. Made once with the
# default parameters and written here: hashing it at import cost every process start (each CLI
# command, each gunicorn worker) a full argon2 run.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$6CO1fvVAzSpKTb5zDAZVcw$mslUa4e0iSabWHn+BoGQ5akiHzr1Uc9wSROA9AgYYcw"


def use_fast_hashing_for_tests() -> None:
    """Make hashing cheap (tests create hundreds of users); never called by the app itself."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    _DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; an unknown user (None) costs the same as a wrong password."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
