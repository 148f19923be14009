"""The password policy: long enough, not guessable, not the user's own name or e-mail address."""
from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
#: zxcvbn's scale runs 0 (guessed at once) to 4; 3 resists an offline attack on a slow hash for years.
MIN_SCORE = 3


class WeakPassword(ValueError):
    """The password breaks the policy; the message is Dutch and says what to change."""

    def __init__(self, message: str, field: str = "password"):
        super().__init__(message)
        self.field = field


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """Raise WeakPassword when the password may not be used by this person."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Het wachtwoord moet minstens {MIN_LENGTH} tekens hebben.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Het wachtwoord mag hoogstens {MAX_LENGTH} tekens hebben.")
    lowered = password.lower()
    personal = [p for p in (email.lower(), email.lower().partition("@")[0], *name.lower().split()) if len(p) >= 4]
    if any(p in lowered for p in personal):
        raise WeakPassword("Het wachtwoord mag uw naam of e-mailadres niet bevatten.")
    # zxcvbn knows common passwords, dictionary words, keyboard patterns, repeats and dates.
    if zxcvbn(password[:100], user_inputs=personal)["score"] < MIN_SCORE:
        raise WeakPassword("Dit wachtwoord is te makkelijk te raden (een veelgebruikt wachtwoord, een "
                           "herhaling of een patroon). Kies een langere zin van een paar losse woorden.")
