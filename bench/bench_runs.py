"""Benchmark runs over time against one evaluate of the same scenario.

    .venv/bin/python bench/bench_runs.py [--quick] [--trajectories N] [--repeat R]

Builds the seeded scenario of bench_settlement.py (100,000 trajectories over 50
contracts by default), gives 3 % of its approved claims a revocation some months later
(so that runs credit and correct), and times, in one process and taking turns:
`evaluate(scenario)` as of its as_of (the baseline) and `issue_runs(scenario, dates)`
for four run dates, the last one the scenario's as_of. It prints both, wall-clock and
CPU, and their ratio (target: runs at four dates ≤ 5× one evaluate). It only prints.
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_settlement import generate  # noqa: E402

from settlement import evaluate, issue_runs, parse_scenario, runs_document  # noqa: E402

RUN_DATES = [date(2026, 6, 30), date(2027, 6, 30), date(2028, 6, 30), date(2029, 6, 30)]


def with_revocations(document: dict, share: float = 0.03, seed: int = 7) -> dict:
    """Withdraw some approvals 60–400 days after they were given (review histories)."""
    rng = random.Random(seed)
    for milestone in document["milestones"]:
        if milestone["review"] == "approved" and rng.random() < share:
            approved = date.fromisoformat(milestone.pop("reviewed"))
            milestone.pop("review")
            revoked = approved + timedelta(days=rng.randrange(60, 400))
            milestone["reviews"] = [{"decision": "approved", "date": approved.isoformat()},
                                    {"decision": "revoked", "date": revoked.isoformat()}]
    return document


def timed(func):
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size (10,000 trajectories)")
    parser.add_argument("--trajectories", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the fastest of each counts")
    args = parser.parse_args()
    size = args.trajectories or (10_000 if args.quick else 100_000)

    scenario = parse_scenario(with_revocations(generate(size)))
    assert scenario.as_of == RUN_DATES[-1]
    best = {"evaluate": [float("inf")] * 2, "runs": [float("inf")] * 2}
    for _ in range(args.repeat):
        wall, cpu, settlement = timed(lambda: evaluate(scenario))
        best["evaluate"] = [min(best["evaluate"][0], wall), min(best["evaluate"][1], cpu)]
        del settlement
        wall, cpu, runs = timed(lambda: issue_runs(scenario, RUN_DATES))
        best["runs"] = [min(best["runs"][0], wall), min(best["runs"][1], cpu)]

    lines = sum(len(c.lines) for c in evaluate(scenario).contracts)
    moved = [sum(len(r.changes) for r in run.contracts) for run in runs]
    documents = [sum(len(r.documents) for r in run.contracts) for run in runs]
    credits = sum(d.kind == "credit_note" for run in runs for r in run.contracts for d in r.documents)
    reasons: dict[str | None, int] = {}
    for run in runs:
        for result in run.contracts:
            for change in result.changes:
                reasons[change.reason] = reasons.get(change.reason, 0) + 1
    wall_doc, cpu_doc, _ = timed(lambda: runs_document(runs))

    print(f"python {sys.version.split()[0]}, fastest of {args.repeat} rounds, load average {os.getloadavg()[0]:.2f}")
    print(f"scenario: {len(scenario.trajectories):,} trajectories, {len(scenario.milestones):,} claims, "
          f"{lines:,} lines as of {scenario.as_of}")
    print(f"runs at {', '.join(d.isoformat() for d in RUN_DATES)}: lines with an amount {moved}, "
          f"documents {documents} ({credits} credit notes), reasons "
          + ", ".join(f"{k or 'null'} {v:,}" for k, v in sorted(reasons.items(), key=lambda kv: str(kv[0]))))
    print(f"  {'':34}{'wall s':>9}{'CPU s':>9}")
    print(f"  {'evaluate (one, as of as_of)':<34}{best['evaluate'][0]:9.3f}{best['evaluate'][1]:9.3f}")
    print(f"  {'issue_runs (four dates)':<34}{best['runs'][0]:9.3f}{best['runs'][1]:9.3f}")
    print(f"  {'runs_document (not in the ratio)':<34}{wall_doc:9.3f}{cpu_doc:9.3f}")
    ratio_wall = best["runs"][0] / best["evaluate"][0]
    ratio_cpu = best["runs"][1] / best["evaluate"][1]
    verdict = {True: "met", False: "NOT met"}
    print(f"  target ≤ 5× one evaluate: wall {ratio_wall:.2f}× {verdict[ratio_wall <= 5]}, "
          f"CPU {ratio_cpu:.2f}× {verdict[ratio_cpu <= 5]}")


if __name__ == "__main__":
    main()
