"""Contract terms as numbered versions: the original terms (version 1) and every amendment after it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .account import User
from .base import Base, enum_check
from .types import UTCDateTime

TERMS_VERSION_STATES = ("proposed", "approved", "rejected")


class ContractTermsVersion(Base):
    """One version of a contract's settlement terms, as a validated scenario-shaped snapshot.

    A proposal becomes `approved` or `rejected` once, by someone other than its proposer;
    a decided version never changes again (ORM guard here, trigger in the database).
    """

    __tablename__ = "contract_terms_version"
    __table_args__ = (
        UniqueConstraint("contract_id", "number"),
        CheckConstraint(enum_check("status", TERMS_VERSION_STATES), name="status"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("(status = 'proposed') = (decided_at IS NULL)", name="decided_when_not_proposed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # The contract as a scenario's `contracts[]` entry (reintegratie-scenario/1), decimals as strings.
    terms: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # NULL: the system (migration)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)

    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def approved_at(self) -> datetime | None:
        return self.decided_at if self.status == "approved" else None


class DecidedVersionIsFrozen(RuntimeError):
    """An approved or rejected contract terms version was about to be changed or deleted."""


@event.listens_for(Session, "before_flush")
def _refuse_decided_version_changes(session: Session, _flush_context, _instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, ContractTermsVersion):
            raise DecidedVersionIsFrozen("contract terms versions are never deleted")
    for obj in session.dirty:
        if isinstance(obj, ContractTermsVersion) and session.is_modified(obj):
            history = inspect(obj).attrs.status.history
            was = history.deleted[0] if history.deleted else obj.status
            if was != "proposed":
                raise DecidedVersionIsFrozen(f"version {obj.number} is {was} and never changes")
