"""Consortium, municipalities (gemeenten) and re-integration bureaus (providers)."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class Consortium(Base):
    __tablename__ = "consortium"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    lead_municipality_code: Mapped[str | None] = mapped_column(String(4))
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))

    municipalities: Mapped[list[Municipality]] = relationship(back_populates="consortium",
                                                              order_by="Municipality.cbs_code")


class Municipality(Base):
    __tablename__ = "municipality"
    __table_args__ = (CheckConstraint("length(cbs_code) = 4", name="cbs_code_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consortium_id: Mapped[int] = mapped_column(ForeignKey("consortium.id"), index=True)
    cbs_code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    # Electronic address for e-invoices: the OIN (Peppol scheme 0190) or the KvK number (0106).
    oin: Mapped[str | None] = mapped_column(String(20))
    kvk: Mapped[str | None] = mapped_column(String(8))

    consortium: Mapped[Consortium] = relationship(back_populates="municipalities")


class Provider(Base):
    """A re-integration bureau (re-integratiebedrijf)."""

    __tablename__ = "provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kvk: Mapped[str | None] = mapped_column(String(8))
    vat_id: Mapped[str | None] = mapped_column(String(14))
    iban: Mapped[str | None] = mapped_column(String(34))
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
