"""Settlement runs and their lines, invoices and credit notes, payments and objections."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, enum_check
from .contract import Contract
from .enums import DOCUMENT_KINDS, LINE_STATES, OBJECTION_STATES, RUN_STATES
from .organisation import Municipality, Provider
from .types import Money, Percentage, UTCDateTime

DELTA_REASONS = ("CORRECTION", "REVOKED")


class SettlementRun(Base):
    """An afrekening of one contract as of a date: prepared, submitted, approved by a second user, issued."""

    __tablename__ = "settlement_run"
    __table_args__ = (
        CheckConstraint(enum_check("status", RUN_STATES), name="status"),
        CheckConstraint("approved_by_id IS NULL OR approved_by_id <> prepared_by_id", name="four_eyes"),
        CheckConstraint("(status = 'issued') = (approved_at IS NOT NULL)", name="issued_when_approved"),
        Index("ix_settlement_run_contract_as_of", "contract_id", "as_of"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"))
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_reason: Mapped[str | None] = mapped_column(Text)
    total_payable: Mapped[Decimal] = mapped_column(Money())
    total_withheld: Mapped[Decimal] = mapped_column(Money())
    total_pending: Mapped[Decimal] = mapped_column(Money())
    total_delta: Mapped[Decimal] = mapped_column(Money())
    # The engine's whole answer (settlement document) as frozen when the draft was saved.
    engine_document: Mapped[dict] = mapped_column(JSON)

    contract: Mapped[Contract] = relationship()
    lines: Mapped[list[SettlementLine]] = relationship(back_populates="run", order_by="SettlementLine.position",
                                                       cascade="all, delete-orphan")


class SettlementLine(Base):
    """One claim × tranche as the engine judged it, plus what this run pays for it (the delta)."""

    __tablename__ = "settlement_line"
    __table_args__ = (
        UniqueConstraint("run_id", "milestone_ref", "tranche_code"),
        CheckConstraint(enum_check("status", LINE_STATES), name="status"),
        CheckConstraint("payable + withheld + pending = amount", name="parts_add_up"),
        CheckConstraint(f"delta_reason IS NULL OR ({enum_check('delta_reason', DELTA_REASONS)})",
                        name="delta_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("settlement_run.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("milestone_claim.id"), index=True)
    milestone_ref: Mapped[str] = mapped_column(String(40))
    trajectory_ref: Mapped[str] = mapped_column(String(40))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    tranche_code: Mapped[str] = mapped_column(String(40))
    milestone_type: Mapped[str | None] = mapped_column(String(30))
    milestone_date: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40))
    payable: Mapped[Decimal] = mapped_column(Money())
    withheld: Mapped[Decimal] = mapped_column(Money())
    pending: Mapped[Decimal] = mapped_column(Money())
    previously_invoiced: Mapped[Decimal] = mapped_column(Money())
    delta: Mapped[Decimal] = mapped_column(Money())
    delta_reason: Mapped[str | None] = mapped_column(String(20))
    funding: Mapped[dict] = mapped_column(JSON)  # source -> payable part, as strings
    explanation: Mapped[str | None] = mapped_column(Text)

    run: Mapped[SettlementRun] = relationship(back_populates="lines")
    municipality: Mapped[Municipality] = relationship()


class DocumentCounter(Base):
    """The next number of a series; locked in the issuing transaction so numbers have no gaps."""

    __tablename__ = "document_counter"
    __table_args__ = (CheckConstraint("next_number >= 1", name="next_number_positive"),)

    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    next_number: Mapped[int] = mapped_column(Integer, default=1)


class Invoice(Base):
    """An issued invoice or credit note: a frozen copy, never changed after issue."""

    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("series", "number"),
        CheckConstraint(enum_check("kind", DOCUMENT_KINDS), name="kind"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("total = subtotal + vat", name="total_adds_up"),
        CheckConstraint("(kind = 'invoice' AND total > 0) OR (kind = 'credit_note' AND total < 0)", name="sign"),
        CheckConstraint("length(pdf_sha256) = 64 AND length(ubl_sha256) = 64", name="hashes"),
        Index("ix_invoice_provider_issue_date", "provider_id", "issue_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    series: Mapped[str] = mapped_column(String(20))
    number: Mapped[int] = mapped_column(Integer)
    display_number: Mapped[str] = mapped_column(String(30), unique=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("settlement_run.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    vat_rate: Mapped[Decimal] = mapped_column(Percentage())
    subtotal: Mapped[Decimal] = mapped_column(Money())
    vat: Mapped[Decimal] = mapped_column(Money())
    total: Mapped[Decimal] = mapped_column(Money())
    # Frozen copy of parties, lines, annex and totals exactly as rendered.
    frozen: Mapped[dict] = mapped_column(JSON)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    ubl: Mapped[bytes] = mapped_column(LargeBinary)
    ubl_sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())

    run: Mapped[SettlementRun] = relationship()
    provider: Mapped[Provider] = relationship()
    municipality: Mapped[Municipality] = relationship()
    lines: Mapped[list[InvoiceLine]] = relationship(back_populates="invoice", order_by="InvoiceLine.number")
    payments: Mapped[list[Payment]] = relationship(back_populates="invoice", order_by="Payment.paid_on")


class InvoiceLine(Base):
    """One amount on an invoice, traceable to its settlement line, claim and tranche."""

    __tablename__ = "invoice_line"
    __table_args__ = (UniqueConstraint("invoice_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"))
    number: Mapped[int] = mapped_column(Integer)
    settlement_line_id: Mapped[int] = mapped_column(ForeignKey("settlement_line.id"), index=True)
    milestone_ref: Mapped[str] = mapped_column(String(40))
    tranche_code: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money())
    funding: Mapped[dict] = mapped_column(JSON)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class CreditNoteCorrection(Base):
    """A credit note refers to the invoices it corrects."""

    __tablename__ = "credit_note_correction"

    credit_note_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), primary_key=True)
    corrected_invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), primary_key=True)


class Payment(Base):
    """Money received against an invoice (or paid back against a credit note)."""

    __tablename__ = "payment"
    __table_args__ = (CheckConstraint("amount <> 0", name="amount_not_zero"),
                      UniqueConstraint("submission_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    reference: Mapped[str] = mapped_column(String(100))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The form's one-time key: a second submit of the same form records nothing twice.
    submission_key: Mapped[str | None] = mapped_column(String(36))

    invoice: Mapped[Invoice] = relationship(back_populates="payments")


class Objection(Base):
    """A bureau's bezwaar against a withheld line; the reviewer upholds or rejects it."""

    __tablename__ = "objection"
    __table_args__ = (
        CheckConstraint(enum_check("status", OBJECTION_STATES), name="status"),
        CheckConstraint("(status = 'open') = (decided_at IS NULL)", name="decided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_line_id: Mapped[int] = mapped_column(ForeignKey("settlement_line.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("milestone_claim.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    reason_objected: Mapped[str] = mapped_column(String(40))
    motivation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)

    settlement_line: Mapped[SettlementLine] = relationship()
