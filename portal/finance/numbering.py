"""Gapless document numbers: a counter row per series, locked in the issuing transaction.

A sequence would leave gaps when a transaction rolls back; a locked counter row does not:
the increment commits or rolls back together with the documents that use it.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import DocumentCounter


def series_for(consortium_code: str, kind: str, year: int) -> str:
    """Invoices and credit notes are numbered in their own series per consortium and year."""
    return f"{consortium_code}{year}" + ("C" if kind == "credit_note" else "")


def display_number(series: str, number: int) -> str:
    return f"{series}-{number:06d}"


def take_number(session: Session, series: str) -> int:
    """Return the next number of a series; the row stays locked until the transaction ends."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(DocumentCounter).values(series=series, next_number=1)
                    .on_conflict_do_nothing(index_elements=["series"]))
    counter = session.execute(select(DocumentCounter).where(DocumentCounter.series == series)
                              .with_for_update().execution_options(populate_existing=True)).scalar_one()
    number = counter.next_number
    counter.next_number = number + 1
    session.flush()
    return number
