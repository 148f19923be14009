"""`python -m settlement`: validate, evaluate and explain scenario files, and issue runs over time."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any, Sequence

import orjson

from .document import settlement_document
from .evaluation import evaluate
from .explain import explain_line
from .explain_runs import explain_runs
from .model import Scenario
from .runs_over_time import RunDatesGoBack, check_run_dates, issue_runs, runs_document
from .scenario_fast import read_scenario
from .scenario_reader import parse_scenario
from .validation import Problem, ScenarioError

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_INVALID = 2


class _Invalid(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__()
        self.problems = problems


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m settlement", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    evaluate_cmd = commands.add_parser("evaluate", help="print the settlement JSON of a scenario")
    evaluate_cmd.add_argument("file")
    evaluate_cmd.add_argument("--as-of", help="reference date YYYY-MM-DD (default: the scenario's as_of)")

    validate_cmd = commands.add_parser("validate", help="check a scenario and list every problem")
    validate_cmd.add_argument("file")

    runs_cmd = commands.add_parser("runs", help="issue runs one after another and print the runs JSON")
    runs_cmd.add_argument("file")
    runs_cmd.add_argument("--as-of", nargs="+", action="extend", metavar="DATE",
                          help="the runs' reference dates YYYY-MM-DD, in order (default: the scenario's runs, "
                               "else its as_of)")

    explain_cmd = commands.add_parser("explain", help="explain in plain language why a line is what it is")
    explain_cmd.add_argument("file")
    explain_cmd.add_argument("--line", required=True, metavar="MILESTONE_REF")
    explain_cmd.add_argument("--contract", metavar="CODE")
    explain_cmd.add_argument("--as-of", nargs="+", action="extend", metavar="DATE",
                             help="reference date YYYY-MM-DD (default: the scenario's as_of); with --runs, the "
                                  "runs' dates")
    explain_cmd.add_argument("--runs", action="store_true",
                             help="tell run by run why the line's amount moved (the runs of the runs command)")

    args = parser.parse_args(argv)
    runs_wanted = args.command == "explain" and args.runs
    try:
        dates = _dates(getattr(args, "as_of", None))
        scenario = _load(args.file)
        if args.command == "validate":
            print(f"{args.file}: valid ({len(scenario.contracts)} contracts, {len(scenario.trajectories)} "
                  f"trajectories, {len(scenario.milestones)} milestones)")
            return EXIT_OK
        if args.command == "runs" or runs_wanted:
            runs = issue_runs(scenario, dates)
        else:
            if len(dates) > 1:
                raise _Invalid([Problem("--as-of", "one date only (several dates only with --runs)")])
            settlement = evaluate(scenario, dates[0] if dates else None)
    except _Invalid as invalid:
        for problem in invalid.problems:
            print(str(problem), file=sys.stderr)
        return EXIT_INVALID
    if args.command == "runs":
        _write_json(runs_document(runs))
        return EXIT_OK
    if runs_wanted:
        try:
            print(explain_runs(runs, args.line, contract=args.contract))
        except LookupError as missing:
            print(f"--line: {missing.args[0]}", file=sys.stderr)
            return EXIT_NOT_FOUND
        return EXIT_OK
    if args.command == "evaluate":
        # Built completely before anything is written: nothing half-evaluated on stdout.
        _write_json(settlement_document(settlement))
        return EXIT_OK
    try:
        print(explain_line(settlement, args.line, contract=args.contract))
    except LookupError as missing:
        print(f"--line: {missing.args[0]}", file=sys.stderr)
        return EXIT_NOT_FOUND
    return EXIT_OK


def _dates(values: str | list[str] | None) -> list[date]:
    if isinstance(values, str):
        values = [values]
    dates, problems = [], []
    for value in values or ():
        try:
            if len(value) != 10:
                raise ValueError
            dates.append(date.fromisoformat(value))
        except ValueError:
            problems.append(Problem("--as-of", f"not a real date in the form YYYY-MM-DD: {value!r}"))
    try:
        check_run_dates(dates)
    except RunDatesGoBack as back:
        problems += [Problem("--as-of", message) for _, message in back.problems]
    if problems:
        raise _Invalid(problems)
    return dates


def _write_json(document: dict) -> None:
    # orjson writes the same bytes as json.dumps(indent=2) for these documents (strings,
    # integers, booleans, null; non-ASCII is written as UTF-8 rather than \\u-escaped),
    # about 15× faster: Python's own encoder falls back to pure Python when it indents.
    text = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    sys.stdout.flush()
    sys.stdout.buffer.write(text)
    sys.stdout.buffer.flush()


def _load(path: str) -> Scenario:
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as error:
        raise _Invalid([Problem(path, f"cannot read the file: {error.strerror or error}")]) from None
    scenario = read_scenario(raw)  # the fast way, for a valid file in the common shape
    if scenario is not None:
        return scenario
    try:
        data: Any = json.loads(raw)
    except UnicodeDecodeError as error:
        raise _Invalid([Problem(path, f"not UTF-8 text: {error.reason}")]) from None
    except json.JSONDecodeError as error:
        raise _Invalid([Problem(path, f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")]) \
            from None
    except RecursionError:
        raise _Invalid([Problem(path, "not valid JSON: nested too deeply")]) from None
    del raw
    try:
        return parse_scenario(data)
    except ScenarioError as error:
        raise _Invalid(error.problems) from None
