"""The set-based import: chunks give the same rows as one go, a duplicate BSN is a listed problem, all or nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import settlement
from sqlalchemy import func, select

from portal.finance.facts import load_contract
from portal.finance.preview import preview, preview_document
from portal.models import AuditEvent, Client, ClientFact, FactVersion, MilestoneClaim, Review, Trajectory
from portal.scenarios import bulk
from portal.scenarios.importer import ImportRefused, import_scenario
from ...expected import contract_differences

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
TABLES = (Client, ClientFact, Trajectory, MilestoneClaim, Review)


def counts(db) -> list[int]:
    return [db.scalar(select(func.count()).select_from(table)) for table in TABLES]


@pytest.mark.parametrize("name", ["01-basic", "08-review-history"])
def test_an_import_in_chunks_of_two_gives_the_engine_answer(db, monkeypatch, name):
    monkeypatch.setattr(bulk, "CHUNK", 2)
    path = SCENARIOS / f"{name}.json"
    scenario = settlement.parse_scenario(json.loads(path.read_text()))
    seen = []
    import_scenario(db, scenario, progress=lambda what, done, total: seen.append((what, done, total)))
    expected = json.loads(path.with_name(f"{name}.expected.json").read_text())
    for entry in expected["contracts"]:
        document = preview_document(preview(db, load_contract(db, entry["code"]), scenario.as_of))
        assert contract_differences(entry, document["contracts"][0]) == []
    claims = len(scenario.milestones)
    assert ("milestones", claims, claims) in seen and ("milestones", 2, claims) in seen
    assert db.scalar(select(func.count()).select_from(Review)) == sum(len(ms.reviews) for ms in scenario.milestones)
    # The first version of every versioned field with a value, as the ORM's flush hook writes it.
    given = sum(value is not None for t in scenario.trajectories for value in (t.start, t.end, t.end_reason, 1))
    assert db.scalar(select(func.count()).select_from(FactVersion)) == given + 2 * claims
    assert db.scalar(select(func.count()).where(AuditEvent.action == "clients.imported")) == \
        -(-len(scenario.clients) // 2)


def test_the_command_refuses_a_bsn_given_twice_and_stores_nothing(app, db, tmp_path):
    document = json.loads((SCENARIOS / "01-basic.json").read_text())
    document["clients"].append(dict(document["clients"][0], ref="C999"))
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(document))
    before = counts(db)
    result = app.test_cli_runner().invoke(args=["import-scenario", str(path)])
    assert result.exit_code == 2, result.output
    assert f"clients[{len(document['clients']) - 1}].bsn: the same BSN as clients[0]" in result.output
    assert document["clients"][0]["bsn"] not in result.output
    assert counts(db) == before


def test_the_command_imports_and_shows_progress(app, db, tmp_path):
    path = tmp_path / "basic.json"
    path.write_text((SCENARIOS / "01-basic.json").read_text())
    result = app.test_cli_runner().invoke(args=["import-scenario", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 1 contracts, 3 clients, 3 trajectories, 7 milestones" in result.output
    assert "mijlpalen: 7/7" in result.stderr


def test_a_failure_after_the_first_chunk_leaves_nothing_behind(db, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 2)
    scenario = settlement.parse_scenario(json.loads((SCENARIOS / "01-basic.json").read_text()))
    before = counts(db)

    def fail_on_the_second_chunk(what, done, total):
        if what == "milestones" and done > 2:
            raise RuntimeError("the connection dropped")

    with pytest.raises(RuntimeError):
        import_scenario(db, scenario, progress=fail_on_the_second_chunk)
    db.rollback()
    assert counts(db) == before


def test_conflicts_are_looked_up_in_chunks(db, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 2)
    scenario = settlement.parse_scenario(json.loads((SCENARIOS / "01-basic.json").read_text()))
    import_scenario(db, scenario)
    with pytest.raises(ImportRefused) as refused:
        import_scenario(db, scenario)
    paths = {p.path for p in refused.value.problems}
    assert {f"trajectories[{i}].ref" for i in range(3)} <= paths
    assert {f"clients[{i}].bsn" for i in range(3)} | {f"milestones[{i}].ref" for i in range(7)} <= paths
