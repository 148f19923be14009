"""Files a bureau attaches to its objection (a confirmation mail, a dated payslip): the proof of its motivation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .types import UTCDateTime


class ObjectionAttachment(Base):
    """One checked file (PDF, PNG, JPEG) of an objection; its content is in the storage under its SHA-256."""

    __tablename__ = "objection_attachment"
    __table_args__ = (UniqueConstraint("objection_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objection.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
