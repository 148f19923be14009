"""Runs over time without a database: `issue_runs`, `python -m settlement runs` and `explain --runs`."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from settlement import ReviewDecision, evaluate, issue_runs, parse_scenario, runs_document
from settlement.runs import documents_of

from .factories import HALF_HALF, D, make_claim, make_contract, placed_cohort, settle
from .test_cli import run
from .test_properties import FAST, scenarios
from .test_scenarios import FIXTURES

RUNS = FIXTURES / "09-runs-over-time.json"
EXPECTED = json.loads((FIXTURES / "09-runs-over-time.runs.expected.json").read_text())
RUN_LINE_KEYS = ["milestone", "trajectory", "municipality", "tranche", "invoiced_before", "payable_now", "amount",
                 "reason", "funding"]


def required(document: dict) -> dict:
    """Keep only the keys scenario-format.md requires of a runs document."""
    return {"format": document["format"], "runs": [
        {"as_of": r["as_of"], "contracts": [
            {"code": c["code"], "lines": [{k: line[k] for k in RUN_LINE_KEYS} for line in c["lines"]],
             "documents": c["documents"], "by_funding": c["by_funding"]} for c in r["contracts"]]}
        for r in document["runs"]]}


def test_the_worked_example_gives_its_runs_exactly():
    document = runs_document(issue_runs(parse_scenario(json.loads(RUNS.read_text()))))
    assert required(document) == EXPECTED
    assert json.dumps(required(document)) == json.dumps(EXPECTED)  # same order, same strings


def test_the_command_prints_the_runs_document():
    done = run("runs", str(RUNS))
    assert (done.returncode, done.stderr) == (0, "")
    assert required(json.loads(done.stdout)) == EXPECTED


def test_the_command_takes_its_own_dates_each_against_the_runs_before_it():
    done = run("runs", str(RUNS), "--as-of", "2026-06-30", "--as-of", "2028-03-31")
    assert done.returncode == 0
    runs = json.loads(done.stdout)["runs"]
    assert [r["as_of"] for r in runs] == ["2026-06-30", "2028-03-31"]
    first = {line["milestone"] for line in runs[0]["contracts"][0]["lines"]}
    assert "M0007" not in first  # approved and revoked before the first run: never invoiced, never credited


def test_without_run_dates_one_run_as_of_the_scenario_date():
    done = run("runs", str(FIXTURES / "01-basic.json"))
    document = json.loads(done.stdout)
    [only] = document["runs"]
    settlement = json.loads(run("evaluate", str(FIXTURES / "01-basic.json")).stdout)
    assert only["as_of"] == settlement["as_of"]
    for got, evaluated in zip(only["contracts"], settlement["contracts"]):
        assert [(line["milestone"], line["amount"]) for line in got["lines"]] == \
            [(line["milestone"], line["payable"]) for line in evaluated["lines"] if line["payable"] != "0.00"]
        assert [{k: d[k] for k in ("municipality", "subtotal", "vat", "total")} for d in got["documents"]] == \
            evaluated["invoices"]


def test_dates_that_go_back_are_refused_with_nothing_on_stdout():
    done = run("runs", str(RUNS), "--as-of", "2027-01-01", "2026-12-31", "2026-02-30")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [
        "--as-of: not a real date in the form YYYY-MM-DD: '2026-02-30'",
        "--as-of: 2026-12-31 is before the run of 2027-01-01: runs are issued in order",
    ]


def test_scenario_runs_that_go_back_are_refused(tmp_path):
    data = json.loads(RUNS.read_text())
    data["runs"] = ["2027-01-01", "2026-01-01"]
    path = tmp_path / "back.json"
    path.write_text(json.dumps(data))
    done = run("runs", str(path))
    assert (done.returncode, done.stdout) == (2, "")
    assert "runs[1]: runs go back" in done.stderr


def test_explain_runs_tells_run_by_run_why_the_amount_moved():
    done = run("explain", str(RUNS), "--line", "M0002", "--runs")
    assert done.returncode == 0, done.stderr
    runs = done.stdout.split("\n\n")
    assert len(runs) == len(EXPECTED["runs"])
    assert "geen verschuiving" in runs[0]
    assert "nieuw uitbetaalbaar" in runs[3] and "€ 1.200,00" in runs[3]
    assert "REVOKED" in runs[4] and "goedkeuring ingetrokken op 15-11-2027" in runs[4]
    assert "goedgekeurd op 01-02-2028" in runs[5]
    assert run("explain", str(RUNS), "--line", "NOPE", "--runs").returncode == 1


def test_credit_note_vat_rounds_half_away_from_zero():
    contract = make_contract(norm=None, price=D("2.50"), vat_rate=D("21"))  # intake 20 % = 0.50; VAT 0.105
    trajectories = placed_cohort(1, 0)[0]
    claim = make_claim("M1", "T000")
    runs = issue_runs_of(contract, trajectories, [claim], [date(2026, 3, 1), date(2026, 6, 1)],
                         revoked_on=date(2026, 5, 1))
    invoice, credit = runs[0].documents[0], runs[1].documents[0]
    assert (invoice.kind, invoice.subtotal, invoice.vat, invoice.total) == ("invoice", D("0.50"), D("0.11"),
                                                                            D("0.61"))
    assert (credit.kind, credit.subtotal, credit.vat, credit.total) == ("credit_note", D("-0.50"), D("-0.11"),
                                                                        D("-0.61"))


def issue_runs_of(contract, trajectories, claims, dates, revoked_on=None):
    """Issue runs for loose facts by wrapping them in a scenario."""
    from settlement import Consortium, Municipality, Provider, Scenario
    if revoked_on is not None:
        claims = [replace(c, reviews=(*c.reviews, ReviewDecision("revoked", revoked_on))) for c in claims]
    scenario = Scenario(as_of=dates[-1], consortium=Consortium(code="NK", name="NK"),
                        municipalities=(Municipality(code="0361", name="Alkmaar"),),
                        providers=(Provider(code="P1", name="P"),), contracts=(contract,),
                        trajectories=tuple(trajectories), milestones=tuple(claims))
    return [run.contracts[0] for run in issue_runs(scenario, dates)]


def test_documents_net_per_municipality_and_split_credits_as_their_absolute_value():
    first = settle(make_contract(norm=None, price=D("0.05")), placed_cohort(1, 0)[0], [make_claim("M1", "T000")],
                   as_of=date(2026, 3, 1))
    line = first.lines[0]
    assert dict(line.funding) == {"ESF": D("0.01"), "WERKDEEL": D("0.00")}
    from settlement.runs import RunLine
    credit = RunLine(milestone="M1", tranche="intake", trajectory="T000", municipality="0361",
                     invoiced_before=D("0.01"), payable_now=D("0"), amount=D("-0.01"), reason="REVOKED",
                     status=None, line_reason=None, funding={"ESF": D("-0.01"), "WERKDEEL": D("0.00")})
    nets, documents, by_funding = documents_of([credit], D("21"), [s.source for s in HALF_HALF])
    assert nets == {"0361": D("-0.01")}
    assert [(d.kind, d.vat, d.total) for d in documents] == [("credit_note", D("0.00"), D("-0.01"))]
    assert by_funding == {"ESF": D("-0.01"), "WERKDEEL": D("0.00")}


@st.composite
def scenarios_with_run_dates(draw):
    scenario = draw(scenarios())
    dates = sorted(draw(st.lists(st.integers(0, 1400), min_size=1, max_size=5)))
    return scenario, [date(2026, 1, 1) + timedelta(days=d) for d in dates]


@FAST
@given(scenarios_with_run_dates())
def test_the_runs_add_up_to_what_is_payable_on_the_last_date(case):
    scenario, dates = case
    runs = issue_runs(scenario, dates)
    moved: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for scenario_run in runs:
        for result in scenario_run.contracts:
            for change in result.changes:
                assert change.amount != 0
                assert change.amount == change.payable_now - change.invoiced_before
                if result.result.contract.funding:
                    assert sum(change.funding.values(), D(0)) == change.amount
                else:
                    assert change.funding == {}
                approved = change.line is not None and change.line.review == "approved"
                if change.invoiced_before:  # section 9 precedence: REVOKED, CORRECTION, None
                    assert change.reason == ("CORRECTION" if approved else "REVOKED")
                else:
                    assert change.reason == ("CORRECTION" if change.previous_status == "withheld" else None)
                moved[result.result.code, change.milestone, change.tranche] += change.amount
            for document in result.documents:
                assert document.total == document.subtotal + document.vat
                assert (document.kind == "invoice") == (document.subtotal > 0)
                assert sum(c.amount for c in document.lines) == document.subtotal
    last = evaluate(scenario, dates[-1])
    payable = {(c.code, line.milestone, line.tranche): line.payable for c in last.contracts for line in c.lines
               if line.payable}
    assert {k: v for k, v in moved.items() if v} == payable
    text = json.dumps(runs_document(runs))
    assert '"-0.00"' not in text


@FAST
@given(scenarios_with_run_dates())
def test_a_run_repeated_on_the_same_date_moves_nothing(case):
    scenario, dates = case
    runs = issue_runs(scenario, [*dates, dates[-1]])
    assert all(result.changes == () and result.documents == () for result in runs[-1].contracts)
