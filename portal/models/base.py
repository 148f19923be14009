"""Declarative base with a naming convention, so every constraint has a stable name."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_check(column: str, values) -> str:
    """Return the SQL of a CHECK that keeps a text column within its allowed values."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def decimal_range(column: str, low_op: str, low: int, high: int, name: str, decimals: int = 4
                  ) -> tuple[CheckConstraint, ...]:
    """A bound check on an ExactDecimal column; SQLite stores it scaled by 10**decimals (see types)."""
    scale = 10 ** decimals
    return (
        CheckConstraint(f"{column} {low_op} {low} AND {column} <= {high}", name=name).ddl_if(dialect="postgresql"),
        CheckConstraint(f"{column} {low_op} {low * scale} AND {column} <= {high * scale}",
                        name=name).ddl_if(dialect="sqlite"),
    )
