"""Every kind of invalid scenario of scenario-format.md is named with its JSON path."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from settlement import Problem, ScenarioError, parse_scenario
from settlement.scenario_reader import _ScenarioParser
from settlement.bsn import is_valid_bsn

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios"
BASIC = json.loads((FIXTURES / "01-basic.json").read_text())


def problems_of(change) -> list[tuple[str, str]]:
    """Apply a change to a copy of the basic scenario and return its problems as (path, message)."""
    data = copy.deepcopy(BASIC)
    change(data)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    return [(p.path, p.message) for p in caught.value.problems]


def assert_problem(change, path: str, words: str = "") -> None:
    found = problems_of(change)
    assert any(p == path and words in m for p, m in found), f"no {path!r} ~ {words!r} in {found}"


def contract(data):
    return data["contracts"][0]


def test_the_basic_scenario_is_valid():
    parse_scenario(copy.deepcopy(BASIC))


def test_the_root_must_be_an_object():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario([])
    assert caught.value.problems == [Problem("", "expected an object, got an array")]
    assert str(caught.value.problems[0]) == "$: expected an object, got an array"


def test_wrong_format():
    assert_problem(lambda d: d.update(format="reintegratie-scenario/2"), "format", "expected 'reintegratie-scenario/1'")


@pytest.mark.parametrize("path, remove", [
    ("format", lambda d: d.pop("format")),
    ("as_of", lambda d: d.pop("as_of")),
    ("consortium.name", lambda d: d["consortium"].pop("name")),
    ("municipalities[1].code", lambda d: d["municipalities"][1].pop("code")),
    ("providers[0].name", lambda d: d["providers"][0].pop("name")),
    ("contracts[0].price", lambda d: contract(d).pop("price")),
    ("contracts[0].tranches[1].result", lambda d: contract(d)["tranches"][1].pop("result")),
    ("contracts[0].norm.staffel", lambda d: contract(d)["norm"].pop("staffel")),
    ("contracts[0].norm.staffel[1].pay", lambda d: contract(d)["norm"]["staffel"][1].pop("pay")),
    ("contracts[0].funding[0].share", lambda d: contract(d)["funding"][0].pop("share")),
    ("clients[2].bsn", lambda d: d["clients"][2].pop("bsn")),
    ("trajectories[0].start", lambda d: d["trajectories"][0].pop("start")),
    ("milestones[3].submitted", lambda d: d["milestones"][3].pop("submitted")),
])
def test_missing_required_key(path, remove):
    assert_problem(remove, path, "required key missing")


def test_required_key_may_not_be_null():
    assert_problem(lambda d: d["milestones"][0].update(date=None), "milestones[0].date", "must not be null")


def test_optional_keys_may_be_absent_or_null():
    data = copy.deepcopy(BASIC)
    del data["clients"]
    for milestone in data["milestones"]:
        milestone.pop("review")
        milestone["reviewed"] = None
    contract(data).update(norm=None, max_trajectories=None, municipality_caps=None, submission_deadline_days=None,
                          funding=None)
    contract(data)["tranches"][0]["amount"] = None
    scenario = parse_scenario(data)
    assert scenario.clients is None
    assert scenario.contracts[0].norm is None and scenario.contracts[0].funding == ()
    assert {m.reviews for m in scenario.milestones} == {()}


@pytest.mark.parametrize("path, change", [
    ("max_trajectory", lambda d: contract(d).update(max_trajectory=10)),  # misspelt: must not drop the cap
    ("norm.windows_months", lambda d: contract(d)["norm"].update(windows_months=3)),
    ("tranches[0].shares", lambda d: contract(d)["tranches"][0].update(shares="20")),
])
def test_unknown_key_in_a_contract(path, change):
    assert_problem(change, f"contracts[0].{path}", "unknown key")


def test_unknown_keys_elsewhere():
    assert_problem(lambda d: d.update(extra=1), "extra", "unknown key")
    assert_problem(lambda d: d["milestones"][0].update(reviewer="x"), "milestones[0].reviewer", "unknown key")
    assert_problem(lambda d: d["trajectories"][2].update(ended=None), "trajectories[2].ended", "unknown key")
    assert_problem(lambda d: d["clients"][0].update(name="Jan"), "clients[0].name", "unknown key")
    assert_problem(lambda d: d["trajectories"][0].update({"odd key": 1}), 'trajectories[0]["odd key"]',
                   "unknown key")


@pytest.mark.parametrize("path, change, words", [
    ("contracts[0].price", lambda d: contract(d).update(price=4000.0), 'as a string (e.g. "4000.0")'),
    ("contracts[0].price", lambda d: contract(d).update(price=4000), "got a number"),
    ("contracts[0].vat_rate", lambda d: contract(d).update(vat_rate=21), "got a number"),
    ("contracts[0].tranches[0].share", lambda d: contract(d)["tranches"][0].update(share=20), "got a number"),
    ("contracts[0].norm.rate", lambda d: contract(d)["norm"].update(rate=35), "got a number"),
    ("contracts[0].norm.staffel[0].pay", lambda d: contract(d)["norm"]["staffel"][0].update(pay=0), "got a number"),
    ("contracts[0].price", lambda d: contract(d).update(price="4.000,00"), "not a decimal number"),
    ("contracts[0].price", lambda d: contract(d).update(price="1e3"), "not a decimal number"),
    ("contracts[0].price", lambda d: contract(d).update(price="NaN"), "not a decimal number"),
    ("contracts[0].price", lambda d: contract(d).update(price=" 4000"), "not a decimal number"),
    ("contracts[0].submission_deadline_days", lambda d: contract(d).update(submission_deadline_days="60"),
     "expected an integer, got a string"),
    ("contracts[0].submission_deadline_days", lambda d: contract(d).update(submission_deadline_days=60.0),
     "expected an integer, got a number"),
    ("contracts[0].max_trajectories", lambda d: contract(d).update(max_trajectories=True),
     "expected an integer, got a boolean"),
    ("contracts[0].norm.measurement_months", lambda d: contract(d)["norm"].update(measurement_months=12.5),
     "expected an integer"),
    ("contracts[0].tranches[0].result", lambda d: contract(d)["tranches"][0].update(result="false"),
     "expected true or false"),
    ("contracts[0].tranches[0].result", lambda d: contract(d)["tranches"][0].update(result=0),
     "expected true or false"),
    ("contracts[0].code", lambda d: contract(d).update(code=7), "expected a string, got an integer"),
    ("contracts[0].code", lambda d: contract(d).update(code=" "), "must not be empty"),
    ("contracts[0].tranches", lambda d: contract(d).update(tranches={}), "expected an array, got an object"),
    ("milestones", lambda d: d.update(milestones={}), "expected an array"),
    ("milestones[0]", lambda d: d["milestones"].__setitem__(0, "M0001"), "expected an object, got a string"),
    ("clients[0].bsn", lambda d: d["clients"][0].update(bsn=908301662), "expected a string"),
    ("contracts[0].municipality_caps", lambda d: contract(d).update(municipality_caps=[1]), "expected an object"),
    ("contracts[0].municipality_caps.0361".replace(".0361", '["0361"]'),
     lambda d: contract(d).update(municipality_caps={"0361": "4"}), "expected an integer"),
])
def test_wrong_type(path, change, words):
    assert_problem(change, path, words)


@pytest.mark.parametrize("value", ["2026-02-30", "2026-2-1", "20260201", "2026-02-01T00:00", "01-02-2026", "",
                                   "2026-13-01", "２０２６-01-01"])
def test_date_that_is_not_a_real_date(value):
    assert_problem(lambda d: d["trajectories"][1].update(start=value), "trajectories[1].start", "not a real date")


def test_dates_everywhere_are_checked():
    assert_problem(lambda d: d.update(as_of="2028-02-30"), "as_of", "not a real date")
    assert_problem(lambda d: contract(d).update(end="2026-12-32"), "contracts[0].end", "not a real date")
    assert_problem(lambda d: d["milestones"][2].update(reviewed="2026-11-31"), "milestones[2].reviewed",
                   "not a real date")
    assert_problem(lambda d: d["trajectories"][0].update(end=20270101), "trajectories[0].end", "expected a date")


def test_leap_day_is_a_real_date():
    data = copy.deepcopy(BASIC)
    data["as_of"] = "2028-02-29"
    assert parse_scenario(data).as_of.isoformat() == "2028-02-29"


def test_contract_ending_before_it_starts():
    assert_problem(lambda d: contract(d).update(end="2025-12-31"), "contracts[0].end", "before it starts")


def test_contract_of_one_day_is_fine():
    data = copy.deepcopy(BASIC)
    contract(data)["end"] = contract(data)["start"]
    parse_scenario(data)


@pytest.mark.parametrize("path, change, words", [
    ("contracts[0].segment", lambda d: contract(d).update(segment="bemiddeling"), "unknown segment"),
    ("contracts[0].tranches[0].milestone", lambda d: contract(d)["tranches"][0].update(milestone="start"),
     "unknown milestone type"),
    ("contracts[0].norm.milestone", lambda d: contract(d)["norm"].update(milestone="job"), "unknown milestone type"),
    ("milestones[0].type", lambda d: d["milestones"][0].update(type="Intake"), "unknown milestone type"),
    ("milestones[0].review", lambda d: d["milestones"][0].update(review="ok"), "unknown review"),
    ("trajectories[0].end_reason", lambda d: d["trajectories"][0].update(end_reason="job"), "unknown end reason"),
    ("contracts[0].norm.excluded_end_reasons[1]",
     lambda d: contract(d)["norm"].update(excluded_end_reasons=["moved", "emigrated"]), "unknown end reason"),
])
def test_unknown_enumeration_value(path, change, words):
    assert_problem(change, path, words)


@pytest.mark.parametrize("path, change", [
    ("contracts[0].price", lambda d: contract(d).update(price="-1.00")),
    ("contracts[0].tranches[0].share", lambda d: contract(d)["tranches"][0].update(share="-20")),
    ("contracts[0].tranches[0].amount",
     lambda d: contract(d)["tranches"][0].update(amount="-1.00", share=None)),
    ("contracts[0].funding[0].share", lambda d: contract(d)["funding"][0].update(share="-50")),
    ("contracts[0].max_trajectories", lambda d: contract(d).update(max_trajectories=-1)),
    ('contracts[0].municipality_caps["0361"]', lambda d: contract(d).update(municipality_caps={"0361": -1})),
    ("contracts[0].submission_deadline_days", lambda d: contract(d).update(submission_deadline_days=-1)),
    ("contracts[0].vat_rate", lambda d: contract(d).update(vat_rate="-21")),
    ("contracts[0].norm.window_months", lambda d: contract(d)["norm"].update(window_months=-1)),
    ("contracts[0].norm.staffel[0].min_ratio", lambda d: contract(d)["norm"]["staffel"][0].update(min_ratio="-0.1")),
])
def test_negative_values(path, change):
    assert_problem(change, path, "must not be negative")


def test_zero_values_are_allowed_where_not_forbidden():
    data = copy.deepcopy(BASIC)
    contract(data).update(price="0.00", vat_rate="0", max_trajectories=0, submission_deadline_days=0,
                          municipality_caps={"0361": 0})
    contract(data)["norm"]["window_months"] = 0
    parse_scenario(data)


def test_tranche_with_both_or_neither_share_and_amount():
    assert_problem(lambda d: contract(d)["tranches"][0].update(amount="800.00"), "contracts[0].tranches[0]",
                   "both share and amount")
    assert_problem(lambda d: contract(d)["tranches"][1].pop("share"), "contracts[0].tranches[1]",
                   "needs share or amount")


def test_two_tranches_for_one_milestone_type():
    assert_problem(lambda d: contract(d)["tranches"][2].update(milestone="placement"),
                   "contracts[0].tranches[2].milestone", "second tranche for milestone type 'placement'")


def test_duplicate_tranche_code():
    assert_problem(lambda d: contract(d)["tranches"][2].update(code="intake"), "contracts[0].tranches[2].code",
                   "duplicate tranche code")


@pytest.mark.parametrize("shares", [["50", "49.99"], ["50", "50.01"], ["100", "0.001"]])
def test_funding_shares_must_add_up_to_exactly_100(shares):
    def change(d):
        for part, share in zip(contract(d)["funding"], shares):
            part["share"] = share
        if len(shares) > 2:
            contract(d)["funding"].append({"source": "X", "share": shares[2]})
    assert_problem(change, "contracts[0].funding", "not exactly 100")


def test_funding_adding_up_to_100_in_other_notation():
    data = copy.deepcopy(BASIC)
    contract(data)["funding"] = [{"source": "A", "share": "33.33"}, {"source": "B", "share": "33.330"},
                                 {"source": "C", "share": "33.34"}]
    parse_scenario(data)


def test_empty_funding_list():
    assert_problem(lambda d: contract(d).update(funding=[]), "contracts[0].funding", "must not be empty")


def test_duplicate_funding_source():
    assert_problem(lambda d: contract(d)["funding"][1].update(source="ESF"), "contracts[0].funding[1].source",
                   "duplicate funding source")


@pytest.mark.parametrize("rate, ok", [("0", False), ("-1", False), ("100.01", False), ("100", True), ("0.01", True)])
def test_norm_rate_in_0_to_100(rate, ok):
    data = copy.deepcopy(BASIC)
    contract(data)["norm"]["rate"] = rate
    if ok:
        parse_scenario(data)
    else:
        assert_problem(lambda d: contract(d)["norm"].update(rate=rate), "contracts[0].norm.rate",
                       "above 0 and at most 100")


def test_measurement_months_at_least_1():
    assert_problem(lambda d: contract(d)["norm"].update(measurement_months=0), "contracts[0].norm.measurement_months",
                   "at least 1")


def test_staffel_without_min_ratio_0():
    assert_problem(lambda d: contract(d)["norm"]["staffel"].pop(0), "contracts[0].norm.staffel",
                   "min_ratio 0")
    assert_problem(lambda d: contract(d)["norm"].update(staffel=[]), "contracts[0].norm.staffel", "min_ratio 0")


def test_staffel_min_ratio_0_in_other_notation():
    data = copy.deepcopy(BASIC)
    contract(data)["norm"]["staffel"][0]["min_ratio"] = "0.00"
    parse_scenario(data)


def test_staffel_with_two_entries_of_the_same_min_ratio():
    assert_problem(lambda d: contract(d)["norm"]["staffel"].append({"min_ratio": "1.0", "pay": "0.5"}),
                   "contracts[0].norm.staffel[2].min_ratio", "duplicate min_ratio")


@pytest.mark.parametrize("pay", ["1.01", "-0.1", "2"])
def test_staffel_pay_outside_0_1(pay):
    assert_problem(lambda d: contract(d)["norm"]["staffel"][1].update(pay=pay), "contracts[0].norm.staffel[1].pay",
                   "between 0 and 1")


def test_bsn_failing_the_elfproef():
    found = problems_of(lambda d: d["clients"][1].update(bsn="318609138"))
    assert found == [("clients[1].bsn", "not a valid BSN (nine digits passing the elfproef)")]
    assert "318609138" not in str(found)  # personal data stays out of messages


@pytest.mark.parametrize("bsn, valid", [
    ("111222333", True), ("908301662", True), ("068831067", True),
    ("111222334", False), ("000000000", False), ("12345678", False), ("1234567890", False), ("11122233a", False),
    ("١١١٢٢٢٣٣٣", False), (111222333, False),
])
def test_elfproef(bsn, valid):
    assert is_valid_bsn(bsn) is valid


@pytest.mark.parametrize("path, change, words", [
    ("municipalities[1].code", lambda d: d["municipalities"][1].update(code="0361"), "duplicate municipality code"),
    ("providers[1].code", lambda d: d["providers"].append(dict(d["providers"][0])), "duplicate provider code"),
    ("contracts[1].code", lambda d: d["contracts"].append(copy.deepcopy(contract(d))), "duplicate contract code"),
    ("clients[1].ref", lambda d: d["clients"][1].update(ref="C001"), "duplicate client ref"),
    ("trajectories[2].ref", lambda d: d["trajectories"][2].update(ref="T001"), "duplicate trajectory ref"),
    ("milestones[6].ref", lambda d: d["milestones"][6].update(ref="M0001"), "duplicate milestone ref"),
])
def test_duplicate_ref_or_code(path, change, words):
    assert_problem(change, path, words)


@pytest.mark.parametrize("path, change, words", [
    ("contracts[0].provider", lambda d: contract(d).update(provider="P-XX"), "unknown provider"),
    ("trajectories[0].contract", lambda d: d["trajectories"][0].update(contract="NK-XX"), "unknown contract"),
    ("trajectories[0].client", lambda d: d["trajectories"][0].update(client="C999"), "unknown client"),
    ("trajectories[0].municipality", lambda d: d["trajectories"][0].update(municipality="9999"),
     "unknown municipality"),
    ('contracts[0].municipality_caps["9999"]', lambda d: contract(d).update(municipality_caps={"9999": 1}),
     "unknown municipality"),
    ("clients[0].municipality", lambda d: d["clients"][0].update(municipality="9999"), "unknown municipality"),
    ("consortium.lead_municipality", lambda d: d["consortium"].update(lead_municipality="9999"),
     "unknown municipality"),
    ("milestones[0].trajectory", lambda d: d["milestones"][0].update(trajectory="T999"), "unknown trajectory"),
])
def test_reference_to_something_unknown(path, change, words):
    assert_problem(change, path, words)


def test_client_is_checked_only_when_clients_are_given():
    data = copy.deepcopy(BASIC)
    del data["clients"]
    data["trajectories"][0]["client"] = "C999"
    assert parse_scenario(data).trajectories[0].client == "C999"
    assert_problem(lambda d: d.update(clients=[]), "trajectories[0].client", "unknown client")


def test_a_broken_definition_does_not_cause_false_unknown_references():
    # The contract has problems of its own, but its code is known: its trajectories
    # are not reported as referring to an unknown contract.
    found = problems_of(lambda d: contract(d).update(price=4000, segment="x"))
    assert [p for p, _ in found] == ["contracts[0].segment", "contracts[0].price"]
    assert all("unknown contract" not in m for _, m in found)


def test_every_problem_is_reported_at_once():
    def many(d):
        d["format"] = "x"
        contract(d)["max_trajectory"] = 5
        contract(d)["price"] = 4000
        contract(d)["funding"][0]["share"] = "60"
        d["clients"][0]["bsn"] = "123456789"
        d["trajectories"][1]["start"] = "2026-02-30"
        d["trajectories"][2]["municipality"] = "9999"
        d["milestones"][3]["type"] = "coffee"
        d["milestones"][4]["ref"] = "M0001"
    paths = [p for p, _ in problems_of(many)]
    assert paths == [
        "format",
        "contracts[0].max_trajectory",
        "contracts[0].price",
        "contracts[0].funding",
        "clients[0].bsn",
        "trajectories[1].start",
        "trajectories[2].municipality",
        "milestones[3].type",
        "milestones[4].ref",
    ]


def test_scenario_error_message_names_the_count_and_the_first_problems():
    with pytest.raises(ScenarioError, match=r"invalid scenario, 2 problems: format: expected") as caught:
        parse_scenario({**copy.deepcopy(BASIC), "format": "x", "as_of": "y"})
    assert len(caught.value.problems) == 2


class _SlowParser(_ScenarioParser):
    """The parser with its fast paths turned off: every record checked field by field."""

    def trajectory_list(self, items):
        built = (self.trajectory(raw, f"trajectories[{i}]") for i, raw in enumerate(items))
        return [t for t in built if t is not None]

    def milestone_list(self, items):
        built = (self.milestone(raw, f"milestones[{i}]") for i, raw in enumerate(items))
        return [m for m in built if m is not None]


def parse_both(data):
    """Parse with and without the fast paths; return (fast, slow), each a Scenario or problem list."""
    results = []
    for parser in (_ScenarioParser, _SlowParser):
        try:
            results.append(parser().parse(copy.deepcopy(data)))
        except ScenarioError as error:
            results.append([(p.path, p.message) for p in error.problems])
    return results


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_fast_path_builds_what_the_field_by_field_path_builds(path):
    data = json.loads(path.read_text())
    if "format" not in data or data["format"] != "reintegratie-scenario/1":
        return  # an expected settlement, not a scenario
    fast, slow = parse_both(data)
    assert fast == slow


@pytest.mark.parametrize("key, value", [
    ("ref", ""), ("ref", " "), ("ref", 1), ("ref", "T002"), ("contract", "NK-XX"), ("contract", None),
    ("municipality", 361), ("start", "2026-02-30"), ("start", None), ("client", ""), ("client", "C999"),
    ("end", "x"), ("end", 5), ("end_reason", "job"), ("end_reason", 1), ("extra", 1),
])
def test_fast_path_never_accepts_a_trajectory_the_checks_refuse(key, value):
    data = copy.deepcopy(BASIC)
    data["trajectories"][0][key] = value
    fast, slow = parse_both(data)
    assert fast == slow
    assert isinstance(fast, list)


@pytest.mark.parametrize("key, value", [
    ("ref", ""), ("ref", "M0002"), ("trajectory", "T999"), ("trajectory", ["T001"]), ("type", "job"),
    ("type", {"a": 1}), ("date", "2026-13-01"), ("submitted", 20260101), ("review", "ok"), ("review", 1),
    ("reviewed", "yesterday"), ("note", "x"),
])
def test_fast_path_never_accepts_a_milestone_the_checks_refuse(key, value):
    data = copy.deepcopy(BASIC)
    data["milestones"][0][key] = value
    fast, slow = parse_both(data)
    assert fast == slow
    assert isinstance(fast, list)


def test_duplicate_names_where_the_first_one_is():
    found = problems_of(lambda d: d["trajectories"][2].update(ref="T001"))
    assert found[0] == ("trajectories[2].ref", "duplicate trajectory ref 'T001' (first at trajectories[0].ref)")
    found = problems_of(lambda d: d["milestones"][6].update(ref="M0002"))
    assert found == [("milestones[6].ref", "duplicate milestone ref 'M0002' (first at milestones[1].ref)")]


def test_parsed_strings_are_shared():
    scenario = parse_scenario(copy.deepcopy(BASIC))
    trajectory = {t.ref: t for t in scenario.trajectories}
    for milestone in scenario.milestones:
        assert milestone.trajectory is trajectory[milestone.trajectory].ref
    assert len({id(m.type) for m in scenario.milestones if m.type == "intake"}) == 1
