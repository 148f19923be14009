"""Every worked example gives exactly its expected settlement."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from settlement import evaluate, parse_scenario, settlement_document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios"
SCENARIOS = sorted(p for p in FIXTURES.glob("*.json") if not p.name.endswith(".expected.json"))

# The keys scenario-format.md requires, in its order (extra keys are allowed).
DOCUMENT_KEYS = ["format", "as_of", "contracts"]
CONTRACT_KEYS = ["code", "cohorts", "lines", "totals", "invoices"]
COHORT_KEYS = ["period_start", "period_end", "final_on", "final", "trajectories", "denominator", "numerator",
               "rate", "norm", "status", "pay_fraction"]
LINE_KEYS = ["milestone", "trajectory", "municipality", "tranche", "amount", "status", "reason", "payable",
             "withheld", "pending", "funding"]
TOTALS_KEYS = ["payable", "withheld", "pending", "by_municipality", "by_funding"]
INVOICE_KEYS = ["municipality", "subtotal", "vat", "total"]


def required(document: dict) -> dict:
    """Keep only the required keys of a settlement document, in the spec's order."""
    return {
        "format": document["format"],
        "as_of": document["as_of"],
        "contracts": [
            {
                "code": c["code"],
                "cohorts": [{k: cohort[k] for k in COHORT_KEYS} for cohort in c["cohorts"]],
                "lines": [{k: line[k] for k in LINE_KEYS} for line in c["lines"]],
                "totals": {k: c["totals"][k] for k in TOTALS_KEYS},
                "invoices": [{k: inv[k] for k in INVOICE_KEYS} for inv in c["invoices"]],
            }
            for c in document["contracts"]
        ],
    }


def test_fixtures_are_present():
    assert len(SCENARIOS) == 9
    for path in SCENARIOS:
        assert path.with_name(path.stem + ".expected.json").exists()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_gives_its_expected_settlement(path):
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
    got = settlement_document(evaluate(parse_scenario(json.loads(path.read_text()))))
    # Exactly equal, strings included ("35" stays "35", amounts have two decimals), and
    # in the same order: lines, cohorts, municipalities, funding sources, invoices.
    assert required(got) == required(expected)
    assert json.dumps(required(got)) == json.dumps(required(expected))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_document_keys_come_in_the_spec_order(path):
    got = settlement_document(evaluate(parse_scenario(json.loads(path.read_text()))))
    assert list(got) == DOCUMENT_KEYS
    for contract in got["contracts"]:
        assert list(contract) == CONTRACT_KEYS
        for cohort in contract["cohorts"]:
            assert list(cohort)[: len(COHORT_KEYS)] == COHORT_KEYS
        for line in contract["lines"]:
            assert list(line)[: len(LINE_KEYS)] == LINE_KEYS
        assert list(contract["totals"]) == TOTALS_KEYS
        for invoice in contract["invoices"]:
            assert list(invoice) == INVOICE_KEYS


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_document_survives_json(path):
    document = settlement_document(evaluate(parse_scenario(json.loads(path.read_text()))))
    assert json.loads(json.dumps(document)) == document
