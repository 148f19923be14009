"""Contracts (percelen) with their payment schedule, prestatienorm, staffel, volume and funding."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, enum_check, decimal_range
from .enums import END_REASONS, MILESTONE_TYPES, SEGMENTS
from .organisation import Consortium, Municipality, Provider
from .types import Money, Percentage


class Contract(Base):
    """A perceel: one consortium, one bureau, one segment, one period."""

    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint(enum_check("segment", SEGMENTS), name="segment"),
        CheckConstraint('"end" >= start', name="period"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("vat_rate >= 0", name="vat_rate_not_negative"),
        CheckConstraint("max_trajectories IS NULL OR max_trajectories >= 0", name="max_trajectories"),
        CheckConstraint("submission_deadline_days IS NULL OR submission_deadline_days >= 0",
                        name="submission_deadline_days"),
        CheckConstraint(f"norm_milestone IS NULL OR ({enum_check('norm_milestone', MILESTONE_TYPES)})",
                        name="norm_milestone"),
        CheckConstraint("norm_milestone IS NULL OR (norm_rate > 0 AND norm_measurement_months >= 1 "
                        "AND norm_window_months >= 0)", name="norm_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    consortium_id: Mapped[int] = mapped_column(ForeignKey("consortium.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    segment: Mapped[str] = mapped_column(String(30))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    price: Mapped[Decimal] = mapped_column(Money())
    vat_rate: Mapped[Decimal] = mapped_column(Percentage())
    max_trajectories: Mapped[int | None] = mapped_column(Integer)
    submission_deadline_days: Mapped[int | None] = mapped_column(Integer)
    # The prestatienorm; all NULL when the contract has none.
    norm_milestone: Mapped[str | None] = mapped_column(String(30))
    norm_rate: Mapped[Decimal | None] = mapped_column(Percentage())
    norm_measurement_months: Mapped[int | None] = mapped_column(Integer)
    norm_window_months: Mapped[int | None] = mapped_column(Integer)
    # Sustained placement: how long a placement must last before it may be claimed.
    sustained_after_months: Mapped[int] = mapped_column(Integer, default=6)

    consortium: Mapped[Consortium] = relationship()
    provider: Mapped[Provider] = relationship()
    tranches: Mapped[list[Tranche]] = relationship(back_populates="contract", cascade="all, delete-orphan",
                                                   order_by="Tranche.position")
    staffel: Mapped[list[StaffelStep]] = relationship(cascade="all, delete-orphan",
                                                      order_by="StaffelStep.min_ratio")
    excluded_end_reasons: Mapped[list[ExcludedEndReason]] = relationship(cascade="all, delete-orphan",
                                                                         order_by="ExcludedEndReason.end_reason")
    funding: Mapped[list[FundingShare]] = relationship(cascade="all, delete-orphan", order_by="FundingShare.position")
    municipality_caps: Mapped[list[MunicipalityCap]] = relationship(cascade="all, delete-orphan")

    @property
    def has_norm(self) -> bool:
        return self.norm_milestone is not None


class Tranche(Base):
    """One payment of the schedule, tied to one milestone type."""

    __tablename__ = "tranche"
    __table_args__ = (
        UniqueConstraint("contract_id", "code"),
        UniqueConstraint("contract_id", "milestone_type"),
        CheckConstraint(enum_check("milestone_type", MILESTONE_TYPES), name="milestone_type"),
        CheckConstraint("(share IS NULL) <> (amount IS NULL)", name="share_or_amount"),
        CheckConstraint("share IS NULL OR share >= 0", name="share_not_negative"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    milestone_type: Mapped[str] = mapped_column(String(30))
    share: Mapped[Decimal | None] = mapped_column(Percentage())
    amount: Mapped[Decimal | None] = mapped_column(Money())
    result: Mapped[bool] = mapped_column(Boolean, default=False)

    contract: Mapped[Contract] = relationship(back_populates="tranches")


class StaffelStep(Base):
    """Pay fraction from an achievement ratio upwards."""

    __tablename__ = "staffel_step"
    __table_args__ = (
        UniqueConstraint("contract_id", "min_ratio"),
        CheckConstraint("min_ratio >= 0", name="min_ratio_not_negative"),
        *decimal_range("pay", ">=", 0, 1, name="pay_fraction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    min_ratio: Mapped[Decimal] = mapped_column(Percentage())
    pay: Mapped[Decimal] = mapped_column(Percentage())


class ExcludedEndReason(Base):
    """An end reason that is a neutral exit: it leaves the norm's denominator."""

    __tablename__ = "excluded_end_reason"
    __table_args__ = (CheckConstraint(enum_check("end_reason", END_REASONS), name="end_reason"),)

    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True)
    end_reason: Mapped[str] = mapped_column(String(20), primary_key=True)


class FundingShare(Base):
    """Part of every payable amount paid from one funding source (ESF, werkdeel)."""

    __tablename__ = "funding_share"
    __table_args__ = (
        UniqueConstraint("contract_id", "source"),
        *decimal_range("share", ">", 0, 100, name="share_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(30))
    share: Mapped[Decimal] = mapped_column(Percentage())


class MunicipalityCap(Base):
    """Contracted volume for one municipality."""

    __tablename__ = "municipality_cap"
    __table_args__ = (CheckConstraint("cap >= 0", name="cap_not_negative"),)

    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), primary_key=True)
    cap: Mapped[int] = mapped_column(Integer)

    municipality: Mapped[Municipality] = relationship()
