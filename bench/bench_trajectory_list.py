"""Benchmark the bureau's trajectory list on PostgreSQL with 100,000 trajectories against a trivial page.

    .venv/bin/python bench/bench_trajectory_list.py [--trajectories N] [--repeat R] [--explain]

Starts a throwaway PostgreSQL cluster (tests/pgcluster.py), migrates it, bulk-inserts a
seeded consortium (20 municipalities, 10 bureaus, 50 contracts) with N clients, N
trajectories (half of them of the measured bureau) and about 1.5 claims per trajectory,
then (after VACUUM ANALYZE, as autovacuum would) times, through the Flask test client and logged in as that bureau: the first page,
a filtered page, "wacht op mij", a deep page, a last-name search, and the CSV export,
each against GET /login measured in the same run (median of R rounds). It prints the
milliseconds and the ratio to /login; with --explain also the query plans. It only
prints; it asserts nothing.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from portal import create_app, migrate  # noqa: E402
from portal.auth.passwords import hash_password, use_fast_hashing_for_tests  # noqa: E402
from portal.models import (Client, Consortium, Contract, MilestoneClaim, Municipality, Provider, RoleGrant,  # noqa: E402
                           Tranche, Trajectory, User)
from portal.trajectories.listing import ListFilters, filtered, rows_query  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402
from sessions import logged_in  # noqa: E402
from throughput import gunicorn, requests_per_second, session_cookie  # noqa: E402

SEGMENTS = ["voortraject", "aanbodversterking", "arbeidsritme", "directe_bemiddeling", "sociale_activering"]
LAST_NAMES = ["de Vries", "Jansen", "Bakker", "El Amrani", "Visser", "Smit", "Yilmaz", "Meijer", "de Boer",
              "Mulder", "Bouzid", "Kramer", "Groot", "Koster", "Haddou", "Dekker", "Veenstra", "Boersma"]
TARGET_GROUPS = ["statushouder", "50plus", "jongere", "arbeidsbeperking", "overig"]
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
CHUNK = 10_000


def chunks(rows: list[dict]):
    for i in range(0, len(rows), CHUNK):
        yield rows[i:i + CHUNK]


def bulk(connection, table, rows: list[dict]) -> None:
    for part in chunks(rows):
        connection.execute(insert(table), part)


def fill(url: str, trajectories: int, seed: int = 20261120) -> dict:
    """Insert the data set with executemany in chunks; return what the measurements need."""
    rng = random.Random(seed)
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as c:
        c.execute(insert(Consortium.__table__), [{"id": 1, "code": "NK", "name": "Noord-Kennemerland"}])
        bulk(c, Municipality.__table__, [{"id": m, "consortium_id": 1, "cbs_code": f"{300 + m:04d}",
                                          "name": f"Gemeente {m:02d}"} for m in range(1, 21)])
        bulk(c, Provider.__table__, [{"id": p, "code": f"P{p}", "name": f"Bureau {p}"} for p in range(1, 11)])
        contracts = [{"id": k, "code": f"NK-{k:03d}", "consortium_id": 1, "provider_id": 1 + (k - 1) % 10,
                      "segment": SEGMENTS[(k - 1) % 5], "start": date(2024, 1, 1), "end": date(2027, 12, 31),
                      "price": Decimal("3000.00"), "vat_rate": Decimal("21"), "submission_deadline_days": 60,
                      "sustained_after_months": 6} for k in range(1, 51)]
        bulk(c, Contract.__table__, contracts)
        bulk(c, Tranche.__table__, [{"contract_id": k, "position": i, "code": m, "milestone_type": m,
                                     "share": Decimal(s), "result": i > 0}
                                    for k in range(1, 51)
                                    for i, (m, s) in enumerate([("intake", "20"), ("placement", "30"),
                                                                ("sustained_placement", "50")])])
        bulk(c, User.__table__, [{"id": 1, "email": "bureau@bench.example", "name": "Bureau 1",
                                  "password_hash": hash_password("bench"), "active": True, "provider_id": 1,
                                  "created_at": NOW}])
        bulk(c, RoleGrant.__table__, [{"user_id": 1, "role": "provider"}])

        clients, rows, claims = [], [], []
        claim_id = 0
        for n in range(1, trajectories + 1):
            municipality = rng.randint(1, 20)
            clients.append({"id": n, "ref": f"C{n:06d}", "bsn_hash": hashlib.sha256(b"bench%d" % n).hexdigest(),
                            "bsn_encrypted": b"not-a-real-bsn", "bsn_last4": f"{n % 10_000:04d}",
                            "first_name": "Test", "last_name": rng.choice(LAST_NAMES),
                            "birth_date": date(1970 + n % 35, 1 + n % 12, 1 + n % 28),
                            "municipality_id": municipality, "target_group": rng.choice(TARGET_GROUPS),
                            "benefit": "participatiewet", "created_at": NOW})
            # Half of all trajectories belong to bureau 1 (contracts 1, 11, 21, 31, 41).
            contract = rng.choice([1, 11, 21, 31, 41]) if n % 2 else rng.choice(
                [k for k in range(1, 51) if (k - 1) % 10])
            provider = 1 + (contract - 1) % 10
            referred = date(2024, 1, 1) + timedelta(days=rng.randint(0, 1000))
            roll = rng.random()
            status = ("referred" if roll < 0.05 else "declined" if roll < 0.08 else "accepted" if roll < 0.25
                      else "active" if roll < 0.75 else "ended")
            start = referred + timedelta(days=rng.randint(1, 20)) if status not in ("referred", "declined") else None
            ended = status == "ended"
            rows.append({"id": n, "ref": f"T{n:06d}", "contract_id": contract, "provider_id": provider,
                         "segment": SEGMENTS[(contract - 1) % 5], "client_id": n, "municipality_id": municipality,
                         "status": status, "referred_on": referred,
                         "decline_reason": "Vol" if status == "declined" else None, "start": start,
                         "end": start + timedelta(days=200) if ended else None,
                         "end_reason": "work" if ended else None,
                         "plan_status": rng.choice(["none", "submitted", "approved", "approved", "returned"])
                         if start else "none"})
            if start is None:
                continue
            for kind, offset in (("intake", 5), ("placement", 90)):
                if kind == "placement" and rng.random() < 0.5:
                    break
                claim_id += 1
                review = rng.choice(["approved"] * 6 + ["pending"] * 2 + ["rejected"] * 2)
                happened = start + timedelta(days=offset)
                claims.append({"id": claim_id, "ref": f"M{claim_id:07d}", "trajectory_id": n, "type": kind,
                               "date": happened, "submitted": happened + timedelta(days=3), "review": review,
                               "reviewed": None if review == "pending" else happened + timedelta(days=10)})
                if review == "rejected" and rng.random() < 0.5:  # claimed again
                    claim_id += 1
                    claims.append({"id": claim_id, "ref": f"M{claim_id:07d}", "trajectory_id": n, "type": kind,
                                   "date": happened, "submitted": happened + timedelta(days=20),
                                   "review": "pending", "reviewed": None})
        bulk(c, Client.__table__, clients)
        bulk(c, Trajectory.__table__, rows)
        bulk(c, MilestoneClaim.__table__, claims)
        for table in ("client", "trajectory", "milestone_claim", "municipality", "provider", "contract"):
            c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    # What autovacuum does to a live database: statistics and the visibility map (index-only scans).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return {"claims": len(claims), "mine": sum(1 for r in rows if r["provider_id"] == 1)}


def median_ms(client, url: str, repeat: int) -> float:
    response = client.get(url)  # warm-up, and a check that the page works
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    _ = response.data
    samples = []
    for _round in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        _ = response.data
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def explain(url: str, filters: ListFilters, user, label: str) -> None:
    """Print the plans of the two queries a list page runs: the COUNT and the page of rows."""
    engine = create_engine(url, poolclass=NullPool)
    count = filtered(user, filters, select(func.count(Trajectory.id)).select_from(Trajectory))
    for part, query in (("count", count), ("rows", rows_query(user, filters, offset=0, limit=50))):
        sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
        with engine.connect() as c:
            plan = c.execute(text("EXPLAIN (ANALYZE, COSTS OFF) " + sql)).scalars().all()
        print(f"\n-- {label}: {part}\n" + "\n".join(plan))
    engine.dispose()


THROUGHPUT_PAGES = [
    ("first page", "/trajecten"),
    ("wacht op mij", "/trajecten?waiting=y"),
    ("search last name 'jans'", "/trajecten?q=jans"),
]


def measure_throughput(url: str, seconds: float, rounds: int) -> None:
    """Requests/s of the list pages ÷ GET /login, gunicorn with 2 workers (target ≥ 0.5; variants ≤ 2× the first)."""
    token = "bench-throughput-session"
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as c:
        c.execute(text("UPDATE \"user\" SET session_token = :t WHERE id = 1"), {"t": token})
    engine.dispose()
    cookie = session_cookie(1, token)
    best: dict[str, float] = {}
    with gunicorn(url, workers=2) as address:
        for _round in range(rounds):  # the pages take turns, so that a busy machine slows them alike
            for label, path in [("GET /login (baseline)", "/login"), *THROUGHPUT_PAGES]:
                rate = requests_per_second(address, path, None if path == "/login" else cookie, seconds)
                best[label] = max(best.get(label, 0.0), rate)
    login = best["GET /login (baseline)"]
    first = best["first page"]
    print(f"\nthroughput, gunicorn 2 workers, 4 client threads, best of {rounds} × {seconds:.0f} s:")
    print(f"{'page':48s} {'req/s':>8s} {'÷ /login':>9s} {'first ÷':>8s}")
    for label, rate in best.items():
        print(f"{label:48s} {rate:8.1f} {rate / login:9.3f} {first / rate:8.2f}")
    ratio = first / login
    print(f"target first page ÷ /login ≥ 0.5: {ratio:.3f} {'met' if ratio >= 0.5 else 'NOT met'}")
    slowest = max(first / best[label] for label, _ in THROUGHPUT_PAGES)
    print(f"target slowest variant within 2× of the first page: {slowest:.2f}× {'met' if slowest <= 2 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--explain", action="store_true", help="print the query plans of the list pages")
    parser.add_argument("--seconds", type=float, default=5.0, help="per throughput measurement")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds (the best of each counts)")
    args = parser.parse_args()
    use_fast_hashing_for_tests()
    cluster = Cluster().start()
    try:
        url = cluster.create_database("bench")
        migrate.upgrade(url)
        started = time.perf_counter()
        counts = fill(url, args.trajectories)
        print(f"inserted {args.trajectories:,} clients and trajectories ({counts['mine']:,} of the measured bureau) "
              f"and {counts['claims']:,} claims in {time.perf_counter() - started:.1f} s")
        app = create_app({"DATABASE_URL": url, "TESTING": True, "EVIDENCE_DIR": str(cluster.dir / "evidence")})
        client = logged_in(app, url, 1)
        deep = (counts["mine"] // app.config["PAGE_SIZE"]) * 4 // 5
        pages = [
            ("first page", "/trajecten"),
            ("filtered: active, one municipality, by start", "/trajecten?status=active&municipality=7&sort=start"),
            ("wacht op mij", "/trajecten?waiting=y"),
            ("sorted by municipality, descending", "/trajecten?sort=municipality&direction=desc"),
            (f"deep page {deep}", f"/trajecten?page={deep}"),
            ("search last name 'jans'", "/trajecten?q=jans"),
            ("search trajectory ref", "/trajecten?q=T000101"),
        ]
        baseline = median_ms(app.test_client(), "/login", args.repeat)
        print(f"\nbaseline GET /login: {baseline:.1f} ms (median of {args.repeat})\n")
        print(f"{'page':48s} {'ms':>8s} {'× /login':>9s}")
        for label, page_url in pages:
            ms = median_ms(client, page_url, args.repeat)
            print(f"{label:48s} {ms:8.1f} {ms / baseline:9.1f}")
        export_ms = median_ms(client, "/trajecten/export.csv", max(3, args.repeat // 5))
        print(f"{'CSV export of all ' + format(counts['mine'], ',') + ' rows':48s} {export_ms:8.1f} "
              f"{export_ms / baseline:9.1f}")
        measure_throughput(url, args.seconds, args.rounds)
        if args.explain:
            from portal.db import get_session
            with app.app_context():
                user = get_session().get(User, 1)
                for label, filters in [("first page", ListFilters()),
                                       ("filtered", ListFilters(status="active", municipality_id=7, sort="start")),
                                       ("wacht op mij", ListFilters(waiting=True)),
                                       ("by municipality", ListFilters(sort="municipality", descending=True)),
                                       ("search", ListFilters(q="jans"))]:
                    explain(url, filters, user, label)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
