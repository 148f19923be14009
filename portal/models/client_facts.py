"""Clients as people: dated facts, the participatieladder, social-activation results, placement changes, ESF facts.

Facts that money depends on are kept as history: every row holds from its date on and was
recorded at a time; the value on a date is derived (the latest row on or before it), a
correction is a new row, nothing is overwritten.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, enum_check
from .client_enums import (ACTIVATION_KINDS, EXIT_RESULTS, FACT_KINDS, GENDERS, ISCED_LEVELS, LABOUR_STATUSES,
                           LADDER_STATES, LANGUAGE_LEVELS, PLACEMENT_CHANGES)
from .enums import BENEFITS, TARGET_GROUPS
from .types import ExactDecimal, UTCDateTime

CONFIRMED_INTAKE = "status = 'confirmed' AND at_intake"


class ClientProfile(Base):
    """One client profile of the list the admin maintains (e.g. by distance to the labour market)."""

    __tablename__ = "client_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ClientFact(Base):
    """One dated fact about a client: a target group (joined or left), the benefit, the profile or the language level."""

    __tablename__ = "client_fact"
    __table_args__ = (
        CheckConstraint(enum_check("kind", FACT_KINDS), name="kind"),
        CheckConstraint(f"(kind = 'target_group' AND {enum_check('value', TARGET_GROUPS)})"
                        f" OR (kind = 'benefit' AND {enum_check('value', BENEFITS)})"
                        f" OR (kind = 'language_level' AND {enum_check('value', LANGUAGE_LEVELS)})"
                        " OR kind = 'profile'", name="value"),
        CheckConstraint("member OR kind = 'target_group'", name="member_only_target_group"),
        Index("ix_client_fact_client_kind_valid_from", "client_id", "kind", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    kind: Mapped[str] = mapped_column(String(20))
    # A target group, benefit or language-level code; for a profile, the ClientProfile code.
    value: Mapped[str] = mapped_column(String(30))
    valid_from: Mapped[date] = mapped_column(Date)
    # Target groups only: False records that the client leaves the group from valid_from (a jongere turns 27).
    member: Mapped[bool] = mapped_column(Boolean, default=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class LadderMeasurement(Base):
    """A rung of the participatieladder measured on a date: the bureau proposes, the klantmanager confirms."""

    __tablename__ = "ladder_measurement"
    __table_args__ = (
        CheckConstraint("rung BETWEEN 1 AND 6", name="rung"),
        CheckConstraint(enum_check("status", LADDER_STATES), name="status"),
        CheckConstraint("(status = 'proposed') = (decided_at IS NULL)", name="decided_when_not_proposed"),
        # One confirmed measurement at intake per trajectory.
        Index("uq_ladder_measurement_intake", "trajectory_id", unique=True,
              sqlite_where=text(CONFIRMED_INTAKE), postgresql_where=text(CONFIRMED_INTAKE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id"), index=True)
    rung: Mapped[int] = mapped_column(Integer)
    measured_on: Mapped[date] = mapped_column(Date)
    at_intake: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    note: Mapped[str | None] = mapped_column(Text)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class ParticipationStep(Base):
    """The two measurements a participation_step claim rests on: the one at intake and the higher confirmed one."""

    __tablename__ = "participation_step"
    __table_args__ = (CheckConstraint("intake_id <> reached_id", name="two_measurements"),)

    claim_id: Mapped[int] = mapped_column(ForeignKey("milestone_claim.id"), primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("ladder_measurement.id"))
    reached_id: Mapped[int] = mapped_column(ForeignKey("ladder_measurement.id"))

    intake: Mapped[LadderMeasurement] = relationship(foreign_keys=[intake_id])
    reached: Mapped[LadderMeasurement] = relationship(foreign_keys=[reached_id])


class ActivationResult(Base):
    """A social-activation result on a trajectory: volunteering, mantelzorg, beschut werk, dagbesteding, ..."""

    __tablename__ = "activation_result"
    __table_args__ = (
        CheckConstraint(enum_check("kind", ACTIVATION_KINDS), name="kind"),
        CheckConstraint('"end" IS NULL OR "end" >= start', name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class PlacementChange(Base):
    """A change to a placement after it started; each one breaks the durable-outflow condition from its date."""

    __tablename__ = "placement_change"
    __table_args__ = (
        CheckConstraint(enum_check("kind", PLACEMENT_CHANGES), name="kind"),
        CheckConstraint("kind <> 'fewer_hours' OR hours_per_week IS NOT NULL", name="hours_when_fewer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    changed_on: Mapped[date] = mapped_column(Date)
    hours_per_week: Mapped[Decimal | None] = mapped_column(ExactDecimal(5, 2))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class DurableOutflowTerms(Base):
    """Per contract, whether durable outflow needs the benefit to end fully (the months are the contract's own)."""

    __tablename__ = "durable_outflow_terms"

    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True)
    benefit_must_end: Mapped[bool] = mapped_column(Boolean, default=True)


class EsfParticipant(Base):
    """What ESF+ asks per participant, recorded by the klantmanager at referral (the result at exit later)."""

    __tablename__ = "esf_participant"
    __table_args__ = (
        CheckConstraint(enum_check("gender", GENDERS), name="gender"),
        CheckConstraint(enum_check("isced", ISCED_LEVELS), name="isced"),
        CheckConstraint(enum_check("labour_status", LABOUR_STATUSES), name="labour_status"),
        CheckConstraint(f"exit_result IS NULL OR ({enum_check('exit_result', EXIT_RESULTS)})", name="exit_result"),
    )

    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id"), primary_key=True)
    gender: Mapped[str] = mapped_column(String(10))
    isced: Mapped[str] = mapped_column(String(2))
    labour_status: Mapped[str] = mapped_column(String(30))
    exit_result: Mapped[str | None] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
