"""BSN look-ups, one row each: the database-held counter behind the per-user look-up limit (AVG, issue 12)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .types import UTCDateTime


class BsnLookup(Base):
    """One BSN look-up (search or registration) by one user; counted per user per hour, kept a day."""

    __tablename__ = "bsn_lookup"
    __table_args__ = (Index("ix_bsn_lookup_user_id_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    purpose: Mapped[str] = mapped_column(String(20))
