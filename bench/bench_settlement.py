"""Benchmark the settlement engine against plain json.load of the same scenario file.

    .venv/bin/python bench/bench_settlement.py [--quick] [--trajectories N] [--repeat R]

Generates a seeded scenario (100,000 trajectories and clients, ~170,000 claims over 50
contracts by default) to a temporary file and times first the whole command a user runs,
`python -m settlement evaluate FILE`, against a process that only json.loads the file (the
targets: ≤ 3× its time, ≤ 2× its peak memory), then, in one process: json.load of the file (the
baseline), parse_scenario (validation), evaluate, and settlement_document. It prints
evaluation ÷ json.load for "evaluate only" and "parse + evaluate" (target ≤ 3×), the
peak memory, and the same run at a tenth of the size to check that time grows linearly
(10× the data should take at most 12× the time). It only prints; it asserts nothing.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from settlement import evaluate, parse_scenario, settlement_document  # noqa: E402

MUNICIPALITIES = ["0361", "0373", "0383", "0385", "0396", "0398", "0399", "0416", "0417", "0432",
                  "0534", "0537", "0546", "0547", "0553", "0569", "0575", "0579", "0626", "0638"]
TARGET_GROUPS = ["statushouder", "jongere", "50plus", "arbeidsbeperking"]  # the portal's vocabularies,
BENEFITS = ["participatiewet", "ww", "none"]  # so that bench_import.py can import the same scenario
SEGMENTS = ["voortraject", "aanbodversterking", "arbeidsritme", "directe_bemiddeling", "sociale_activering"]


def generate(trajectories: int, contracts: int = 50, seed: int = 20260101) -> dict:
    """Make a deterministic scenario of about 1.7 claims per trajectory."""
    rng = random.Random(seed)
    doc_contracts = []
    for c in range(contracts):
        start = date(2025 + c % 3, 1 + c % 12, 1)
        end = start + timedelta(days=729)
        has_norm = c % 10 != 9
        contract = {
            "code": f"NK-{c:03d}",
            "provider": f"P-{c % 7}",
            "segment": SEGMENTS[c % len(SEGMENTS)],
            "start": start.isoformat(),
            "end": end.isoformat(),
            "price": f"{3000 + 137 * (c % 11)}.{c % 100:02d}",
            "vat_rate": "21" if c % 4 else "0",
            "submission_deadline_days": 60,
            "tranches": [
                {"code": "intake", "milestone": "intake", "share": "20", "result": False},
                {"code": "plaatsing", "milestone": "placement", "share": "30", "result": True},
                {"code": "duurzaam", "milestone": "sustained_placement", "amount": "1500.00", "result": True},
            ],
            "funding": [{"source": "ESF", "share": "33.33"}, {"source": "WERKDEEL", "share": "33.33"},
                        {"source": "GEMEENTE", "share": "33.34"}],
        }
        if has_norm:
            contract["norm"] = {
                "milestone": "placement", "rate": "35", "measurement_months": 6 if c % 2 else 12,
                "window_months": 12, "excluded_end_reasons": ["moved", "deceased"],
                "staffel": [{"min_ratio": "0", "pay": "0"}, {"min_ratio": "0.8", "pay": "0.5"},
                            {"min_ratio": "1", "pay": "1"}],
            }
        if c % 5 == 0:
            contract["max_trajectories"] = trajectories // contracts * 19 // 20  # a few over volume
        if c % 6 == 0:
            contract["municipality_caps"] = {MUNICIPALITIES[c % 20]: max(1, trajectories // contracts // 30)}
        doc_contracts.append(contract)

    doc_clients = []
    doc_trajectories = []
    doc_milestones = []
    m = 0
    for t in range(trajectories):
        contract = doc_contracts[t % contracts]
        c_start = date.fromisoformat(contract["start"])
        start = c_start + timedelta(days=rng.randrange(-5, 735))
        ref = f"T{t:06d}"
        ended = rng.random() < 0.15
        end = start + timedelta(days=rng.randrange(30, 500)) if ended else None
        municipality = rng.choice(MUNICIPALITIES)
        client = {"ref": f"C{t:06d}", "bsn": _bsn(t), "municipality": municipality,
                  "target_group": rng.choice(TARGET_GROUPS), "benefit": rng.choice(BENEFITS)}
        if t % 10 == 0:  # a tenth have a history of facts, as long-running clients do
            client["facts"] = [{"kind": "language_level", "value": "b1", "valid_from": contract["start"]},
                               {"kind": "target_group", "value": client["target_group"],
                                "valid_from": contract["start"], "member": False}]
        doc_clients.append(client)
        doc_trajectories.append({
            "ref": ref, "contract": contract["code"], "municipality": municipality, "client": client["ref"],
            "start": start.isoformat(), "end": end and end.isoformat(),
            "end_reason": rng.choice(["moved", "work", "dropout", "deceased", "completed"]) if ended else None,
        })
        claims = [("intake", rng.randrange(0, 20))] if rng.random() < 0.95 else []
        if rng.random() < 0.5:
            claims.append(("placement", rng.randrange(30, 420)))
            if rng.random() < 0.4:
                claims.append(("sustained_placement", rng.randrange(200, 600)))
        if claims and rng.random() < 0.05:
            claims.append(claims[0][:1] + (claims[0][1] + rng.randrange(1, 30),))  # a duplicate
        for kind, offset in claims:
            day = start + timedelta(days=offset)
            submitted = day + timedelta(days=rng.choice((3, 7, 14, 30, 59, 60, 61, 90)))
            roll = rng.random()
            review = "approved" if roll < 0.85 else "pending" if roll < 0.95 else "rejected"
            reviewed = (submitted + timedelta(days=rng.randrange(1, 20))).isoformat() if review != "pending" else None
            m += 1
            doc_milestones.append({
                "ref": f"M{m:07d}", "trajectory": ref, "type": kind, "date": day.isoformat(),
                "submitted": submitted.isoformat(), "review": review, "reviewed": reviewed,
            })
    return {
        "format": "reintegratie-scenario/1",
        "as_of": "2029-06-30",
        "consortium": {"code": "NK", "name": "Noord-Kennemerland", "lead_municipality": "0361"},
        "municipalities": [{"code": code, "name": f"Gemeente {code}"} for code in MUNICIPALITIES],
        "providers": [{"code": f"P-{p}", "name": f"Bureau {p}"} for p in range(7)],
        "contracts": doc_contracts,
        "clients": doc_clients,
        "trajectories": doc_trajectories,
        "milestones": doc_milestones,
    }


def _bsn(n: int) -> str:
    """Return the n-th distinct nine-digit number that passes the elfproef."""
    head = f"{10_000_000 + n:08d}"
    check = sum(int(d) * w for d, w in zip(head, (9, 8, 7, 6, 5, 4, 3, 2))) % 11
    if check == 10:  # no last digit makes it pass: take the next head
        return _bsn(n + 40_000_000)
    return head + str(check)


PHASES = ("load", "parse", "evaluate", "document")


def timed(func):
    """Run func once with a clean heap; return (wall seconds, CPU seconds, result)."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure(trajectories: int, repeat: int) -> dict:
    """Time every phase on a generated scenario of the given size (fastest of `repeat` rounds).

    The phases take turns within each round, so that a busy machine slows the baseline
    and the engine alike instead of skewing their ratio. Both wall-clock and CPU time
    (time.process_time) are kept: on a shared machine CPU time is the steadier one.
    """
    scenario_doc = generate(trajectories)
    wall = dict.fromkeys(PHASES, float("inf"))
    cpu = dict.fromkeys(PHASES, float("inf"))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "scenario.json")
        with open(path, "w") as file:
            json.dump(scenario_doc, file)
        size = os.path.getsize(path)
        del scenario_doc

        def load():
            with open(path, "rb") as file:
                return json.load(file)

        for _ in range(repeat):
            data = scenario = settlement = document = None
            runs = {}
            runs["load"] = timed(load)
            data = runs["load"][2]
            runs["parse"] = timed(lambda: parse_scenario(data))
            scenario = runs["parse"][2]
            runs["evaluate"] = timed(lambda: evaluate(scenario))
            settlement = runs["evaluate"][2]
            runs["document"] = timed(lambda: settlement_document(settlement))
            document = runs["document"][2]
            for phase, (seconds, cpu_seconds, _) in runs.items():
                wall[phase] = min(wall[phase], seconds)
                cpu[phase] = min(cpu[phase], cpu_seconds)
            del runs
    lines = sum(len(c.lines) for c in settlement.contracts)
    return {
        "trajectories": len(scenario.trajectories), "milestones": len(scenario.milestones), "lines": lines,
        "bytes": size, "wall": wall, "cpu": cpu,
        "payable": sum(c.totals.payable for c in settlement.contracts),
        "document_contracts": len(document["contracts"]),
    }


def peak_memory(trajectories: int) -> tuple[int, int]:
    """Return tracemalloc peaks (bytes) of parse and of evaluate, each measured on its own."""
    data = json.loads(json.dumps(generate(trajectories)))
    tracemalloc.start()
    scenario = parse_scenario(data)
    parse_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    settlement = evaluate(scenario)
    eval_peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del settlement
    return parse_peak, eval_peak


def report(label: str, r: dict) -> None:
    print(f"{label}: {r['trajectories']:,} trajectories, {r['milestones']:,} claims, {r['lines']:,} lines, "
          f"file {r['bytes'] / 1e6:.1f} MB")
    print(f"  {'':24}{'wall s':>9}{'× load':>8}{'CPU s':>10}{'× load':>8}")
    rows = [("json.load (baseline)", "load"), ("parse + validate", "parse"), ("evaluate", "evaluate")]
    for name, phase in rows:
        _row(name, r["wall"][phase], r["wall"]["load"], r["cpu"][phase], r["cpu"]["load"])
    both_wall = r["wall"]["parse"] + r["wall"]["evaluate"]
    both_cpu = r["cpu"]["parse"] + r["cpu"]["evaluate"]
    _row("parse + evaluate", both_wall, r["wall"]["load"], both_cpu, r["cpu"]["load"])
    _row("settlement_document", r["wall"]["document"], r["wall"]["load"], r["cpu"]["document"], r["cpu"]["load"])
    for name, phase_wall, phase_cpu in (("evaluate only", r["wall"]["evaluate"], r["cpu"]["evaluate"]),
                                        ("parse + evaluate", both_wall, both_cpu)):
        ratio_wall, ratio_cpu = phase_wall / r["wall"]["load"], phase_cpu / r["cpu"]["load"]
        print(f"  target ≤ 3× json.load, {name:<16}: wall {ratio_wall:.2f}× {_verdict(ratio_wall <= 3)}, "
              f"CPU {ratio_cpu:.2f}× {_verdict(ratio_cpu <= 3)}")
    print(f"  total payable          {r['payable']}")


def _row(name: str, wall: float, wall_base: float, cpu: float, cpu_base: float) -> None:
    print(f"  {name:<24}{wall:9.3f}{wall / wall_base:7.2f}×{cpu:10.3f}{cpu / cpu_base:7.2f}×")


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def _linear(name: str, wall: float, cpu: float) -> None:
    print(f"  {name:<12}{wall:7.2f}× {_verdict(wall <= 12):<8}{cpu:7.2f}× {_verdict(cpu <= 12)}")


def run_process(argv: list[str]) -> tuple[float, float, float]:
    """Run a command with stdout discarded; return (wall s, CPU s, peak RSS MiB) of that process alone."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"{argv}: exit status {status}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def whole_processes(trajectories: int, repeat: int) -> None:
    """`python -m settlement evaluate FILE` ÷ a process doing json.load of FILE (targets: ≤ 3× time, ≤ 2× memory)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "scenario.json")
        with open(path, "w") as file:
            json.dump(generate(trajectories), file)
        load = [sys.executable, "-c", f"import json\nwith open({path!r}, 'rb') as f: json.load(f)"]
        engine = [sys.executable, "-m", "settlement", "evaluate", path]
        best = {"load": [float("inf")] * 3, "evaluate": [float("inf")] * 3}
        for _ in range(repeat):  # taking turns, so that a busy machine slows both alike
            for name, argv in (("load", load), ("evaluate", engine)):
                best[name] = [min(a, b) for a, b in zip(best[name], run_process(argv))]
    (lw, lc, lm), (ew, ec, em) = best["load"], best["evaluate"]
    print(f"\nwhole processes, {trajectories:,} trajectories with clients, best of {repeat}:")
    print(f"  {'':34}{'wall s':>8}{'CPU s':>8}{'peak MiB':>10}")
    print(f"  {'python -c json.load(FILE)':34}{lw:8.2f}{lc:8.2f}{lm:10.0f}")
    print(f"  {'python -m settlement evaluate':34}{ew:8.2f}{ec:8.2f}{em:10.0f}")
    print(f"  target ≤ 3× json.load: wall {ew / lw:.2f}× {_verdict(ew / lw <= 3)}, CPU {ec / lc:.2f}× "
          f"{_verdict(ec / lc <= 3)}; target ≤ 2× its peak memory: {em / lm:.2f}× {_verdict(em / lm <= 2)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size (10,000 trajectories)")
    parser.add_argument("--trajectories", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=5, help="rounds; the fastest run of each phase counts")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run (slow)")
    parser.add_argument("--processes-only", action="store_true", help="only the whole-process comparison")
    args = parser.parse_args()
    full = args.trajectories or (10_000 if args.quick else 100_000)
    small = max(full // 10, 1)
    whole_processes(full, max(3, args.repeat // 2))
    if args.processes_only:
        return

    print(f"python {sys.version.split()[0]}, fastest of {args.repeat} rounds per phase, "
          f"load average {os.getloadavg()[0]:.2f}\n")
    big = measure(full, args.repeat)
    report("full size", big)
    tenth = measure(small, args.repeat)
    report("1/10 size", tenth)

    print("\nlinearity (10× the data should take ≤ 12× the time):")
    print(f"  {'':12}{'wall':>8}{'':9}{'CPU':>8}")
    for phase in PHASES:
        _linear(phase, big["wall"][phase] / tenth["wall"][phase], big["cpu"][phase] / tenth["cpu"][phase])
    _linear("parse+eval", (big["wall"]["parse"] + big["wall"]["evaluate"])
            / (tenth["wall"]["parse"] + tenth["wall"]["evaluate"]),
            (big["cpu"]["parse"] + big["cpu"]["evaluate"]) / (tenth["cpu"]["parse"] + tenth["cpu"]["evaluate"]))

    print("\nmemory:")
    print(f"  process peak RSS (ru_maxrss)        {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.1f} MB")
    if not args.no_memory:
        parse_peak, eval_peak = peak_memory(full)
        print(f"  tracemalloc peak, parse (full size) {parse_peak / 1e6:8.1f} MB")
        print(f"  tracemalloc peak, evaluate          {eval_peak / 1e6:8.1f} MB  (above the parsed scenario)")


if __name__ == "__main__":
    main()
