"""`python -m settlement`: stdout has the whole answer or nothing, exit 2 names every problem."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .test_scenarios import FIXTURES, SCENARIOS, required

ROOT = Path(__file__).resolve().parents[2]
BASIC = FIXTURES / "01-basic.json"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "settlement", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_evaluate_prints_the_settlement(path):
    done = run("evaluate", str(path))
    assert (done.returncode, done.stderr) == (0, "")
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
    assert required(json.loads(done.stdout)) == required(expected)
    assert done.stdout.startswith('{\n  "format": "reintegratie-settlement/1",')  # indent 2


def test_evaluate_as_of_another_date():
    done = run("evaluate", str(BASIC), "--as-of", "2026-03-01")
    document = json.loads(done.stdout)
    assert document["as_of"] == "2026-03-01"
    assert [line["milestone"] for line in document["contracts"][0]["lines"]] == ["M0001"]


def write(tmp_path: Path, data) -> str:
    path = tmp_path / "scenario.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_invalid_scenario_exits_2_with_every_problem_and_nothing_on_stdout(tmp_path):
    data = json.loads(BASIC.read_text())
    data["contracts"][0]["max_trajectory"] = 10
    data["contracts"][0]["price"] = 4000
    data["milestones"][0]["date"] = "2026-02-30"
    done = run("evaluate", write(tmp_path, data))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "contracts[0].max_trajectory: unknown key",
        'contracts[0].price: expected a decimal as a string (e.g. "4000"), got a number',
        "milestones[0].date: not a real date in the form YYYY-MM-DD: '2026-02-30'",
    ]


@pytest.mark.parametrize("content, words", [
    ("{", "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
    ("", "not valid JSON"),
    ("[1, 2]", "$: expected an object, got an array"),
    (b"\xff\xfe".decode("latin-1"), "not"),
])
def test_not_a_scenario_exits_2(tmp_path, content, words):
    done = run("evaluate", write(tmp_path, content))
    assert (done.returncode, done.stdout) == (2, "")
    assert words in done.stderr


def test_unreadable_file_exits_2(tmp_path):
    done = run("evaluate", str(tmp_path / "missing.json"))
    assert (done.returncode, done.stdout) == (2, "")
    assert "missing.json: cannot read the file" in done.stderr
    done = run("evaluate", str(tmp_path))  # a directory
    assert (done.returncode, done.stdout) == (2, "")


def test_bad_as_of_exits_2():
    done = run("evaluate", str(BASIC), "--as-of", "2026-02-30")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("--as-of: not a real date")


def test_validate():
    done = run("validate", str(BASIC))
    assert done.returncode == 0
    assert "valid (1 contracts, 3 trajectories, 7 milestones)" in done.stdout


def test_validate_invalid(tmp_path):
    done = run("validate", write(tmp_path, {"format": "reintegratie-scenario/1"}))
    assert (done.returncode, done.stdout) == (2, "")
    assert "as_of: required key missing" in done.stderr.splitlines()


def test_explain_a_line():
    done = run("explain", str(FIXTURES / "05-claims.json"), "--line", "M0002")
    assert done.returncode == 0
    assert "LATE_SUBMISSION" in done.stdout
    assert "31-07-2026" in done.stdout  # the deadline that decided it


def test_explain_with_contract_and_as_of():
    done = run("explain", str(FIXTURES / "02-norm-boundary.json"), "--line", "M0002", "--contract", "NK-DB-2026-01",
               "--as-of", "2027-01-01")
    assert done.returncode == 0
    assert "NORM_PENDING" in done.stdout


def test_explain_unknown_line_exits_1():
    done = run("explain", str(BASIC), "--line", "M9999")
    assert (done.returncode, done.stdout) == (1, "")
    assert "M9999" in done.stderr


def test_usage_error_exits_2():
    done = run("evaluate")
    assert done.returncode == 2
    assert done.stdout == ""
