"""Example 09 issued run by run through the portal gives the engine's runs document, to the cent."""
from __future__ import annotations

import json
from datetime import date

import settlement
from settlement.reviews import STATUS_OF
from sqlalchemy import select

from portal.finance.issuing import approve_run
from portal.finance.runs import start_run, submit_run
from portal.models import MilestoneClaim
from .helpers import SCENARIOS, finance_pair, freeze_today, import_example

EXPECTED = json.loads((SCENARIOS / "09-runs-over-time.runs.expected.json").read_text())


def decide_as_of(db, scenario: settlement.Scenario, day: date) -> None:
    """Put each claim in the review state its history has on `day`, as reviewers would have by then."""
    claims = {c.ref: c for c in db.scalars(select(MilestoneClaim))}
    for milestone in scenario.milestones:
        decision = settlement.decision_on(milestone.reviews, day)
        claim = claims[milestone.ref]
        claim.review = "pending" if decision is None else STATUS_OF[decision.decision]
        claim.reviewed = None if decision is None else decision.date
    db.flush()


def test_example_09_issued_through_the_portal_matches_the_runs_document(db, monkeypatch):
    scenario, contract = import_example(db, "09-runs-over-time")
    preparer, approver = finance_pair(db)
    assert [r["as_of"] for r in EXPECTED["runs"]] == [d.isoformat() for d in scenario.runs]
    for expected_run in EXPECTED["runs"]:
        day = date.fromisoformat(expected_run["as_of"])
        freeze_today(monkeypatch, day)
        decide_as_of(db, scenario, day)
        run = start_run(db, preparer, contract, day)
        submit_run(db, preparer, run)
        invoices = approve_run(db, approver, run.id)
        [expected] = expected_run["contracts"]
        where = f"run as of {day}"
        assert run.status == "issued", where
        assert [(i.municipality.cbs_code, i.kind, str(i.subtotal), str(i.vat), str(i.total)) for i in invoices] == \
            [(d["municipality"], d["kind"], d["subtotal"], d["vat"], d["total"]) for d in expected["documents"]], where
        got_lines = [(line.milestone_ref, line.tranche_code, str(line.amount), line.reason,
                      {s: str(v) for s, v in line.funding.items()})
                     for invoice in invoices for line in invoice.lines]
        want_lines = [(line["milestone"], line["tranche"], line["amount"], line["reason"], line["funding"])
                      for municipality in sorted({line["municipality"] for line in expected["lines"]})
                      for line in expected["lines"] if line["municipality"] == municipality]
        assert sorted(got_lines, key=str) == sorted(want_lines, key=str), where
        frozen = {(line.milestone_ref, line.tranche_code): line for line in run.lines if line.delta != 0}
        for line in expected["lines"]:
            kept = frozen[(line["milestone"], line["tranche"])]
            assert (str(kept.previously_invoiced), str(kept.delta), kept.delta_reason) == \
                (line["invoiced_before"], line["amount"], line["reason"]), where
