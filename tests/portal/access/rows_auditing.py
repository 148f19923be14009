"""Grid rows of the auditor's workspace: the trail and samples for the auditor only; handed-over findings for
the contract managers. The SETUP hook draws a sample on contract_a's paid lines (from the finance hook's run)."""
from datetime import date
from decimal import Decimal

from portal.auditing.sampling import SampleRequest, create_sample

from ... import factories as f
from .rows import Row
from .world import SETUP

AUDITOR = frozenset({"auditor"})
REVIEWER = frozenset({"reviewer"})


def _sample_for_contract_a(world, db) -> None:
    auditor = world.users["auditor"]
    f.create_claim(db, world.trajectory_a, "placement", review="approved", reviewed=date(2026, 3, 2))
    request = SampleRequest(contract_id=world.contract_a.id, segment=None, period_start=date(2026, 1, 1),
                            period_end=date(2026, 12, 31), population="approved_claims", method="attribute",
                            confidence=Decimal("95"), tolerable=Decimal("10"), expected=Decimal("0"), seed="abc123")
    world.extra["sample_a"] = create_sample(db, auditor, request)


SETUP.append(_sample_for_contract_a)


def _sample(w) -> str:
    return f"/controle/steekproeven/{w.extra['sample_a'].id}"


def _item(w) -> str:
    return _sample(w) + f"/posten/{w.extra['sample_a'].items[0].id}"


ROWS = [
    Row("auditing.events", "GET", lambda w: "/controle/audittrail", AUDITOR),
    Row("auditing.timeline", "GET", lambda w: f"/controle/audittrail/milestone_claim/{w.claim_a.id}", AUDITOR),
    Row("auditing.export_csv", "GET", lambda w: "/controle/audittrail/export.csv", AUDITOR),
    Row("auditing.export_json", "GET", lambda w: "/controle/audittrail/export.json", AUDITOR),
    Row("auditing.samples", "GET", lambda w: "/controle/steekproeven", AUDITOR),
    Row("auditing.create", "POST", lambda w: "/controle/steekproeven", AUDITOR,
        data=lambda w: {"contract": str(w.contract_a.id), "van": "2026-01-01", "tot": "2026-12-31",
                        "populatie": "approved_claims", "methode": "attribute", "betrouwbaarheid": "95",
                        "toelaatbaar": "10", "verwacht": "0"}),
    Row("auditing.sample", "GET", _sample, AUDITOR),
    Row("auditing.finding", "POST", _item, AUDITOR,
        data=lambda w: {f"item{w.extra['sample_a'].items[0].id}-bevinding": "correct"}),
    Row("auditing.hand_over_finding", "POST", lambda w: _item(w) + "/overdragen", AUDITOR),
    Row("auditing.report", "GET", lambda w: _sample(w) + "/rapport.pdf", AUDITOR),
    Row("auditing.handed_over", "GET", lambda w: "/controle/bevindingen", REVIEWER),
]
