"""The results pages' cache: per contract a data version the database keeps, and computed results per date.

`contract_data_version` is bumped only by database triggers (migration 0009, table list
`VERSIONED_TABLES` there) whenever a row that feeds a contract's cohorts or lines changes; the
application never writes it. `results_cache` holds one contract's computed results as of a date,
labelled with the data version they were computed from; `portal.results.cache` serves them only
while that version is still the contract's current one.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .types import UTCDateTime


class ContractDataVersion(Base):
    """How often the facts of one contract have changed (kept by triggers; no foreign key, so deletes bump too)."""

    __tablename__ = "contract_data_version"

    contract_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)


class ResultsCache(Base):
    """One contract's computed results as of a date, valid while `version` is the contract's data version."""

    __tablename__ = "results_cache"
    __table_args__ = (UniqueConstraint("contract_id", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(BigInteger)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[dict] = mapped_column(JSON)  # cohorts, forecasts, money per municipality
    # The per-trajectory part (rows, members, money per trajectory) as JSON text, read only when a page needs it.
    detail: Mapped[str] = mapped_column(Text)
