"""`flask results --json` agrees with `flask settlement preview --json` on every cohort: demo and worked examples."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from unittest.mock import patch

import pytest
from dateutil.relativedelta import relativedelta
import settlement
from sqlalchemy import select

from portal.demo import DEMO_TODAY, build_demo
from portal.models import Contract
from portal.results.document import FORECAST_KEYS
from portal.scenarios.importer import import_scenario

from .conftest import as_if_committed

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
EXAMPLES = sorted(p for p in SCENARIOS.glob("*.json") if not p.name.endswith(".expected.json"))


def _json(app, *args: str) -> dict:
    outcome = app.test_cli_runner().invoke(args=list(args))
    assert outcome.exit_code == 0, outcome.output
    return json.loads(outcome.stdout)


def assert_agrees(app, code: str, as_of: date) -> list[dict]:
    """Compare both commands' cohorts for one contract; return the results command's cohorts."""
    day = as_of.isoformat()
    preview = _json(app, "settlement", "preview", "--contract", code, "--as-of", day, "--json")
    results = _json(app, "results", "--contract", code, "--as-of", day, "--json")
    # The second run is served from the results cache (the first stored it): it must say exactly the same.
    with patch.object(settlement, "evaluate_contract", wraps=settlement.evaluate_contract) as engine:
        assert _json(app, "results", "--contract", code, "--as-of", day, "--json") == results
    assert engine.call_count == 0
    engine_cohorts = preview["contracts"][0]["cohorts"]
    cohorts = results["contracts"][0]["cohorts"]
    assert len(cohorts) == len(engine_cohorts)
    for ours, engine in zip(cohorts, engine_cohorts):
        assert set(ours) == set(engine) | set(FORECAST_KEYS)
        assert {k: ours[k] for k in engine} == engine
        assert (ours["needed"] is None) == engine["final"]
    return cohorts


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_worked_examples_agree_with_the_settlement(app, db, path):
    scenario = settlement.parse_scenario(json.loads(path.read_text()))
    import_scenario(db, scenario)
    db.commit()
    as_if_committed(db)
    db.expunge_all()  # both commands read what the database holds, not the imported objects
    forecasts = 0
    for contract in scenario.contracts:
        # On the scenario's date, a year before it, and at the end of the first measurement period,
        # when that cohort is certainly still open (its window has not closed).
        dates = {scenario.as_of, scenario.as_of - timedelta(days=365)}
        if contract.norm is not None:
            dates.add(contract.start + relativedelta(months=contract.norm.measurement_months))
        for as_of in sorted(dates):
            forecasts += sum(c["needed"] is not None for c in assert_agrees(app, contract.code, as_of))
    if any(c.norm for c in scenario.contracts):
        assert forecasts > 0


def test_demo_contracts_agree_with_the_settlement(app, db):
    build_demo(db)
    db.commit()
    as_if_committed(db)
    db.expunge_all()
    codes = db.scalars(select(Contract.code).order_by(Contract.code)).all()
    assert len(codes) >= 6
    for code in codes:
        assert_agrees(app, code, DEMO_TODAY)
    everything = _json(app, "results", "--as-of", DEMO_TODAY.isoformat(), "--json")
    assert [c["code"] for c in everything["contracts"]] == codes
    groups = everything["contracts"][0]["target_groups"]
    assert sum(g["referred"] for g in groups.values()) > 0


def test_an_unknown_contract_is_refused(app, db):
    outcome = app.test_cli_runner().invoke(args=["results", "--contract", "NOPE", "--as-of", "2026-01-01", "--json"])
    assert outcome.exit_code == 2 and "--contract" in outcome.stderr and outcome.stdout == ""
