"""Bank statements (CAMT.053) read in by finance, and their entries matched to invoices as payments."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, enum_check
from .finance import Invoice, Payment
from .types import Money, UTCDateTime

#: booked: a payment was recorded from it; unmatched: waits for a person; ignored: a person decided it is no payment.
BANK_ENTRY_STATES = ("booked", "unmatched", "ignored")


class BankStatement(Base):
    """One CAMT.053 statement file as read in; the same file is never read twice (its hash is unique)."""

    __tablename__ = "bank_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_iban: Mapped[str] = mapped_column(String(34))
    statement_ref: Mapped[str] = mapped_column(String(35))  # <Stmt><Id>
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())

    entries: Mapped[list[BankEntry]] = relationship(back_populates="statement", order_by="BankEntry.id")


class BankEntry(Base):
    """One entry (<Ntry>) of a statement: booked as a payment, waiting for a person, or set aside with a reason.

    `entry_key` identifies the bank's entry across files (account + the bank's own reference, or the entry's
    facts when the bank gives none), so an entry that appears in two statements is booked once.
    """

    __tablename__ = "bank_entry"
    __table_args__ = (
        CheckConstraint(enum_check("status", BANK_ENTRY_STATES), name="status"),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint("(status = 'booked') = (payment_id IS NOT NULL)", name="booked_has_payment"),
        UniqueConstraint("entry_key"),
        UniqueConstraint("payment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statement.id"), index=True)
    entry_key: Mapped[str] = mapped_column(String(64))
    booked_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())  # as the bank books it: credit positive, debit negative
    counterparty: Mapped[str] = mapped_column(String(140), default="")
    remittance: Mapped[str] = mapped_column(String(500), default="")
    bank_reference: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(12), index=True)
    note: Mapped[str] = mapped_column(String(300), default="")  # why unmatched, or why a person set it aside
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    statement: Mapped[BankStatement] = relationship(back_populates="entries")
    invoice: Mapped[Invoice | None] = relationship()
    payment: Mapped[Payment | None] = relationship()
