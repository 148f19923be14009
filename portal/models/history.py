"""Versions of the facts a settlement depends on: a correction adds a row, nothing is overwritten.

The trajectory and claim rows keep the current value of each versioned field (a cache the
forms and lists read); `fact_version` keeps every value with the moment it was recorded, so
the facts can be rebuilt as they were recorded at any moment (settlement.md section 9).
A flush hook writes a version for every change of a versioned field made through the ORM,
so no service can forget it; a correction adds its own version first, with who and why.
Review decisions are versioned in their own append-only table, `review`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .base import Base, enum_check
from .trajectory import MilestoneClaim, Trajectory
from .types import UTCDateTime

# The versioned fields; `municipality` is the trajectory's municipality id (as text).
TRAJECTORY_FIELDS = {"start": "start", "end": "end", "end_reason": "end_reason", "municipality": "municipality_id"}
CLAIM_FIELDS = {"date": "date", "submitted": "submitted"}
FACT_FIELDS = tuple(TRAJECTORY_FIELDS) + tuple(CLAIM_FIELDS)
FACT_SOURCES = ("recorded", "correction")


class FactVersion(Base):
    """One recorded value of one versioned field of a trajectory or a claim (append-only)."""

    __tablename__ = "fact_version"
    __table_args__ = (
        CheckConstraint("(trajectory_id IS NULL) <> (claim_id IS NULL)", name="one_subject"),
        CheckConstraint(enum_check("field", FACT_FIELDS), name="field"),
        CheckConstraint(enum_check("source", FACT_SOURCES), name="source"),
        Index("ix_fact_version_trajectory", "trajectory_id", "field", "id"),
        Index("ix_fact_version_claim", "claim_id", "field", "id"),
        Index("ix_fact_version_recorded_at", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int | None] = mapped_column(ForeignKey("trajectory.id"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("milestone_claim.id"))
    field: Mapped[str] = mapped_column(String(20))
    # ISO date, end reason code or municipality id; NULL: the field has no value (not started, not ended).
    value: Mapped[str | None] = mapped_column(String(40))
    # The value this version replaced (NULL for a new record); lets facts recorded before history was kept
    # be rebuilt without a back-fill.
    previous_value: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source: Mapped[str] = mapped_column(String(20), default="recorded")
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("objection.id"))
    note: Mapped[str | None] = mapped_column(Text)

    trajectory: Mapped[Trajectory | None] = relationship()
    claim: Mapped[MilestoneClaim | None] = relationship()


def as_text(value) -> str | None:
    """The stored text of a field value (dates as ISO, ids as digits)."""
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _changes(obj, fields: dict[str, str]):
    """Yield (field, old text, new text) for every versioned field of obj changed since it was loaded."""
    state = inspect(obj)
    for field, attribute in fields.items():
        history = state.attrs[attribute].history
        if not history.added and not state.pending:
            continue
        new = as_text(getattr(obj, attribute))
        old = as_text(history.deleted[0]) if history.deleted else None
        if state.pending and new is None:
            continue
        if old != new:
            yield field, old, new


@event.listens_for(Session, "before_flush")
def _version_facts(session: Session, _flush_context, _instances) -> None:
    """Write a version for every change of a versioned field that no correction versioned already."""
    from .. import clock  # the clock lives above the models

    explicit = {(id(v.trajectory or v.claim), v.field) for v in session.new if isinstance(v, FactVersion)}
    now = None
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Trajectory):
            fields, subject = TRAJECTORY_FIELDS, "trajectory"
        elif isinstance(obj, MilestoneClaim):
            fields, subject = CLAIM_FIELDS, "claim"
        else:
            continue
        for field, old, new in _changes(obj, fields):
            if (id(obj), field) in explicit:
                continue
            now = now or clock.now()
            session.add(FactVersion(**{subject: obj}, field=field, value=new, previous_value=old, recorded_at=now,
                                    source="recorded"))
