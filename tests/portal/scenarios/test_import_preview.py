"""Worked examples through the database: import, preview and export give the engine's exact answer."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import settlement
from sqlalchemy import func, select

from portal.finance.facts import load_contract
from portal.finance.preview import preview, preview_document
from portal.models import AuditEvent, Client, MilestoneClaim, Trajectory
from portal.scenarios.exporter import export_scenario
from portal.scenarios.importer import ImportRefused, import_scenario
from ...expected import contract_differences

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
EXAMPLES = sorted(p for p in SCENARIOS.glob("*.json") if not p.name.endswith(".expected.json"))


def load(path: Path) -> settlement.Scenario:
    return settlement.parse_scenario(json.loads(path.read_text()))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_preview_from_the_database_matches_the_worked_example(db, path):
    scenario = load(path)
    import_scenario(db, scenario)
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
    for entry in expected["contracts"]:
        document = preview_document(preview(db, load_contract(db, entry["code"]), scenario.as_of))
        assert document["format"] == "reintegratie-settlement/1"
        assert contract_differences(entry, document["contracts"][0]) == []


@pytest.mark.parametrize("path", EXAMPLES[:3], ids=lambda p: p.stem)
def test_export_then_evaluate_gives_the_same_settlement(db, path):
    scenario = load(path)
    import_scenario(db, scenario)
    for contract in scenario.contracts:
        row = load_contract(db, contract.code)
        exported = export_scenario(db, row, scenario.as_of, with_clients=True)
        reparsed = settlement.parse_scenario(json.loads(json.dumps(settlement.dump_scenario(exported))))
        direct = settlement.settlement_document(settlement.evaluate(reparsed))
        assert direct["contracts"] == preview_document(preview(db, row, scenario.as_of))["contracts"]


def test_a_conflicting_import_writes_nothing(db):
    scenario = load(EXAMPLES[0])
    import_scenario(db, scenario)
    db.commit()
    counts = [db.scalar(select(func.count()).select_from(t)) for t in (Trajectory, MilestoneClaim, Client)]
    with pytest.raises(ImportRefused) as refused:
        import_scenario(db, scenario)
    paths = {p.path for p in refused.value.problems}
    assert "contracts[0].code" in paths and "trajectories[0].ref" in paths and "clients[0].bsn" in paths
    db.rollback()
    assert [db.scalar(select(func.count()).select_from(t)) for t in (Trajectory, MilestoneClaim, Client)] == counts


def test_import_is_audited_and_stores_no_bsn_in_clear(db):
    scenario = load(EXAMPLES[0])
    import_scenario(db, scenario)
    assert db.scalar(select(func.count()).where(AuditEvent.action == "scenario.imported")) == 1
    bsn = scenario.clients[0].bsn
    client = db.scalar(select(Client).where(Client.ref == scenario.clients[0].ref))
    assert bsn not in client.bsn_hash and bsn.encode() not in client.bsn_encrypted


def test_a_date_before_any_trajectory_gives_nothing_payable(db):
    scenario = load(EXAMPLES[0])
    import_scenario(db, scenario)
    result = preview(db, load_contract(db, scenario.contracts[0].code), date(2000, 1, 1))
    assert result.totals.payable == 0 and result.lines == ()
