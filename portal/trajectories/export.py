"""The bureau's trajectories as CSV for Dutch Excel: `;` separated, dd-mm-jjjj, no BSN, safe from formulas."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from ..formatting import label
from ..models import User
from .listing import ListFilters, rows_query

HEADER = ["Traject", "Cliënt", "Achternaam", "Gemeente", "Doelgroep", "Segment", "Contract", "Re-integratiebedrijf",
          "Status", "Trajectplan", "Aangemeld op", "Start", "Einde", "Reden einde"]

def export_rows(session: Session, user: User, filters: ListFilters) -> Iterator[list]:
    """Yield the header and one row per trajectory in the user's scope, streamed from the database."""
    yield HEADER
    result = session.execute(rows_query(user, filters, with_waiting=False).execution_options(yield_per=1000))
    for r in result:
        yield [r.ref, r.client_ref, r.client_name, r.municipality, label(r.target_group), label(r.segment),
               r.contract_code, r.provider_name, label(r.status), label(r.plan_status), r.referred_on, r.start,
               r.end, label(r.end_reason)]
