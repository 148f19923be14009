"""Benchmark the results pages on PostgreSQL with 100,000 trajectories against the trajectory list's first page.

    .venv/bin/python bench/bench_results.py [--trajectories N] [--repeat R]

Builds the data set of bench_trajectory_list.py (20 municipalities, 10 bureaus, 50 contracts,
N trajectories, ~1.5 claims each), gives every contract a 35 % placement norm over 6-month
cohorts, then times through the Flask test client, in the same run: the bureau's trajectory
list first page (the yardstick), the bureau's results page, its start page, the consortium
dashboard (all segments, with charts), one segment of it, and the creaming view; each is
printed in milliseconds and as a ratio to the list's first page (median of R rounds).
Each results page is timed cold (the results cache emptied first: every contract is evaluated
and stored) and warm (median of R rounds after that, served from `results_cache`).
It only prints; it asserts nothing.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, delete, insert, update  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bench_trajectory_list import fill, median_ms  # noqa: E402
from sessions import logged_in  # noqa: E402
from portal import create_app, migrate  # noqa: E402
from portal.auth.passwords import hash_password, use_fast_hashing_for_tests  # noqa: E402
from portal.models import Contract, ExcludedEndReason, ResultsCache, RoleGrant, StaffelStep, User  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
PEILDATUM = "20-11-2026"


def add_norms(url: str) -> None:
    """Give every contract the demo's norm: 35 % placements, 6-month cohorts, 9-month window, all or nothing."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as c:
        c.execute(update(Contract).values(norm_milestone="placement", norm_rate=Decimal("35"),
                                          norm_measurement_months=6, norm_window_months=9))
        c.execute(insert(StaffelStep.__table__), [
            {"contract_id": k, "min_ratio": Decimal(m), "pay": Decimal(p)}
            for k in range(1, 51) for m, p in (("0", "0"), ("1", "1"))])
        c.execute(insert(ExcludedEndReason.__table__), [
            {"contract_id": k, "end_reason": r} for k in range(1, 51) for r in ("moved", "deceased")])
        c.execute(insert(User.__table__), [{"id": 2, "email": "contractmanager@bench.example",
                                             "name": "Contractmanager", "password_hash": hash_password("bench"),
                                             "active": True, "created_at": NOW}])
        c.execute(insert(RoleGrant.__table__), [{"user_id": 2, "role": "reviewer"}])
    engine.dispose()


def cold_ms(url: str, client, page_url: str) -> float:
    """Time one load with an empty results cache (every contract the page reads is evaluated and stored)."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as c:
        c.execute(delete(ResultsCache))
    engine.dispose()
    started = time.perf_counter()
    response = client.get(page_url)
    _ = response.data
    if response.status_code != 200:
        raise SystemExit(f"{page_url}: HTTP {response.status_code}")
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    use_fast_hashing_for_tests()
    cluster = Cluster().start()
    try:
        url = cluster.create_database("bench")
        migrate.upgrade(url)
        started = time.perf_counter()
        counts = fill(url, args.trajectories)
        add_norms(url)
        print(f"inserted {args.trajectories:,} trajectories ({counts['mine']:,} of the measured bureau) and "
              f"{counts['claims']:,} claims in {time.perf_counter() - started:.1f} s; 50 contracts with a norm")
        app = create_app({"DATABASE_URL": url, "TESTING": True, "EVIDENCE_DIR": str(cluster.dir / "evidence")})
        bureau, reviewer = logged_in(app, url, 1), logged_in(app, url, 2)
        yardstick = median_ms(bureau, "/trajecten", args.repeat)
        print(f"\nyardstick: the bureau's trajectory list, first page: {yardstick:.1f} ms (median of {args.repeat})\n")
        print(f"{'page':52s} {'cold ms':>9s} {'× list':>8s} {'warm ms':>9s} {'× list':>8s}")
        pages = [
            (bureau, "bureau: results page (own contracts, segment average)", f"/resultaten/mijn?peildatum={PEILDATUM}"),
            (bureau, "bureau: start page with results summary", "/start"),
            (reviewer, "consortium dashboard (one segment, with charts)", f"/resultaten?peildatum={PEILDATUM}"),
            (reviewer, "consortium dashboard, all five segments", f"/resultaten?segment=alle&peildatum={PEILDATUM}"),
            (reviewer, "creaming view, one segment", f"/resultaten/creaming?segment=directe_bemiddeling"
                                                     f"&peildatum={PEILDATUM}"),
        ]
        for client, label, page_url in pages:
            cold = cold_ms(url, client, page_url)
            ms = median_ms(client, page_url, args.repeat)
            print(f"{label:52s} {cold:9.1f} {cold / yardstick:8.1f} {ms:9.1f} {ms / yardstick:8.1f}")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
