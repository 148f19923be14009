"""A municipality's yearly budget for re-integration on result, set by the admin (issue 8)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .organisation import Municipality
from .types import Money


class MunicipalityBudget(Base):
    """What one municipality may spend in one calendar year on the consortium's contracts (excl. btw)."""

    __tablename__ = "municipality_budget"
    __table_args__ = (
        UniqueConstraint("municipality_id", "year"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())

    municipality: Mapped[Municipality] = relationship()
