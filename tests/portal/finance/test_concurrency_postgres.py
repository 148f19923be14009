"""Concurrent approvals against a real PostgreSQL server: one winner per run, gapless unique numbers."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from portal import create_app, migrate
from portal.db import get_session
from portal.finance.issuing import approve_run
from portal.finance.runs import start_run, submit_run
from portal.finance.states import RunRefused
from portal.models import Invoice, User
from ... import factories as f
from .helpers import complete_addresses, freeze_today

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(pg_cluster, monkeypatch):
    freeze_today(monkeypatch, date(2026, 11, 20))
    url = pg_cluster.create_database("concurrency")
    migrate.upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "DATABASE_POOL_SIZE": 25})
    yield app
    app.extensions["database"].engine.dispose()


def submitted_runs(app, contracts: int) -> tuple[list[int], int]:
    """Make contracts with approved claims in two municipalities and a submitted run each."""
    with app.app_context():
        db = get_session()
        consortium = f.create_consortium(db)
        municipalities = [f.create_municipality(db, consortium) for _ in range(2)]
        preparer = f.create_user(db, "finance", consortium=consortium)
        approver = f.create_user(db, "finance", consortium=consortium)
        runs = []
        for _ in range(contracts):
            contract = f.create_contract(db, consortium, f.create_provider(db), norm=False)
            for municipality in municipalities:
                trajectory = f.create_trajectory(db, contract, municipality)
                f.create_claim(db, trajectory, "intake", review="approved", reviewed=date(2026, 2, 20))
            complete_addresses(db)
            db.flush()
            db.refresh(contract)
            run = start_run(db, preparer, contract, date(2026, 11, 1))
            submit_run(db, preparer, run)
            runs.append(run.id)
        db.commit()
        return runs, approver.id


def approve_in_threads(app, jobs: list[int], approver_id: int) -> list[object]:
    results: list[object] = [None] * len(jobs)
    # All threads start approving at once; each takes a pool connection only after the barrier.
    barrier = threading.Barrier(len(jobs), timeout=60)

    def work(i: int, run_id: int) -> None:
        with app.app_context():
            barrier.wait()
            db = get_session()
            approver = db.get(User, approver_id)
            try:
                invoices = approve_run(db, approver, run_id)
                db.commit()
                results[i] = [inv.display_number for inv in invoices]
            except RunRefused as refused:
                db.rollback()
                results[i] = refused

    threads = [threading.Thread(target=work, args=(i, run_id)) for i, run_id in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_simultaneous_approvals_of_one_run_give_one_success(pg_app):
    (run_id,), approver_id = submitted_runs(pg_app, 1)
    results = approve_in_threads(pg_app, [run_id] * 20, approver_id)
    winners = [r for r in results if isinstance(r, list)]
    assert len(winners) == 1 and len(winners[0]) == 2
    assert all(isinstance(r, RunRefused) for r in results if r is not winners[0])
    with pg_app.app_context():
        assert len(get_session().scalars(select(Invoice)).all()) == 2


def test_simultaneous_issuing_of_many_runs_gives_unique_gapless_numbers(pg_app):
    runs, approver_id = submitted_runs(pg_app, 6)
    results = approve_in_threads(pg_app, runs, approver_id)
    assert all(isinstance(r, list) for r in results), results
    with pg_app.app_context():
        numbers = sorted(get_session().scalars(select(Invoice.number)))
    assert numbers == list(range(1, 13))
