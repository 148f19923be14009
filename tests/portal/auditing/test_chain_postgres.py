"""Sealing under concurrency on a real PostgreSQL: simultaneous writers each wait their turn on the head row,
and the chain comes out whole (every position once, every link right)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from portal import create_app, migrate
from portal.audit import record
from portal.auditing.chain import verify_chain
from portal.db import get_session
from portal.models import AuditEvent

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(pg_cluster):
    url = pg_cluster.create_database("chain_concurrency")
    migrate.upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "DATABASE_POOL_SIZE": 20})
    yield app
    app.extensions["database"].engine.dispose()


def test_simultaneous_transactions_seal_one_unbroken_chain(pg_app):
    writers, per_writer = 16, 5
    barrier = threading.Barrier(writers, timeout=60)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        with pg_app.app_context():
            try:
                db = get_session()
                barrier.wait()
                for i in range(per_writer):
                    record(db, None, "test.concurrent", "writer", n, after={"i": i})
                    db.flush()
                db.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with pg_app.app_context():
        db = get_session()
        verdict = verify_chain(db)
        assert verdict.intact, verdict.describe()
        assert verdict.checked == writers * per_writer
        assert db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.chain_seq.is_(None))) == 0
