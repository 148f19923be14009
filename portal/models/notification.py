"""Notifications: what happened that a user must act on, shown in the portal and mailed (at once or as a digest)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, enum_check
from .types import UTCDateTime

NOTIFICATION_KINDS = ("referral", "claim_rejected", "plan_returned", "plan_submitted", "run_submitted",
                      "run_returned", "objection_filed", "objection_decided", "deadline", "review_waiting")
MAIL_CHOICES = ("immediate", "digest", "none")


class Notification(Base):
    """One message for one user; `key` makes a time-based notice unique per user (sent once, never twice)."""

    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint(enum_check("kind", NOTIFICATION_KINDS), name="kind"),
        UniqueConstraint("user_id", "key"),
        # The navigation counts a user's unread notices on every page: this index answers it alone.
        Index("ix_notification_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(300))
    key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NotificationPreference(Base):
    """How a user wants notices by e-mail: each at once (the default without a row), one digest a day, or none."""

    __tablename__ = "notification_preference"
    __table_args__ = (CheckConstraint(enum_check("mail", MAIL_CHOICES), name="mail"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    mail: Mapped[str] = mapped_column(String(10), default="immediate")
    last_digest_on: Mapped[date | None] = mapped_column(Date)
