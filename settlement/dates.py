"""Calendar arithmetic as the settlement rules define it."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta


@lru_cache(maxsize=65536)
def add_months(day: date, months: int) -> date:
    """Add calendar months the way dateutil does (31 Jan + 1 month = 28/29 Feb)."""
    # Cached: a contract's trajectories share few start dates, and relativedelta
    # is by far the most expensive step of computing a window end.
    return day + relativedelta(months=months)
