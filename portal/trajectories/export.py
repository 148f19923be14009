"""The bureau's trajectories as CSV for Dutch Excel: `;` separated, dd-mm-jjjj, no BSN, safe from formulas."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from .. import clock
from ..clients.facts import facts_on
from ..clients.labels import fact_label
from ..formatting import label
from ..models import User
from .listing import ListFilters, rows_query

HEADER = ["Traject", "Cliënt", "Achternaam", "Gemeente", "Doelgroepen (vandaag)", "Segment", "Contract",
          "Re-integratiebedrijf", "Status", "Trajectplan", "Aangemeld op", "Start", "Einde", "Reden einde",
          "Uitkering (vandaag)", "Cliëntprofiel (vandaag)"]

def export_rows(session: Session, user: User, filters: ListFilters) -> Iterator[list]:
    """Yield the header and one row per trajectory in the user's scope, streamed from the database."""
    yield HEADER
    result = session.execute(rows_query(user, filters, with_waiting=False).execution_options(yield_per=1000))
    today = clock.today()
    for batch in result.partitions():
        # The client's facts today, one query per thousand rows.
        facts = facts_on(session, {r.client_id: today for r in batch if r.client_id is not None})
        for r in batch:
            fact = facts.get(r.client_id)
            yield [r.ref, r.client_ref, r.client_name, r.municipality,
                   ", ".join(fact_label(g) for g in sorted(fact.target_groups)) if fact else "", label(r.segment),
                   r.contract_code, r.provider_name, label(r.status), label(r.plan_status), r.referred_on, r.start,
                   r.end, label(r.end_reason), fact_label(fact.benefit) if fact else "",
                   (fact.profile or "") if fact else ""]
