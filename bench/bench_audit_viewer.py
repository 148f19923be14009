"""Benchmark the auditor's audit-trail viewer on PostgreSQL with one million events.

    .venv/bin/python bench/bench_audit_viewer.py [--events N] [--repeat R] [--verify] [--explain]

Starts a throwaway PostgreSQL cluster (tests/pgcluster.py), migrates it and COPYs in N sealed
audit events (a real hash chain; 200 users, 30 actions, five object types, two years), then
VACUUM ANALYZE. It times, in the same run (median of R rounds):

- the baseline: a plain indexed select of one page of events (the newest 50, by the
  (occurred_at, id) index, fetched as rows);
- the viewer's query for a page (`portal.auditing.viewer.search`, ORM objects, one more row to
  know whether there is a next page) for: the first page, a page 90 % deep (keyset cursor), one
  user, one action, one month, one object, one user in one month, and one object's timeline;
  each as a ratio to the baseline (target ≤ 3×);
- the whole HTTP page through the Flask test client as an auditor (form, query, template, and
  the recorded look with its commit and chain seal), against the baseline and GET /login.

With --verify also `flask audit verify` over the whole chain. It only prints; it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from portal import create_app, migrate  # noqa: E402
from portal.audit import GENESIS, link_hash  # noqa: E402
from portal.auth.passwords import hash_password, use_fast_hashing_for_tests  # noqa: E402
from portal.auditing import viewer  # noqa: E402
from portal.auditing.chain import verify_chain  # noqa: E402
from portal.models import AuditEvent, RoleGrant, User  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402
from sessions import logged_in  # noqa: E402

START = datetime(2025, 1, 1, tzinfo=timezone.utc)
SPAN_SECONDS = 2 * 365 * 24 * 3600
USERS = 200
OBJECTS = [("milestone_claim", 150_000), ("trajectory", 60_000), ("settlement_run", 2_000), ("invoice", 8_000),
           ("user", USERS)]
ACTIONS = [f"{kind}.{verb}" for kind, _ in OBJECTS for verb in ("created", "changed", "approved", "viewed",
                                                                    "exported", "issued")]
COLUMNS = ("id", "occurred_at", "actor_id", "actor_label", "action", "object_type", "object_id", "before", "after",
           "chain_seq", "prev_hash", "hash")


def fill(url: str, events: int, seed: int = 20261130) -> None:
    """COPY in the users and a sealed chain of `events` events in time order."""
    rng = random.Random(seed)
    engine = create_engine(url, poolclass=NullPool)
    now = datetime(2026, 11, 30, tzinfo=timezone.utc)
    with engine.begin() as c:
        c.execute(insert(User.__table__), [{"id": u, "email": f"user{u}@bench.example", "name": f"Gebruiker {u}",
                                            "password_hash": hash_password("bench"), "active": True,
                                            "created_at": now} for u in range(1, USERS + 2)])
        c.execute(insert(RoleGrant.__table__), [{"user_id": USERS + 1, "role": "auditor"}])
        c.execute(text("SELECT setval(pg_get_serial_sequence('user', 'id'), (SELECT max(id) FROM \"user\"))"))
    steps = sorted(rng.randrange(SPAN_SECONDS * 1000) for _ in range(events))
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        prev = GENESIS
        with cursor.copy(f"COPY audit_event ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for n, millis in enumerate(steps, start=1):
                kind, count = rng.choice(OBJECTS)
                actor = rng.randint(1, USERS) if rng.random() < 0.9 else None
                value = rng.randint(1, 9999)
                row = SimpleNamespace(
                    id=n, occurred_at=START + timedelta(milliseconds=millis), actor_id=actor,
                    actor_label=f"user{actor}@bench.example" if actor else "system",
                    action=f"{kind}.{rng.choice(('created', 'changed', 'approved', 'viewed', 'exported', 'issued'))}",
                    object_type=kind, object_id=str(rng.randint(1, count)),
                    before={"status": "draft", "amount": f"{value}.00"} if rng.random() < 0.5 else None,
                    after={"status": "issued", "amount": f"{value + 1}.00"})
                digest = link_hash(prev, row, n)
                copy.write_row((row.id, row.occurred_at, row.actor_id, row.actor_label, row.action, row.object_type,
                                row.object_id, json.dumps(row.before) if row.before is not None else None,
                                json.dumps(row.after), n, prev, digest))
                prev = digest
        cursor.execute("UPDATE audit_chain_head SET last_seq = %s, last_hash = %s", (events, prev))
        cursor.execute("SELECT setval(pg_get_serial_sequence('audit_event', 'id'), %s)", (events,))
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def median_ms(call, repeat: int) -> float:
    call()  # warm-up
    samples = []
    for _round in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--verify", action="store_true", help="also time `audit verify` over the whole chain")
    parser.add_argument("--explain", action="store_true", help="print the plans of the viewer's queries")
    args = parser.parse_args()
    use_fast_hashing_for_tests()
    cluster = Cluster().start()
    try:
        url = cluster.create_database("bench_audit")
        migrate.upgrade(url)
        started = time.perf_counter()
        fill(url, args.events)
        print(f"inserted {args.events:,} sealed audit events in {time.perf_counter() - started:.1f} s")
        app = create_app({"DATABASE_URL": url, "TESTING": True, "EVIDENCE_DIR": str(cluster.dir / "evidence")})
        from portal.db import get_session
        with app.app_context():
            session = get_session()
            table = AuditEvent.__table__
            plain = select(table).order_by(table.c.occurred_at.desc(), table.c.id.desc()).limit(viewer.PAGE_SIZE)

            def baseline():
                session.execute(plain).all()
                session.rollback()

            deep_event = session.scalars(select(AuditEvent).order_by(*viewer.ORDER)
                                         .offset(args.events * 9 // 10).limit(1)).one()
            deep_cursor = viewer.encode_cursor(deep_event)
            busy_object = session.execute(text("SELECT object_type, object_id FROM audit_event WHERE object_type = "
                                               "'settlement_run' GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1")).one()
            month = (date(2026, 3, 1), date(2026, 3, 31))
            cases = [
                ("first page", viewer.EventFilter(), None),
                ("page 90 % deep (keyset)", viewer.EventFilter(), deep_cursor),
                ("one user", viewer.EventFilter(actor="user17@bench.example"), None),
                ("one action", viewer.EventFilter(action="invoice.issued"), None),
                ("one month", viewer.EventFilter(start=month[0], end=month[1]), None),
                ("one object", viewer.EventFilter(object_type=busy_object[0], object_id=busy_object[1]), None),
                ("one user in one month", viewer.EventFilter(actor="user17@bench.example", start=month[0],
                                                             end=month[1]), None),
                ("one action, system, one month", viewer.EventFilter(action="trajectory.changed", actor="system",
                                                                     start=month[0], end=month[1]), None),
            ]
            base_ms = median_ms(baseline, args.repeat)
            print(f"\nbaseline: plain indexed select of one page ({viewer.PAGE_SIZE} events): {base_ms:.2f} ms "
                  f"(median of {args.repeat})\n")
            print(f"{'viewer query':34s} {'ms':>8s} {'× baseline':>11s}")
            worst = 0.0
            for label, flt, cursor in cases:
                def run(flt=flt, cursor=cursor):
                    viewer.search(session, flt, cursor)
                    session.rollback()
                ms = median_ms(run, args.repeat)
                worst = max(worst, ms / base_ms)
                print(f"{label:34s} {ms:8.2f} {ms / base_ms:11.2f}")

            def timeline():
                viewer.timeline(session, busy_object[0], busy_object[1])
                session.rollback()
            ms = median_ms(timeline, args.repeat)
            worst = max(worst, ms / base_ms)
            print(f"{'timeline of one run':34s} {ms:8.2f} {ms / base_ms:11.2f}")
            print(f"\nworst viewer query ÷ plain page: {worst:.2f}× (target ≤ 3×)")
            if args.explain:
                for label, flt, cursor in cases:
                    query = viewer.filtered(session, flt).order_by(*viewer.ORDER).limit(viewer.PAGE_SIZE + 1)
                    sql = str(query.compile(session.bind, compile_kwargs={"literal_binds": True}))
                    plan = session.execute(text("EXPLAIN (ANALYZE, COSTS OFF) " + sql)).scalars().all()
                    print(f"\n-- {label}\n" + "\n".join(plan))
                    session.rollback()
                plan = session.execute(text("EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM audit_event "
                                            "WHERE chain_seq IS NULL ORDER BY id")).scalars().all()
                print("\n-- sealing at commit: the unsealed events\n" + "\n".join(plan))
                session.rollback()

        client = logged_in(app, url, USERS + 1)

        def page(address):
            def get():
                response = client.get(address)
                if response.status_code != 200:
                    raise SystemExit(f"{address}: HTTP {response.status_code}")
                _ = response.data
            return get
        login_ms = median_ms(lambda: app.test_client().get("/login").data, args.repeat)
        print(f"\nwhole HTTP page (auditor, incl. template and the recorded look + seal); GET /login {login_ms:.1f} ms")
        print(f"{'page':34s} {'ms':>8s} {'× baseline':>11s} {'× /login':>9s}")
        for label, address in [("first page", "/controle/audittrail"),
                               ("one user in one month", "/controle/audittrail?gebruiker=user17@bench.example"
                                                         "&van=01-03-2026&tot=31-03-2026"),
                               ("page 90 % deep", f"/controle/audittrail?na={deep_cursor}")]:
            ms = median_ms(page(address), args.repeat)
            print(f"{label:34s} {ms:8.1f} {ms / base_ms:11.1f} {ms / login_ms:9.1f}")
        if args.verify:
            with app.app_context():
                started = time.perf_counter()
                verdict = verify_chain(get_session())
                print(f"\naudit verify over {verdict.checked:,} events: {time.perf_counter() - started:.1f} s — "
                      f"{verdict.describe()}")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
