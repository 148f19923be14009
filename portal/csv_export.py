"""CSV for Dutch Excel: `;` separated, UTF-8 with a BOM, dates dd-mm-jjjj, amounts with a decimal comma.

Every free-text cell that starts like a formula (= + - @) gets a leading quote, so a
name such as "=HYPERLINK(...)" cannot run in a spreadsheet (CSV injection); amounts are
written here, so a negative amount stays a number.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """Return free text safe for a spreadsheet: a formula-like start is neutralised with a quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def amount_cell(value: Decimal) -> str:
    """Return an amount as 1234,56 or -1234,56 (no thousands separator: Excel reads it as a number)."""
    return f"{Decimal(value):.2f}".replace(".", ",")


def cell(value) -> str:
    """Return one cell: amounts and dates in Dutch notation, text formula-safe."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return amount_cell(value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return text_cell(str(value))


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """Yield the CSV text piece by piece, the BOM first (so Excel reads UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    yield "\ufeff"
    for row in rows:
        writer.writerow([cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_text(rows: Iterable[list]) -> str:
    """Return the whole CSV as one string."""
    return "".join(csv_lines(rows))
