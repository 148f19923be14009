"""Reproduce issued runs (settlement.md section 9): evaluate again from the facts as recorded when drafted.

A run froze its lines when its draft was saved (`prepared_at`). Replaying rebuilds the contract's
facts as recorded at that moment (later decisions and corrections left out), evaluates them as of
the run's date, takes the difference with what runs issued before that moment invoiced, and
compares every frozen line field by field.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import settlement
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models as m
from ..finance.facts import load_contract, load_facts
from ..finance.runs import invoiced_so_far

ZERO = Decimal("0.00")
COMPARED = ("municipality", "status", "reason", "amount", "payable", "withheld", "pending", "previously_invoiced",
            "delta", "delta_reason")


@dataclass(frozen=True)
class Difference:
    run_id: int
    contract: str
    milestone: str
    tranche: str
    field: str
    frozen: object
    replayed: object

    def __str__(self) -> str:
        return (f"run {self.run_id} ({self.contract}) {self.milestone}/{self.tranche} {self.field}: "
                f"frozen {self.frozen} replayed {self.replayed}")


def issued_runs(session: Session, run_id: int | None = None) -> list[m.SettlementRun]:
    """Return the issued runs (or the one asked for, issued or not), in the order they were issued."""
    query = select(m.SettlementRun).order_by(m.SettlementRun.approved_at, m.SettlementRun.id)
    if run_id is not None:
        return list(session.scalars(query.where(m.SettlementRun.id == run_id)))
    return list(session.scalars(query.where(m.SettlementRun.status == "issued")))


def replayed_lines(session: Session, run: m.SettlementRun) -> dict[tuple[str, str], dict]:
    """Evaluate the run again from the facts as recorded when it was drafted; key -> compared fields."""
    contract = load_contract(session, run.contract.code)
    facts = load_facts(session, contract, recorded_at=run.prepared_at)
    result = settlement.evaluate_contract(facts.contract, facts.trajectories, facts.milestones, run.as_of)
    # The same call as finance.runs.evaluate_run, with what runs issued before this draft had invoiced.
    run_result = settlement.issue_run(result, invoiced_so_far(session, contract, issued_before=run.prepared_at))
    lines = {}
    for rl in run_result.lines:
        line = rl.line
        lines[(rl.milestone, rl.tranche)] = {
            "municipality": rl.municipality, "status": line.status if line else "withheld",
            "reason": line.reason if line else None, "amount": line.amount if line else ZERO,
            "payable": line.payable if line else ZERO, "withheld": line.withheld if line else ZERO,
            "pending": line.pending if line else ZERO, "previously_invoiced": rl.invoiced_before,
            "delta": rl.amount if rl.amount is not None else ZERO,
            "delta_reason": rl.reason if rl.amount is not None else None}
    return lines


def frozen_lines(session: Session, run: m.SettlementRun) -> dict[tuple[str, str], dict]:
    cbs = dict(session.execute(select(m.Municipality.id, m.Municipality.cbs_code)).all())
    return {(line.milestone_ref, line.tranche_code): {
        "municipality": cbs[line.municipality_id], "status": line.status, "reason": line.reason,
        "amount": line.amount, "payable": line.payable, "withheld": line.withheld, "pending": line.pending,
        "previously_invoiced": line.previously_invoiced, "delta": line.delta, "delta_reason": line.delta_reason}
        for line in run.lines}


def replay_run(session: Session, run: m.SettlementRun) -> list[Difference]:
    """Return every difference between the run's frozen lines and its replay (empty: reproduced exactly)."""
    frozen, replayed = frozen_lines(session, run), replayed_lines(session, run)
    differences = []
    code = run.contract.code
    for key in sorted(frozen.keys() | replayed.keys()):
        if key not in replayed:
            differences.append(Difference(run.id, code, *key, "line", "present", "absent"))
        elif key not in frozen:
            differences.append(Difference(run.id, code, *key, "line", "absent", "present"))
        else:
            differences += [Difference(run.id, code, *key, name, frozen[key][name], replayed[key][name])
                            for name in COMPARED if frozen[key][name] != replayed[key][name]]
    return differences


def replay(session: Session, run_id: int | None = None) -> tuple[int, list[Difference]]:
    """Replay one run or every issued run; return (runs replayed, differences)."""
    runs = issued_runs(session, run_id)
    differences = []
    for run in runs:
        differences += replay_run(session, run)
    return len(runs), differences
