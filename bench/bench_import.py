"""Benchmark `flask --app wsgi import-scenario` at 10k and 100k trajectories, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_import.py [--sizes 10000 100000] [--engines sqlite postgresql]

Generates the seeded scenario of bench_settlement.py (with clients) at each size, imports it into
a fresh, migrated database as a whole process (the command a user runs) and prints the wall
time, the peak memory (ru_maxrss of the process) and, per engine, the memory at the largest
size ÷ the memory at the smallest (targets: ≤ 60 s at 100k; ≤ 1.5×). The baseline for the
memory is the same command at 10k measured in the same run. It only prints.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_settlement import generate  # noqa: E402

from portal import migrate  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402


def run_import(url: str, path: str) -> tuple[float, float, float, int, str]:
    """Run the import command; return (wall s, CPU s of the command, peak RSS MiB, exit code, last output line)."""
    env = dict(os.environ, DATABASE_URL=url, PORTAL_DEMO="1")
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "import-scenario", path],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the largest child's
        wall = time.perf_counter() - started
        out.seek(0)
        lines = out.read().decode().strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime  # steadier than wall time on a busy machine (PostgreSQL's own not in it)
    return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), lines[-1] if lines else ""


def measure(url_for, sizes: list[int], files: dict[int, str]) -> dict[int, tuple[float, float]]:
    results = {}
    for size in sizes:
        url = url_for(size)
        migrate.upgrade(url)
        wall, cpu, peak, code, last = run_import(url, files[size])
        print(f"  {size:>8,} trajectories: {wall:7.1f} s (CPU {cpu:6.1f} s), peak {peak:7.1f} MiB, exit {code}: {last}")
        results[size] = (wall, peak)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the cluster when stopped
    sizes = sorted(args.sizes)
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for size in sizes:
            files[size] = os.path.join(tmp, f"scenario-{size}.json")
            with open(files[size], "w") as handle:
                json.dump(generate(size), handle)
        print(f"load average {os.getloadavg()[0]:.2f}")
        for engine in args.engines:
            print(f"{engine}:")
            cluster = Cluster().start() if engine == "postgresql" else None
            try:
                if cluster:
                    results = measure(lambda size: cluster.create_database(f"import_{size}"), sizes, files)
                else:
                    results = measure(lambda size: f"sqlite:///{tmp}/import-{size}.db", sizes, files)
            finally:
                if cluster:
                    cluster.stop()
            big, small = results[sizes[-1]], results[sizes[0]]
            print(f"  target ≤ 60 s at {sizes[-1]:,}: {big[0]:.1f} s {'met' if big[0] <= 60 else 'NOT met'}")
            ratio = big[1] / small[1]
            print(f"  memory {sizes[-1]:,} ÷ {sizes[0]:,}: {ratio:.2f}× (target ≤ 1.5×) {'met' if ratio <= 1.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
