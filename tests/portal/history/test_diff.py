"""The diff between runs: line by line, and why in Dutch (decision or correction, when and by whom)."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from portal.history.diff import compare
from portal.models import MilestoneClaim
from portal.objections.service import decide_objection, file_objection
from portal.review.service import revoke_approval

from ... import factories as f
from ..finance.helpers import finance_pair, freeze_today, import_example
from ..objections.conftest import AS_OF as OW_AS_OF, MOTIVATION, issue, login, ow, today  # noqa: F401 (fixtures)

AS_OF = date(2028, 3, 31)


@pytest.fixture
def two_runs(db, monkeypatch):
    freeze_today(monkeypatch, date(2028, 4, 2))
    _, contract = import_example(db, "01-basic")
    preparer, approver = finance_pair(db)
    first, _ = issue(db, contract, preparer, approver, AS_OF)
    reviewer = f.create_user(db, "reviewer")
    claim = db.scalar(select(MilestoneClaim).where(MilestoneClaim.ref == "M0005"))
    revoke_approval(db, reviewer, claim, reason_text="Auditbevinding.", decided_on=date(2028, 4, 1))
    second, _ = issue(db, contract, preparer, approver, date(2028, 4, 1))
    return contract, first, second, reviewer


def test_the_diff_names_the_revocation_and_the_cohort_it_changed(db, two_runs):
    contract, first, second, reviewer = two_runs
    _, _, lines = compare(db, contract, first, second)
    by_key = {(line.milestone, line.tranche): line for line in lines}
    revoked = by_key[("M0005", "plaatsing")]
    assert revoked.old[0] == "payable" and revoked.new is None  # a revoked claim has no line any more
    assert any("goedkeuring ingetrokken" in why and reviewer.name in why and "01-04-2028" in why
               for why in revoked.why)
    # M0002 is in the same cohort: it changed because another claim of the cohort was revoked.
    cohort_line = by_key[("M0002", "plaatsing")]
    assert cohort_line.new[2] == "NORM_NOT_MET"
    assert any("cohort" in why and "M0005" in why for why in cohort_line.why)
    # Unchanged lines are not listed.
    assert all(line.old != line.new for line in lines)


def test_the_diff_against_a_preview_of_the_same_date_is_empty(db, two_runs):
    contract, _, second, _ = two_runs
    _, _, lines = compare(db, contract, second, None, date(2028, 4, 1))
    assert lines == []


def test_the_diff_command_writes_json(app, db, two_runs):
    contract, first, second, _ = two_runs
    db.commit()
    result = app.test_cli_runner().invoke(args=["settlement", "diff", "--contract", contract.code, "--from",
                                                str(first.id), "--to", str(second.id), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    row = next(r for r in document["lines"] if r["milestone"] == "M0005" and r["tranche"] == "plaatsing")
    assert row["old_status"] == "payable" and "ingetrokken" in row["why"]
    result = app.test_cli_runner().invoke(args=["settlement", "diff", "--contract", contract.code, "--from",
                                                str(first.id), "--to", "preview", "--as-of", "2028-13-01"])
    assert result.exit_code == 2 and "--as-of" in result.output


def test_the_diff_page_and_csv_for_finance(app, db, two_runs):
    contract, first, second, _ = two_runs
    user = f.create_user(db, "finance")
    db.commit()
    client = app.test_client()
    login(client, user)
    query = f"contract={contract.code}&from={first.id}&to={second.id}"
    html = client.get(f"/afrekeningen/verschil?{query}").get_data(as_text=True)
    assert "M0005" in html and "goedkeuring ingetrokken" in html
    response = client.get(f"/afrekeningen/verschil.csv?{query}")
    assert response.status_code == 200 and "M0005" in response.get_data(as_text=True)
    bad = client.get(f"/afrekeningen/verschil?contract={contract.code}&from={first.id}&to=preview&as_of=morgen")
    assert bad.status_code == 400 and "Peildatum" in bad.get_data(as_text=True)


def test_an_upheld_date_correction_explains_the_correction_line(db, ow):
    objection = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    decide_objection(db, ow.reviewer, objection, uphold=True, reason="E-mail gezien.", corrected_date=date(2026, 3, 20))
    second, _ = issue(db, ow.contract, ow.preparer, ow.approver, OW_AS_OF)
    _, _, lines = compare(db, ow.contract, ow.run, second)
    line = next(line for line in lines if line.milestone == ow.late.ref)
    assert line.old[2] == "LATE_SUBMISSION" and line.new[0] == "payable"
    assert any("correctie van de indieningsdatum" in why and f"bezwaar {objection.id}" in why
               and ow.reviewer.name in why for why in line.why)


def test_the_diff_says_when_the_reference_date_made_a_cohort_final(db, monkeypatch):
    from portal.finance.preview import preview
    freeze_today(monkeypatch, date(2028, 4, 2))
    _, contract = import_example(db, "01-basic")
    final_on = next(c.final_on for c in preview(db, contract, AS_OF).cohorts if c.final)
    preparer, approver = finance_pair(db)
    before, _ = issue(db, contract, preparer, approver, final_on.replace(day=1) if final_on.day > 1 else final_on)
    _, _, lines = compare(db, contract, before, None, final_on)
    made_final = [line for line in lines if line.old and line.old[2] == "NORM_PENDING"]
    assert made_final and all(any("definitief" in why for why in line.why) for line in made_final)


def test_corrections_since_the_last_run_on_the_finance_pages(app, db, ow):
    objection = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    decide_objection(db, ow.reviewer, objection, uphold=True, reason="E-mail gezien.", corrected_date=date(2026, 3, 20))
    db.commit()
    client = app.test_client()
    login(client, ow.preparer)
    html = client.get("/afrekeningen/correcties").get_data(as_text=True)
    assert ow.late.ref in html and f"bezwaar {objection.id}" in html and ow.reviewer.name in html
    start = client.get("/start").get_data(as_text=True)
    assert "Correcties sinds de laatste afrekening" in start
    from portal.history.corrections import corrections_count
    assert corrections_count(db) == 1
    issue(db, ow.contract, ow.preparer, ow.approver, OW_AS_OF)
    assert corrections_count(db) == 0


def test_an_over_volume_objection_is_settled_by_an_amendment_and_the_diff_names_it(db, monkeypatch):
    """Over volume: the objection can only point to an amendment; once approved, the next run pays the
    lines as corrections, the diff names the amendment, and both runs still replay with their own terms."""
    from dataclasses import replace
    from types import MappingProxyType

    from portal.contracts.amendments import approve_amendment, propose_amendment
    from portal.finance.facts import load_facts
    from portal.history.replay import replay

    freeze_today(monkeypatch, date(2027, 1, 5))
    _, contract = import_example(db, "04-volume-caps")
    preparer, approver = finance_pair(db)
    first, _ = issue(db, contract, preparer, approver, date(2026, 12, 31))
    over = [line for line in first.lines if line.reason == "OVER_VOLUME"]
    assert over
    admin, second_admin = f.create_user(db, "admin"), f.create_user(db, "admin")
    terms = load_facts(db, contract).contract
    raised = replace(terms, max_trajectories=50, municipality_caps=MappingProxyType(
        {code: 50 for code in terms.municipality_caps}))
    version = propose_amendment(db, admin, contract, raised, "Plafond verhoogd na bezwaar over volume.")
    approve_amendment(db, second_admin, version)
    second, _ = issue(db, contract, preparer, approver, date(2027, 1, 5))
    corrected = {line.milestone_ref for line in second.lines if line.delta_reason == "CORRECTION"}
    assert {line.milestone_ref for line in over} <= corrected
    _, _, lines = compare(db, contract, first, second)
    line = next(line for line in lines if line.milestone == over[0].milestone_ref)
    assert any(f"Contractwijziging versie {version.number}" in why and second_admin.name in why for why in line.why)
    assert replay(db) == (2, [])
