"""Benchmark the settlement preview from PostgreSQL against a raw SELECT of the same rows.

    .venv/bin/python bench/bench_preview_postgres.py [--trajectories 2000] [--repeat 7]

Starts a throwaway PostgreSQL cluster (tests/pgcluster.py), migrates it, bulk-inserts one
contract with N trajectories and about 1.7 claims each (seeded), then measures in the same
run (median of R rounds):
- baseline: a raw SELECT of the contract's trajectory rows and claim rows (the same columns
  the preview needs, fetched as tuples through the same engine);
- preview: portal.finance.preview.preview() — loading the facts and evaluating them with the
  settlement engine;
and prints both and their ratio (target: preview ≤ 3× the raw SELECT). It only prints.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from portal import migrate  # noqa: E402
from portal.db import make_engine  # noqa: E402
from portal.finance.facts import load_contract  # noqa: E402
from portal.finance.preview import preview  # noqa: E402
from portal.models import (Consortium, Contract, FundingShare, MilestoneClaim, Municipality, Provider,  # noqa: E402
                           StaffelStep, Tranche, Trajectory)
from tests.pgcluster import Cluster  # noqa: E402

AS_OF = date(2027, 6, 30)


def populate(session: Session, trajectories: int, rng: random.Random) -> str:
    consortium = Consortium(code="NK", name="Noord-Kennemerland")
    session.add(consortium)
    session.flush()
    municipalities = [Municipality(consortium_id=consortium.id, cbs_code=f"{361 + i:04d}", name=f"Gemeente {i}")
                      for i in range(8)]
    provider = Provider(code="P1", name="Bureau")
    session.add_all([*municipalities, provider])
    session.flush()
    contract = Contract(code="NK-DB-BENCH", consortium_id=consortium.id, provider_id=provider.id,
                        segment="directe_bemiddeling", start=date(2026, 1, 1), end=date(2026, 12, 31),
                        price=Decimal("4000.00"), vat_rate=Decimal("21"), submission_deadline_days=60,
                        norm_milestone="placement", norm_rate=Decimal("35"), norm_measurement_months=6,
                        norm_window_months=12)
    contract.tranches = [Tranche(position=0, code="intake", milestone_type="intake", share=Decimal("20")),
                         Tranche(position=1, code="plaatsing", milestone_type="placement", share=Decimal("30"),
                                 result=True),
                         Tranche(position=2, code="duurzaam", milestone_type="sustained_placement",
                                 share=Decimal("50"), result=True)]
    contract.staffel = [StaffelStep(min_ratio=Decimal(0), pay=Decimal(0)), StaffelStep(min_ratio=Decimal(1),
                                                                                      pay=Decimal(1))]
    contract.funding = [FundingShare(position=0, source="ESF", share=Decimal(50)),
                        FundingShare(position=1, source="WERKDEEL", share=Decimal(50))]
    session.add(contract)
    session.flush()
    rows, claims = [], []
    for n in range(trajectories):
        start = date(2026, 1, 1) + timedelta(days=rng.randint(0, 364))
        rows.append(dict(ref=f"T{n:06d}", contract_id=contract.id, provider_id=provider.id,
                         segment=contract.segment, municipality_id=rng.choice(municipalities).id, status="active",
                         referred_on=start, start=start, plan_status="none"))
    session.execute(insert(Trajectory), rows)
    ids = dict(session.execute(select(Trajectory.ref, Trajectory.id)).all())
    for n, row in enumerate(rows):
        kinds = ["intake"] + (["placement"] if rng.random() < 0.5 else []) + \
                (["sustained_placement"] if rng.random() < 0.2 else [])
        for k, kind in enumerate(kinds):
            happened = row["start"] + timedelta(days=30 * k + rng.randint(0, 20))
            review = rng.choice(["approved", "approved", "approved", "pending", "rejected"])
            claims.append(dict(ref=f"M{n:06d}{k}", trajectory_id=ids[row["ref"]], type=kind, date=happened,
                               submitted=happened + timedelta(days=rng.randint(1, 80)), review=review,
                               reviewed=None if review == "pending" else happened + timedelta(days=90)))
    session.execute(insert(MilestoneClaim), claims)
    session.commit()
    return contract.code, len(claims)


def raw_select(session: Session, contract_id: int) -> int:
    """The baseline: the same rows, fetched as plain tuples."""
    trajectories = session.execute(text(
        "SELECT t.ref, m.cbs_code, t.start, t.\"end\", t.end_reason FROM trajectory t "
        "JOIN municipality m ON m.id = t.municipality_id WHERE t.contract_id = :c AND t.start IS NOT NULL"),
        {"c": contract_id}).all()
    claims = session.execute(text(
        "SELECT c.ref, t.ref, c.type, c.date, c.submitted, c.review, c.reviewed FROM milestone_claim c "
        "JOIN trajectory t ON t.id = c.trajectory_id WHERE t.contract_id = :c AND t.start IS NOT NULL"),
        {"c": contract_id}).all()
    return len(trajectories) + len(claims)


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


SELECT_SCRIPT = """
import sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
with engine.connect() as c:
    contract = c.execute(text("SELECT id FROM contract WHERE code = :code"), {"code": sys.argv[2]}).scalar()
    trajectories = c.execute(text(
        "SELECT t.ref, m.cbs_code, t.start, t.\\"end\\", t.end_reason FROM trajectory t "
        "JOIN municipality m ON m.id = t.municipality_id WHERE t.contract_id = :c AND t.start IS NOT NULL"),
        {"c": contract}).all()
    claims = c.execute(text(
        "SELECT c.ref, t.ref, c.type, c.date, c.submitted, c.review, c.reviewed FROM milestone_claim c "
        "JOIN trajectory t ON t.id = c.trajectory_id WHERE t.contract_id = :c AND t.start IS NOT NULL"),
        {"c": contract}).all()
print(len(trajectories) + len(claims))
"""


def _process_seconds(argv: list[str], env: dict) -> float:
    began = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def command_vs_script(url: str, code: str, repeat: int) -> None:
    """`flask settlement preview --json` as a whole process ÷ a Python script selecting the same rows."""
    env = dict(os.environ, DATABASE_URL=url, PORTAL_DEMO="1")
    python, flask = str(ROOT / ".venv/bin/python"), str(ROOT / ".venv/bin/flask")
    command = [flask, "--app", "wsgi", "settlement", "preview", "--contract", code, "--as-of", AS_OF.isoformat(),
               "--json"]
    script = [python, "-c", SELECT_SCRIPT, url, code]
    times: dict[str, list[float]] = {"script": [], "command": []}
    for _ in range(repeat):  # taking turns, so that a busy machine slows both alike
        times["script"].append(_process_seconds(script, env))
        times["command"].append(_process_seconds(command, env))
    script_s, command_s = min(times["script"]), min(times["command"])
    print(f"script selecting the rows : {script_s * 1000:8.0f} ms (whole process, best of {repeat})")
    print(f"flask settlement preview  : {command_s * 1000:8.0f} ms (whole process, --json)")
    print(f"ratio command / script    : {command_s / script_s:8.2f}x (target <= 3x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trajectories", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    cluster = Cluster().start()
    try:
        url = cluster.create_database("bench")
        migrate.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            code, claims = populate(session, args.trajectories, random.Random(2026))
            session.execute(text("ANALYZE"))
            session.commit()
        with Session(engine) as session:
            contract = load_contract(session, code)
            raw_select(session, contract.id)  # warm up both paths once
            preview(session, contract, AS_OF)
            baseline = median_ms(lambda: raw_select(session, contract.id), args.repeat)
            full = median_ms(lambda: preview(session, load_contract(session, code), AS_OF), args.repeat)
            result = preview(session, contract, AS_OF)
        print(f"contract with {args.trajectories} trajectories, {claims} claims, {len(result.lines)} lines")
        print(f"raw SELECT of its rows : {baseline:8.1f} ms")
        print(f"settlement preview     : {full:8.1f} ms (load facts + evaluate)")
        print(f"ratio preview / SELECT : {full / baseline:8.2f}x (target <= 3x)")
        engine.dispose()
        command_vs_script(url, code, max(3, args.repeat // 2))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
