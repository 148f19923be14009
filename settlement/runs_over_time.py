"""Runs over time without a database: issue runs one after another for a scenario (section 9).

Each run evaluates the scenario as of its own date and is issued, per contract,
against everything the runs before it invoiced; the previous issued run is the one
directly before it. `issue_run` decides every amount; this module only keeps the
ledger between runs and writes the `reintegratie-runs/1` document.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ._speed import gc_paused
from .evaluation import evaluate
from .glossary import RUNS_FORMAT
from .model import Scenario
from .money import fmt_amount
from .results import ContractSettlement
from .runs import Invoiced, LineKey, RunDocument, RunLine, RunResult, issue_run, line_order, statuses_of


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    """One run of a scenario: its date and, per contract in scenario order, what it issued."""

    as_of: date
    contracts: tuple[RunResult, ...]


class RunDatesGoBack(ValueError):
    """Run dates must never go back; `problems` names each date that does, as (index, message)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


def check_run_dates(dates: Sequence[date]) -> None:
    """Raise RunDatesGoBack if a date lies before the one before it."""
    problems = [(i, f"{dates[i]} is before the run of {dates[i - 1]}: runs are issued in order")
                for i in range(1, len(dates)) if dates[i] < dates[i - 1]]
    if problems:
        raise RunDatesGoBack(problems)


def issue_runs(scenario: Scenario, dates: Sequence[date] | None = None) -> tuple[ScenarioRun, ...]:
    """Issue a run per date (default: the scenario's `runs`, else one as of `as_of`), each against the ones before."""
    dates = list(dates) if dates else list(scenario.runs) or [scenario.as_of]
    check_run_dates(dates)
    ledgers: dict[str, dict[LineKey, Invoiced]] = {c.code: {} for c in scenario.contracts}
    previous: dict[str, ContractSettlement] = {}
    runs = []
    for day in dates:
        by_code = {c.code: c for c in evaluate(scenario, day).contracts}
        results = []
        with gc_paused():
            for contract in scenario.contracts:
                result = by_code[contract.code]
                ledger = ledgers[contract.code]
                before = previous.get(contract.code)
                # A copy: the run keeps what was invoiced before it, the ledger moves on.
                run = issue_run(result, dict(ledger), statuses_of(before) if before is not None else {})
                for change in run.changes:
                    key = (change.milestone, change.tranche)
                    old = ledger.get(key)
                    ledger[key] = Invoiced(
                        amount=change.payable_now, municipality=change.municipality, trajectory=change.trajectory,
                        order=line_order(change.line) if change.line is not None else old and old.order)
                previous[contract.code] = result
                results.append(run)
        runs.append(ScenarioRun(as_of=day, contracts=tuple(results)))
    return tuple(runs)


def runs_document(runs: Sequence[ScenarioRun]) -> dict[str, Any]:
    """Render runs in the reintegratie-runs/1 format."""
    return {
        "format": RUNS_FORMAT,
        "runs": [
            {"as_of": run.as_of.isoformat(),
             "contracts": [run_contract_document(result) for result in run.contracts]}
            for run in runs
        ],
    }


def run_contract_document(result: RunResult) -> dict[str, Any]:
    """Render one contract's run: its moving lines, documents and funding."""
    return {
        "code": result.result.code,
        "lines": [run_line_document(change) for change in result.changes],
        "documents": [document_entry(document) for document in result.documents],
        "by_funding": {source: fmt_amount(part) for source, part in result.by_funding.items()},
    }


def run_line_document(change: RunLine) -> dict[str, Any]:
    """Render one line with an amount (`status` is an extra key: the line's status now, null when gone)."""
    return {
        "milestone": change.milestone,
        "trajectory": change.trajectory,
        "municipality": change.municipality,
        "tranche": change.tranche,
        "invoiced_before": fmt_amount(change.invoiced_before),
        "payable_now": fmt_amount(change.payable_now),
        "amount": fmt_amount(change.amount),
        "reason": change.reason,
        "funding": {source: fmt_amount(part) for source, part in change.funding.items()},
        "status": change.status,
    }


def document_entry(document: RunDocument) -> dict[str, Any]:
    """Render one invoice or credit note of a run."""
    return {
        "municipality": document.municipality,
        "kind": document.kind,
        "subtotal": fmt_amount(document.subtotal),
        "vat": fmt_amount(document.vat),
        "total": fmt_amount(document.total),
    }
