"""Load test: a realistic mix of users against gunicorn on PostgreSQL with 100,000 trajectories, on 1 and on 2 nodes.

    .venv/bin/pip install -e '.[bench]'     # locust
    .venv/bin/python bench/bench_load.py [--trajectories N] [--users U] [--seconds S] [--workers W]

Starts a throwaway PostgreSQL cluster, fills it with the data set of bench_trajectory_list.py
(N trajectories, half of them of bureau 1), adds accounts (bureaus of bureau 1, reviewers,
finance), trajectories bureau 1 may claim and claims awaiting review, then runs the users of
bench/locustfile.py (bureaus 6 : reviewers 3 : finance 1) for S seconds against one node and
then against two (each a gunicorn with W gthread workers; every request goes to the next node).
Each run gets fresh work (claimable trajectories, pending claims). It prints, per run, the
requests per second, the median and 99th-percentile response time and the errors, in total and
per request type, and the ratio of two nodes to one. It only prints; it asserts nothing.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, delete, insert, select, text, update  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bench_trajectory_list import NOW, fill  # noqa: E402
from portal import clock, migrate  # noqa: E402
from portal.auth.passwords import hash_password, use_fast_hashing_for_tests  # noqa: E402
from portal.models import Contract, MilestoneClaim, RoleGrant, Trajectory, User  # noqa: E402
from tests.appnodes import start_nodes  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402

PASSWORD = "load-test-password"
ACCOUNTS = 60  # per role; every simulated user logs in with an account of its own


def add_accounts(url: str) -> dict[str, list[str]]:
    """Add ACCOUNTS bureau-1 users, reviewers and finance users; return their e-mail addresses per role."""
    engine = create_engine(url, poolclass=NullPool)
    accounts: dict[str, list[str]] = {}
    password_hash = hash_password(PASSWORD)
    with engine.begin() as c:
        first = c.scalar(select(User.id).order_by(User.id.desc()).limit(1)) + 1
        users, grants = [], []
        for offset, role in enumerate(("provider", "reviewer", "finance")):
            for n in range(ACCOUNTS):
                user_id = first + offset * ACCOUNTS + n
                email = f"{role}{n}@load.example"
                users.append({"id": user_id, "email": email, "name": f"{role} {n}", "password_hash": password_hash,
                              "active": True, "provider_id": 1 if role == "provider" else None, "created_at": NOW})
                grants.append({"user_id": user_id, "role": role})
                accounts.setdefault(role, []).append(email)
        c.execute(insert(User.__table__), users)
        c.execute(insert(RoleGrant.__table__), grants)
        c.execute(text("SELECT setval(pg_get_serial_sequence('user', 'id'), (SELECT max(id) FROM \"user\"))"))
    engine.dispose()
    return accounts


def fresh_work(url: str, run: int, claimable: int, pending: int) -> dict:
    """Pick, for one run, active trajectories of bureau 1 to claim (their claims removed) and pending claims."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as c:
        mine = c.scalars(select(Trajectory.id).where(Trajectory.provider_id == 1, Trajectory.status == "active")
                         .order_by(Trajectory.id)).all()
        chosen = mine[run * claimable:(run + 1) * claimable]
        c.execute(delete(MilestoneClaim).where(MilestoneClaim.trajectory_id.in_(chosen)))
        # Pending claims submitted by today (the generated history also has later ones, not decidable yet).
        waiting = c.scalars(select(MilestoneClaim.id).where(MilestoneClaim.review == "pending",
                                                            MilestoneClaim.submitted <= clock.today())
                            .order_by(MilestoneClaim.id).offset(run * pending).limit(pending)).all()
        contracts = c.scalars(select(Contract.code).order_by(Contract.id)).all()
        # Claims are dated after every start, within the contracts' submission deadline.
        c.execute(update(Trajectory).where(Trajectory.id.in_(chosen)).values(start=date(2026, 1, 5)))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE milestone_claim"))
    engine.dispose()
    today = clock.today()
    return {"claimable": chosen, "pending": waiting, "mine": mine[-5000:], "contracts": contracts,
            "happened": (today - timedelta(days=10)).strftime("%d-%m-%Y"), "peildatum": today.strftime("%d-%m-%Y"),
            "password": PASSWORD}


def run_locust(nodes: list[str], work: dict, users: int, seconds: int, folder: Path) -> list[dict]:
    """Run the locustfile headless against the nodes; return the rows of its statistics (the last is the total)."""
    work_file = folder / "work.json"
    work_file.write_text(json.dumps(work))
    prefix = folder / "stats"
    env = {**os.environ, "LOAD_NODES": ",".join(nodes), "LOAD_WORK": str(work_file)}
    subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                    "--users", str(users), "--spawn-rate", str(max(1, users // 5)), "--run-time", f"{seconds}s",
                    "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30"],
                   env=env, check=False, stdout=subprocess.DEVNULL, stderr=open(folder / "locust.log", "w"))
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def show(label: str, rows: list[dict]) -> dict:
    print(f"\n{label}")
    print(f"  {'request':36s} {'count':>7s} {'errors':>6s} {'req/s':>7s} {'p50 ms':>7s} {'p99 ms':>7s}")
    for row in rows:
        name = "TOTAL" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(f"  {name[:36]:36s} {int(row['Request Count']):7d} {int(row['Failure Count']):6d} "
              f"{float(row['Requests/s']):7.1f} {row['50%']:>7s} {row['99%']:>7s}")
    return rows[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20, help="simulated users at once")
    parser.add_argument("--seconds", type=int, default=60, help="length of each run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node (gthread, 4 threads)")
    args = parser.parse_args()
    use_fast_hashing_for_tests()
    cluster = Cluster().start()
    folder = Path(tempfile.mkdtemp(prefix="rp-load-"))
    try:
        url = cluster.create_database("load")
        migrate.upgrade(url)
        started = time.perf_counter()
        counts = fill(url, args.trajectories)
        accounts = add_accounts(url)
        print(f"inserted {args.trajectories:,} trajectories ({counts['mine']:,} of bureau 1), {counts['claims']:,} "
              f"claims and {3 * ACCOUNTS} accounts in {time.perf_counter() - started:.0f} s; "
              f"{args.users} users for {args.seconds} s per run, {args.workers} gunicorn workers per node")
        totals = {}
        for run, node_count in enumerate((1, 2)):
            work = fresh_work(url, run, claimable=1500, pending=3000) | {"accounts": accounts}
            nodes = start_nodes(url, folder / f"run-{run}", node_count, workers=args.workers, threads=4,
                                timeout=120)
            try:
                rows = run_locust([n.url for n in nodes], work, args.users, args.seconds, folder / f"run-{run}")
            finally:
                for node in nodes:
                    node.stop()
            totals[node_count] = show(f"{node_count} node{'s' if node_count > 1 else ''}:", rows)
        one, two = totals[1], totals[2]
        print(f"\n{'':10s} {'req/s':>7s} {'p50 ms':>7s} {'p99 ms':>7s} {'errors':>7s}")
        for count, row in totals.items():
            print(f"{count} node{'s' if count > 1 else ' '}    {float(row['Requests/s']):7.1f} {row['50%']:>7s} "
                  f"{row['99%']:>7s} {int(row['Failure Count']):7d}")
        print(f"2 nodes ÷ 1 node, throughput: {float(two['Requests/s']) / float(one['Requests/s']):.2f}× "
              f"(on a machine of {os.cpu_count()} cores shared by both nodes, PostgreSQL and locust)")
        print(f"locust logs and statistics: {folder}")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
