"""Column types that keep money exact and timestamps in UTC on every engine."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Numeric
from sqlalchemy.types import TypeDecorator


class ExactDecimal(TypeDecorator):
    """A fixed-point decimal: NUMERIC on PostgreSQL, a scaled integer on SQLite.

    SQLite has no exact decimal type (it would store floats), so there the value is
    kept as an integer of units of 10**-scale; sums and comparisons stay exact.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 12, scale: int = 2):
        super().__init__()
        self.precision = precision
        self.scale = scale
        self._unit = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        quantized = value.quantize(self._unit)
        if quantized != value:
            raise ValueError(f"{value} has more than {self.scale} decimals")
        if dialect.name == "sqlite":
            return int(quantized.scaleb(self.scale))
        return quantized

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale).quantize(self._unit)
        return Decimal(value).quantize(self._unit)

    @property
    def python_type(self):
        return Decimal


class Money(ExactDecimal):
    """An amount in euros with cents: NUMERIC(12, 2)."""

    cache_ok = True

    def __init__(self):
        super().__init__(12, 2)


class Percentage(ExactDecimal):
    """A percentage or fraction such as 35, 21 or 0.5: NUMERIC(9, 4)."""

    cache_ok = True

    def __init__(self):
        super().__init__(9, 4)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp (SQLite keeps it naive, we re-attach UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use portal.clock.now()")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
