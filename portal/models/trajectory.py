"""Clients, their trajectories, milestone claims with placements, evidence and reviews."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, decimal_range, enum_check
from .contract import Contract
from .enums import (BENEFIT_ENDINGS, BENEFITS, CONTRACT_TYPES, END_REASONS, EVIDENCE_KINDS, MILESTONE_TYPES,
                    PLAN_STATES, REVIEW_DECISIONS, REVIEW_STATES, SEGMENTS, TARGET_GROUPS, TRAJECTORY_STATES)
from .organisation import Municipality
from .types import ExactDecimal, Money, UTCDateTime

OPEN_TRAJECTORY = "status IN ('referred', 'accepted', 'active')"
REJECTED_CLAIM = "review = 'rejected'"


class Client(Base):
    """A resident referred to re-integration. The BSN is stored encrypted plus a keyed hash for look-ups."""

    __tablename__ = "client"
    __table_args__ = (
        CheckConstraint(f"target_group IS NULL OR ({enum_check('target_group', TARGET_GROUPS)})", name="target_group"),
        CheckConstraint(f"benefit IS NULL OR ({enum_check('benefit', BENEFITS)})", name="benefit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    bsn_hash: Mapped[str] = mapped_column(String(64), unique=True)
    bsn_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    bsn_last4: Mapped[str] = mapped_column(String(4))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(30))    # contact details the klantmanager keeps (issue 14)
    email: Mapped[str | None] = mapped_column(String(200))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    target_group: Mapped[str | None] = mapped_column(String(30))
    benefit: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set by `flask privacy anonymise`: names, birth date and BSN are gone, the ref stays (portal.privacy).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    municipality: Mapped[Municipality] = relationship()

    @property
    def masked_bsn(self) -> str:
        return "geanonimiseerd" if self.anonymised_at is not None else "*****" + self.bsn_last4

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.ref


class Trajectory(Base):
    """A client's route with one bureau under one contract, from referral to end."""

    __tablename__ = "trajectory"
    __table_args__ = (
        CheckConstraint(enum_check("status", TRAJECTORY_STATES), name="status"),
        CheckConstraint(enum_check("plan_status", PLAN_STATES), name="plan_status"),
        CheckConstraint(enum_check("segment", SEGMENTS), name="segment"),
        CheckConstraint(f"end_reason IS NULL OR ({enum_check('end_reason', END_REASONS)})", name="end_reason"),
        CheckConstraint("(status = 'ended') = (end_reason IS NOT NULL AND \"end\" IS NOT NULL)", name="ended"),
        CheckConstraint("status IN ('referred', 'declined') OR start IS NOT NULL", name="started"),
        # No CHECK that "end" >= start: imported history has such records, and the engine takes them as given.
        # One open trajectory per client per segment.
        Index("uq_trajectory_open_client_segment", "client_id", "segment", unique=True,
              sqlite_where=text(OPEN_TRAJECTORY), postgresql_where=text(OPEN_TRAJECTORY)),
        Index("ix_trajectory_contract_start", "contract_id", "start"),
        Index("ix_trajectory_provider_status", "provider_id", "status"),
        # The trajectory list pages through a bureau's or a municipality's trajectories in these orders.
        Index("ix_trajectory_provider_ref", "provider_id", "ref"),
        Index("ix_trajectory_provider_start", "provider_id", "start"),
        Index("ix_trajectory_municipality_ref", "municipality_id", "ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"))
    # Copied from the contract so the database can enforce the open-per-segment rule and scope by bureau.
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    segment: Mapped[str] = mapped_column(String(30))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="referred")
    referred_on: Mapped[date] = mapped_column(Date)
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    referral_note: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    end_note: Mapped[str | None] = mapped_column(Text)
    plan_status: Mapped[str] = mapped_column(String(20), default="none")
    plan_text: Mapped[str | None] = mapped_column(Text)
    plan_feedback: Mapped[str | None] = mapped_column(Text)

    contract: Mapped[Contract] = relationship()
    client: Mapped[Client | None] = relationship()
    municipality: Mapped[Municipality] = relationship()
    claims: Mapped[list[MilestoneClaim]] = relationship(back_populates="trajectory",
                                                        order_by="(MilestoneClaim.date, MilestoneClaim.id)")
    placements: Mapped[list[Placement]] = relationship(back_populates="trajectory", order_by="Placement.start_date")


class Placement(Base):
    """Paid work found for a client: the facts behind a placement claim."""

    __tablename__ = "placement"
    __table_args__ = (
        CheckConstraint(enum_check("contract_type", CONTRACT_TYPES), name="contract_type"),
        CheckConstraint(enum_check("benefit_ends", BENEFIT_ENDINGS), name="benefit_ends"),
        *decimal_range("hours_per_week", ">", 0, 60, name="hours_per_week", decimals=2),
        CheckConstraint("gross_wage >= 0", name="gross_wage_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id"), index=True)
    employer_name: Mapped[str] = mapped_column(String(200))
    employer_kvk: Mapped[str | None] = mapped_column(String(8))
    start_date: Mapped[date] = mapped_column(Date)
    contract_type: Mapped[str] = mapped_column(String(20))
    hours_per_week: Mapped[Decimal] = mapped_column(ExactDecimal(5, 2))
    gross_wage: Mapped[Decimal] = mapped_column(Money())  # per month
    benefit_ends: Mapped[str] = mapped_column(String(10))

    trajectory: Mapped[Trajectory] = relationship(back_populates="placements")


class MilestoneClaim(Base):
    """A milestone the bureau claims, with its review state; the unit that becomes a settlement line."""

    __tablename__ = "milestone_claim"
    __table_args__ = (
        CheckConstraint(enum_check("type", MILESTONE_TYPES), name="type"),
        CheckConstraint(enum_check("review", REVIEW_STATES), name="review"),
        CheckConstraint("(review = 'pending') = (reviewed IS NULL)", name="reviewed_when_decided"),
        Index("ix_milestone_claim_trajectory_type", "trajectory_id", "type"),
        Index("ix_milestone_claim_review_submitted", "review", "submitted"),
        # "Wacht op mij": a rejected claim without a newer claim of its type, found by merging these two.
        Index("ix_milestone_claim_trajectory_type_id", "trajectory_id", "type", "id"),
        Index("ix_milestone_claim_rejected", "trajectory_id", "type", "id",
              sqlite_where=text(REJECTED_CLAIM), postgresql_where=text(REJECTED_CLAIM)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id"))
    type: Mapped[str] = mapped_column(String(30))
    date: Mapped[date] = mapped_column(Date)  # when the milestone happened
    submitted: Mapped[date] = mapped_column(Date)  # business date of submission
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(Text)
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id"))
    review: Mapped[str] = mapped_column(String(20), default="pending")
    reviewed: Mapped[date | None] = mapped_column(Date)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    trajectory: Mapped[Trajectory] = relationship(back_populates="claims")
    placement: Mapped[Placement | None] = relationship()
    evidence: Mapped[list[EvidenceFile]] = relationship(back_populates="claim", order_by="EvidenceFile.id")
    reviews: Mapped[list[Review]] = relationship(back_populates="claim", order_by="Review.id")


class EvidenceFile(Base):
    """An uploaded proof (PDF, PNG, JPEG), stored immutably under its SHA-256."""

    __tablename__ = "evidence_file"
    __table_args__ = (
        UniqueConstraint("claim_id", "sha256"),
        CheckConstraint(enum_check("kind", EVIDENCE_KINDS), name="kind"),
        CheckConstraint("content_type IN ('application/pdf', 'image/png', 'image/jpeg')", name="content_type"),
        CheckConstraint("size > 0 AND size <= 10485760", name="size"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("milestone_claim.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    claim: Mapped[MilestoneClaim] = relationship(back_populates="evidence")


class Review(Base):
    """One review decision on a claim (append-only): the history; the claim caches the decision in force."""

    __tablename__ = "review"
    __table_args__ = (CheckConstraint(enum_check("decision", REVIEW_DECISIONS), name="decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("milestone_claim.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_text: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Set when the decision is the correction an upheld objection made (a reinstatement or a revocation).
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("objection.id"))

    claim: Mapped[MilestoneClaim] = relationship(back_populates="reviews")
