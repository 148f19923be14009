"""Scenario import and export carry the client facts as the optional `facts` key; without it nothing changes."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import settlement

from portal.clients.facts import benefit_on, target_groups_on
from portal.finance.facts import load_contract
from portal.finance.preview import preview, preview_document
from portal.models import Client
from portal.scenarios.exporter import export_scenario
from portal.scenarios.importer import ImportRefused, import_scenario

BASIC = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "01-basic.json"
FACTS = [{"kind": "target_group", "value": "jongere", "valid_from": "2026-01-01"},
         {"kind": "target_group", "value": "jongere", "valid_from": "2026-06-01", "member": False},
         {"kind": "benefit", "value": "none", "valid_from": "2026-07-01"},
         {"kind": "language_level", "value": "b1", "valid_from": "2026-01-01"}]


def with_facts(facts=FACTS) -> dict:
    data = json.loads(BASIC.read_text())
    data["clients"][0]["facts"] = facts
    return data


def test_facts_are_imported_exported_and_leave_the_settlement_unchanged(db):
    plain = settlement.parse_scenario(json.loads(BASIC.read_text()))
    scenario = settlement.parse_scenario(with_facts())
    assert settlement.evaluate(scenario) == settlement.evaluate(plain)
    import_scenario(db, scenario)
    client = db.query(Client).filter_by(ref=scenario.clients[0].ref).one()
    assert target_groups_on(db, [client.id], date(2026, 3, 1))[client.id] >= {"jongere"}
    assert "jongere" not in target_groups_on(db, [client.id], date(2026, 6, 1))[client.id]
    assert benefit_on(db, [client.id], date(2026, 7, 1))[client.id] == "none"
    contract = load_contract(db, scenario.contracts[0].code)
    exported = export_scenario(db, contract, scenario.as_of, with_clients=True)
    document = settlement.dump_scenario(exported)
    again = [c for c in exported.clients if c.ref == client.ref][0]
    assert {(f.kind, f.value, f.valid_from, f.member) for f in again.facts} >= {
        ("target_group", "jongere", date(2026, 6, 1), False), ("benefit", "none", date(2026, 7, 1), True)}
    [dumped] = [c for c in document["clients"] if c["ref"] == client.ref]
    assert {"kind": "target_group", "value": "jongere", "valid_from": "2026-06-01", "member": False} in dumped["facts"]
    assert settlement.parse_scenario(document).clients == exported.clients  # the key round-trips
    assert preview_document(preview(db, contract, scenario.as_of))["contracts"][0]["lines"]


def test_unknown_fact_values_and_kinds_are_named_with_their_path(db):
    with pytest.raises(settlement.ScenarioError) as bad_kind:
        settlement.parse_scenario(with_facts([{"kind": "hobby", "value": "x", "valid_from": "2026-01-01"}]))
    assert "clients[0].facts[0].kind" in str(bad_kind.value.problems[0].path)
    scenario = settlement.parse_scenario(with_facts([{"kind": "benefit", "value": "bijstand",
                                                      "valid_from": "2026-01-01"}]))
    with pytest.raises(ImportRefused) as refused:
        import_scenario(db, scenario)
    assert any(p.path == "clients[0].facts[0].value" for p in refused.value.problems)
    assert db.query(Client).count() == 0
