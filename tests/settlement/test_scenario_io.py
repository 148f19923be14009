"""dump_scenario writes what parse_scenario reads back equal."""
from __future__ import annotations

import json

import pytest

from settlement import dump_scenario, evaluate, parse_scenario, settlement_document

from .test_scenarios import SCENARIOS


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_round_trip_of_the_worked_examples(path):
    scenario = parse_scenario(json.loads(path.read_text()))
    dumped = dump_scenario(scenario)
    assert parse_scenario(json.loads(json.dumps(dumped))) == scenario
    assert dump_scenario(parse_scenario(dumped)) == dumped
    assert settlement_document(evaluate(parse_scenario(dumped))) == settlement_document(evaluate(scenario))


def test_dump_keeps_decimal_strings_as_written():
    data = json.loads(SCENARIOS[0].read_text())
    dumped = dump_scenario(parse_scenario(data))
    contract = dumped["contracts"][0]
    assert contract["price"] == "4000.00"
    assert contract["norm"]["rate"] == "35"
    assert contract["tranches"][0] == {"code": "intake", "milestone": "intake", "share": "20", "result": False}


def test_dump_leaves_out_absent_optional_keys():
    data = json.loads(SCENARIOS[0].read_text())
    del data["clients"]
    del data["contracts"][0]["norm"]
    del data["contracts"][0]["funding"]
    dumped = dump_scenario(parse_scenario(data))
    assert "clients" not in dumped
    assert "norm" not in dumped["contracts"][0] and "funding" not in dumped["contracts"][0]
    assert "max_trajectories" not in dumped["contracts"][0]
