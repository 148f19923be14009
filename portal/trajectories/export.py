"""The bureau's trajectories as CSV for Dutch Excel: `;` separated, dd-mm-jjjj, no BSN, safe from formulas."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy.orm import Session

from ..formatting import label
from ..models import User
from .listing import ListFilters, rows_query

HEADER = ["Traject", "Cliënt", "Achternaam", "Gemeente", "Doelgroep", "Segment", "Contract", "Re-integratiebedrijf",
          "Status", "Trajectplan", "Aangemeld op", "Start", "Einde", "Reden einde"]

# A cell starting with one of these is a formula to a spreadsheet (CSV injection): prefix it with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Return the cell as text: dates as dd-mm-jjjj, formula-looking text neutralised."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """Yield the CSV text line by line (with a BOM first, so Excel reads UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    yield "\ufeff"
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def export_rows(session: Session, user: User, filters: ListFilters) -> Iterator[list]:
    """Yield the header and one row per trajectory in the user's scope, streamed from the database."""
    yield HEADER
    result = session.execute(rows_query(user, filters, with_waiting=False).execution_options(yield_per=1000))
    for r in result:
        yield [r.ref, r.client_ref, r.client_name, r.municipality, label(r.target_group), label(r.segment),
               r.contract_code, r.provider_name, label(r.status), label(r.plan_status), r.referred_on, r.start,
               r.end, label(r.end_reason)]
