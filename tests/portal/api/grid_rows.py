"""One row per API endpoint: the URL and a valid request for tenant A's object.

Who may use an endpoint follows from its declaration (token kinds and scope, portal.api.framework);
a row says only how to call it and whether the other tenant's token must get 404 (`own_object`):
true when the request names one of tenant A's objects, false for a list of one's own things.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from ... import factories as f
from ..access.world import World


@dataclass(frozen=True)
class ApiRow:
    name: str
    method: str
    url: Callable[[World], str]
    json: Callable[[World], dict] | None = None
    form: Callable[[World], dict] | None = None
    own_object: bool = True
    extra: dict = field(default_factory=dict)


def _files(extra: dict) -> dict:
    return dict(extra, files=[(io.BytesIO(f.PDF_BYTES), "bewijs.pdf")])


def _import(w) -> dict:
    """A one-row import of tenant A's trajectory; another bureau's token gets a 422 naming the row (not its own)."""
    header = ("traject;soort;datum;werkgever;kvk_werkgever;contractsoort;uren_per_week;bruto_maandloon;"
              "uitkering_stopt;plaatsing_start;soort_bewijs;bewijsstukken;toelichting")
    line = f"{w.trajectory_a.ref};intake;03-02-2026;;;;;;;;presentielijst;bewijs.pdf;"
    return {"files": [(io.BytesIO(f"{header}\r\n{line}\r\n".encode()), "export.csv"),
                      (io.BytesIO(f.PDF_BYTES), "bewijs.pdf")]}


T = "/api/v1/trajectories/{}"
ROWS = [
    ApiRow("list_referrals", "GET", lambda w: "/api/v1/referrals", own_object=False),
    ApiRow("accept_referral", "POST", lambda w: f"/api/v1/referrals/{w.trajectory_a.id}/accept",
           json=lambda w: {"start": "2026-02-01"}),
    ApiRow("decline_referral", "POST", lambda w: f"/api/v1/referrals/{w.trajectory_a.id}/decline",
           json=lambda w: {"reason": "Geen plek"}),
    ApiRow("list_trajectories", "GET", lambda w: "/api/v1/trajectories?limit=5", own_object=False),
    ApiRow("get_trajectory_detail", "GET", lambda w: T.format(w.trajectory_a.id)),
    ApiRow("submit_plan", "POST", lambda w: T.format(w.trajectory_a.id) + "/plan",
           json=lambda w: {"text": "Wekelijks sollicitatietraining en twee stages bij werkgevers."}),
    ApiRow("approve_plan", "POST", lambda w: T.format(w.trajectory_a.id) + "/plan/approve"),
    ApiRow("return_plan", "POST", lambda w: T.format(w.trajectory_a.id) + "/plan/return",
           json=lambda w: {"feedback": "Meer stages graag."}),
    ApiRow("end_trajectory", "POST", lambda w: T.format(w.trajectory_a.id) + "/end",
           json=lambda w: {"end": "2026-06-30", "reason": "other"}),
    ApiRow("create_claim", "POST", lambda w: T.format(w.trajectory_a.id) + "/claims",
           form=lambda w: _files({"type": "intake", "happened": "2026-02-03", "evidence_kind": "other"})),
    ApiRow("create_placement", "POST", lambda w: T.format(w.trajectory_a.id) + "/placements",
           form=lambda w: _files({"employer_name": "Bakkerij De Korst", "start_date": "2026-03-01",
                                  "contract_type": "vast", "hours_per_week": "32", "gross_wage": "2400.00",
                                  "benefit_ends": "fully"})),
    ApiRow("get_claim_detail", "GET", lambda w: f"/api/v1/claims/{w.claim_a.id}"),
    ApiRow("list_statements", "GET", lambda w: "/api/v1/statements", own_object=False),
    ApiRow("get_statement", "GET", lambda w: f"/api/v1/statements/{w.extra['run_a'].id}"),
    ApiRow("get_invoice", "GET", lambda w: f"/api/v1/invoices/{w.extra['invoice_a'].id}"),
    ApiRow("get_invoice_pdf", "GET", lambda w: f"/api/v1/invoices/{w.extra['invoice_a'].id}/pdf"),
    ApiRow("get_invoice_ubl", "GET", lambda w: f"/api/v1/invoices/{w.extra['invoice_a'].id}/ubl"),
    ApiRow("list_results", "GET", lambda w: "/api/v1/results?as_of=2026-06-30", own_object=False),
    ApiRow("list_objections", "GET", lambda w: "/api/v1/objections", own_object=False),
    ApiRow("get_objection_detail", "GET", lambda w: f"/api/v1/objections/{w.extra['objection_a'].id}"),
    ApiRow("create_objection", "POST", lambda w: "/api/v1/objections",
           json=lambda w: {"settlement_line_id": w.extra["withheld_line_a"].id,
                           "motivation": "De intake is op tijd ingediend, zie de bevestiging per e-mail."}),
    ApiRow("list_events", "GET", lambda w: "/api/v1/events", own_object=False),
    ApiRow("lookup_client", "POST", lambda w: "/api/v1/clients/lookup", own_object=False,
           json=lambda w: {"bsn": f._fresh_bsn(f.next_id())}),
    ApiRow("create_client", "POST", lambda w: "/api/v1/clients", own_object=False,
           json=lambda w: {"bsn": f._fresh_bsn(f.next_id()), "first_name": "Sanne", "last_name": "de Vries"}),
    ApiRow("check_import", "POST", lambda w: "/api/v1/imports/check", own_object=False, form=lambda w: _import(w)),
    ApiRow("store_import", "POST", lambda w: "/api/v1/imports", own_object=False, form=lambda w: _import(w)),
    ApiRow("list_contracts", "GET", lambda w: "/api/v1/contracts", own_object=False),
    ApiRow("refer", "POST", lambda w: f"/api/v1/clients/{w.trajectory_a.client_id}/referrals",
           json=lambda w: {"contract_id": w.contract_a.id, "referred_on": date(2026, 3, 1).isoformat()}),
]
#: The two public documents (no token): the UI grid has their rows (tests/portal/access/rows_api.py).
PUBLIC = ("openapi", "documentation")
