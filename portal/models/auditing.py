"""The auditor's records: the head of the audit hash chain, its anchors in issued runs, samples and findings."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .account import User
from .base import Base, enum_check
from .contract import Contract
from .types import Money, Percentage, UTCDateTime

SAMPLE_POPULATIONS = ("paid_lines", "approved_claims")
SAMPLE_METHODS = ("mus", "attribute")
FINDINGS = ("correct", "error", "not_verifiable")


class AuditChainHead(Base):
    """The one row that holds the last sealed event of the chain; locked while a transaction seals its events."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditAnchor(Base):
    """The chain head as it stood when a settlement run was issued: a rewrite of the chain shows against it."""

    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("settlement_run.id"), unique=True)
    chain_seq: Mapped[int] = mapped_column(Integer)
    chain_hash: Mapped[str] = mapped_column(String(64))
    anchored_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditSample(Base):
    """An assurance sample: its population, method, parameters, seed and size as drawn."""

    __tablename__ = "audit_sample"
    __table_args__ = (
        CheckConstraint(enum_check("population", SAMPLE_POPULATIONS), name="population"),
        CheckConstraint(enum_check("method", SAMPLE_METHODS), name="method"),
        CheckConstraint("contract_id IS NOT NULL OR segment IS NOT NULL", name="scope"),
        CheckConstraint("period_start <= period_end", name="period"),
        CheckConstraint("sample_size >= 1", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"), index=True)
    segment: Mapped[str | None] = mapped_column(String(40))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    population: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[Decimal] = mapped_column(Percentage())
    # MUS: euros; attribute sampling: a rate in percent.
    tolerable: Mapped[Decimal] = mapped_column(Money())
    expected: Mapped[Decimal] = mapped_column(Money())
    population_count: Mapped[int] = mapped_column(Integer)
    population_value: Mapped[Decimal] = mapped_column(Money())
    sample_size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(String(40))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    contract: Mapped[Contract | None] = relationship()
    created_by: Mapped[User] = relationship()
    items: Mapped[list[AuditSampleItem]] = relationship(back_populates="sample", order_by="AuditSampleItem.position",
                                                       cascade="all, delete-orphan")


class AuditSampleItem(Base):
    """One drawn item (a paid line or an approved claim) and the auditor's finding on it."""

    __tablename__ = "audit_sample_item"
    __table_args__ = (
        UniqueConstraint("sample_id", "position"),
        CheckConstraint(f"finding IS NULL OR ({enum_check('finding', FINDINGS)})", name="finding"),
        CheckConstraint("(finding = 'error') = (misstated IS NOT NULL)", name="misstated_with_error"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("audit_sample.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    settlement_line_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_line.id"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("milestone_claim.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    book_value: Mapped[Decimal] = mapped_column(Money())
    finding: Mapped[str | None] = mapped_column(String(20))
    misstated: Mapped[Decimal | None] = mapped_column(Money())
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Handed to a reviewer as a revocation; the review row it became (linked both ways through this column).
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revocation_review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"), unique=True)

    sample: Mapped[AuditSample] = relationship(back_populates="items")
