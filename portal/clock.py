"""The one place that knows what time and which business day it is."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def now() -> datetime:
    """Return the current moment as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def today() -> date:
    """Return today's calendar date in Europe/Amsterdam."""
    return datetime.now(AMSTERDAM).date()
