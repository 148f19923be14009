"""Review histories (section 2): the decision in force on as_of decides, one function for every rule."""
from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date

import pytest

from settlement import (
    Milestone,
    ReviewDecision,
    ScenarioError,
    contract_document,
    decision_on,
    dump_scenario,
    evaluate,
    explain_line,
    parse_scenario,
    status_on,
)
from settlement.scenario_writer import dump_milestone

from .factories import line_of, make_claim, make_trajectory, placed_cohort, settle
from .test_scenarios import FIXTURES

HISTORY = json.loads((FIXTURES / "08-review-history.json").read_text())
A, R, V = "approved", "rejected", "revoked"


def history(*decisions: tuple[str, date]) -> tuple[ReviewDecision, ...]:
    return tuple(ReviewDecision(d, day) for d, day in decisions)


REVOKED_LATER = history((A, date(2026, 3, 20)), (V, date(2027, 1, 15)))


@pytest.mark.parametrize("as_of, status", [
    (date(2026, 3, 19), "pending"),  # before the first decision
    (date(2026, 3, 20), "approved"),  # a decision counts on its own date
    (date(2027, 1, 14), "approved"),  # the revocation has not happened yet
    (date(2027, 1, 15), "rejected"),  # revoked counts as rejected
])
def test_status_is_that_of_the_last_decision_on_or_before_as_of(as_of, status):
    assert status_on(REVOKED_LATER, as_of) == status


def test_of_decisions_on_one_date_the_later_in_the_list_wins():
    same_day = history((R, date(2026, 4, 1)), (A, date(2026, 4, 1)))
    assert status_on(same_day, date(2026, 4, 1)) == "approved"
    assert decision_on(same_day, date(2026, 4, 1)) == same_day[1]
    assert status_on(tuple(reversed(same_day)), date(2026, 4, 1)) == "rejected"
    assert status_on((), date(2030, 1, 1)) == "pending"


def test_a_revocation_after_as_of_does_not_change_an_earlier_settlement():
    trajectories, claims = placed_cohort(2, 1)  # 1 of 2 placed: 50 % against a 35 % norm
    as_of = date(2028, 4, 1)
    before = settle(trajectories=trajectories, claims=claims, as_of=as_of)
    assert before.cohorts[0].status == "met"
    revoked = [replace(c, reviews=(*c.reviews, ReviewDecision(V, date(2028, 5, 1)))) if c.type == "placement" else c
               for c in claims]
    replayed = settle(trajectories=trajectories, claims=revoked, as_of=as_of)
    assert contract_document(replayed) == contract_document(before)
    after = settle(trajectories=trajectories, claims=revoked, as_of=date(2028, 5, 1))
    assert after.cohorts[0].status == "not_met"
    assert after.no_line["MT000"] == "REJECTED"


def test_a_cohort_final_on_one_date_is_pending_on_a_later_one_while_a_new_review_is_awaited():
    trajectories, claims = placed_cohort(1, 1)
    as_of = date(2028, 4, 1)
    assert settle(trajectories=trajectories, claims=claims, as_of=as_of).cohorts[0].final
    # Rejected, then approved again later: in between the claim counts for nothing.
    claim = replace(claims[0], reviews=(*claims[0].reviews, ReviewDecision(R, date(2028, 5, 1)),
                                        ReviewDecision(A, date(2028, 6, 1))))
    between = settle(trajectories=trajectories, claims=[claim], as_of=date(2028, 5, 15))
    assert (between.cohorts[0].status, between.cohorts[0].numerator) == ("not_met", 0)
    again = settle(trajectories=trajectories, claims=[claim], as_of=date(2028, 6, 1))
    assert (again.cohorts[0].status, line_of(again, "MT000").reviewed) == ("met", date(2028, 6, 1))


def test_the_primary_claim_is_chosen_by_the_status_as_of():
    first = make_claim("M1", day=date(2026, 2, 3))
    first = replace(first, reviews=(*first.reviews, ReviewDecision(V, date(2026, 6, 1))))
    second = make_claim("M2", day=date(2026, 2, 5))
    early = settle(trajectories=[make_trajectory()], claims=[first, second], as_of=date(2026, 5, 1))
    assert (line_of(early, "M1").status, line_of(early, "M2").reason) == ("payable", "DUPLICATE_CLAIM")
    late = settle(trajectories=[make_trajectory()], claims=[first, second], as_of=date(2026, 6, 1))
    assert late.line("M1") is None and line_of(late, "M2").status == "payable"


def test_explain_names_the_decision_in_force_and_the_later_ones_it_ignores():
    settlement = evaluate(parse_scenario(copy.deepcopy(HISTORY)))
    text = explain_line(settlement, "M0002")
    assert "goedgekeurd op 20-03-2026 (besluit 1 van 2" in text
    assert "goedkeuring ingetrokken op 15-11-2027" in text and "telt niet mee: na de peildatum 31-10-2027" in text
    text = explain_line(settlement, "M0008")
    assert "goedkeuring ingetrokken op 01-06-2026" in text and "telt daarom als afgewezen" in text
    assert "goedgekeurd op 10-01-2028" in text


def milestone_problems(**fields) -> list[tuple[str, str]]:
    data = copy.deepcopy(HISTORY)
    milestone = data["milestones"][1]  # M0002, which has a history
    for key, value in fields.items():
        if value is None:
            milestone.pop(key, None)
        else:
            milestone[key] = value
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    return [(p.path, p.message) for p in caught.value.problems]


@pytest.mark.parametrize("fields, path, words", [
    (dict(review="approved"), "milestones[1].review", "not allowed together with reviews"),
    (dict(reviewed="2026-03-20"), "milestones[1].reviewed", "not allowed together with reviews"),
    (dict(reviews=[]), "milestones[1].reviews", "must not be empty"),
    (dict(reviews="approved"), "milestones[1].reviews", "expected an array"),
    (dict(reviews=[{"decision": "approved"}]), "milestones[1].reviews[0].date", "required key missing"),
    (dict(reviews=[{"date": "2026-03-20"}]), "milestones[1].reviews[0].decision", "required key missing"),
    (dict(reviews=[{"decision": "approved", "date": None}]), "milestones[1].reviews[0].date", "must not be null"),
    (dict(reviews=[{"decision": "approved", "date": "2026-03-20", "by": "x"}]), "milestones[1].reviews[0].by",
     "unknown key"),
    (dict(reviews=[{"decision": "pending", "date": "2026-03-20"}]), "milestones[1].reviews[0].decision",
     "unknown decision"),
    (dict(reviews=[{"decision": "approved", "date": "2026-03-20"}, {"decision": "rejected", "date": "2026-03-19"}]),
     "milestones[1].reviews[1].date", "dates go back"),
    (dict(reviews=[{"decision": "approved", "date": "2026-03-01"}]), "milestones[1].reviews[0].date",
     "before the milestone was submitted"),
    (dict(reviews=[{"decision": "revoked", "date": "2026-03-20"}]), "milestones[1].reviews[0].decision",
     "revoked must directly follow an approved"),
    (dict(reviews=[{"decision": "approved", "date": "2026-03-20"}, {"decision": "rejected", "date": "2026-03-21"},
                   {"decision": "revoked", "date": "2026-03-22"}]), "milestones[1].reviews[2].decision",
     "revoked must directly follow an approved"),
    (dict(reviews=[{"decision": "approved", "date": "2026-03-31"}]), None, None),  # valid: checked below
])
def test_invalid_histories_are_named_with_their_path(fields, path, words):
    if path is None:
        data = copy.deepcopy(HISTORY)
        data["milestones"][1].update(fields)
        parse_scenario(data)
        return
    found = milestone_problems(**fields)
    assert any(p == path and words in m for p, m in found), found


def test_runs_must_be_dates_that_never_go_back():
    data = copy.deepcopy(HISTORY)
    data["runs"] = ["2026-06-30", "2026-05-01", "2026-13-01", 5]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    paths = [(p.path, p.message.split(":")[0]) for p in caught.value.problems]
    assert paths == [("runs[1]", "runs go back"), ("runs[2]", "not a real date in the form YYYY-MM-DD"),
                     ("runs[3]", "expected a date as a string YYYY-MM-DD, got an integer")]
    data["runs"] = []
    with pytest.raises(ScenarioError, match="runs: must not be empty"):
        parse_scenario(data)


@pytest.mark.parametrize("reviews, written", [
    ((), {}),
    (((A, date(2026, 3, 20)),), {"review": "approved", "reviewed": "2026-03-20"}),
    (((A, date(2026, 3, 20)), (V, date(2027, 1, 15))),
     {"reviews": [{"decision": "approved", "date": "2026-03-20"}, {"decision": "revoked", "date": "2027-01-15"}]}),
])
def test_the_writer_writes_nothing_the_pair_or_the_history(reviews, written):
    milestone = Milestone(ref="M1", trajectory="T1", type="intake", date=date(2026, 3, 1),
                          submitted=date(2026, 3, 9), reviews=history(*reviews))
    document = dump_milestone(milestone)
    assert {k: v for k, v in document.items() if k.startswith("review")} == written


def test_a_history_round_trips_with_decisions_after_as_of():
    scenario = parse_scenario(copy.deepcopy(HISTORY))
    dumped = dump_scenario(scenario)
    assert parse_scenario(json.loads(json.dumps(dumped))) == scenario
    m8 = next(m for m in dumped["milestones"] if m["ref"] == "M0008")
    assert [d["decision"] for d in m8["reviews"]] == ["approved", "revoked", "approved"]
