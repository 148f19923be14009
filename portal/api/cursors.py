"""Opaque cursors: a position in an ordered feed, encoded so that clients treat it as a token."""
from __future__ import annotations

import base64
import binascii

from .problems import ApiProblem


def encode(kind: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode().rstrip("=")


def decode(kind: str, cursor: str | None, field: str = "after") -> int:
    """Return the position in a cursor of this kind (0 for none); 422 for one this API did not make."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        if prefix == kind and number.isdigit() and len(number) <= 12:
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ApiProblem(422, "Deze cursor is niet geldig; gebruik de waarde van `next` uit een eerder antwoord.",
                     code="cursor_invalid", fields={field: ["Ongeldige cursor."]})
