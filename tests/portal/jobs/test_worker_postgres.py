"""A real worker on PostgreSQL, killed with SIGKILL in the middle of issuing: nothing half-issued, retried, gapless."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from portal import create_app, migrate
from portal.models import DocumentCounter, Invoice, Job, SettlementRun

from tests.factories import log_in
from .conftest import TODAY, submitted_run
from ..finance.helpers import freeze_today

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.postgres


def start_worker(url: str, step_delay: float) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, JOBS_STEP_DELAY=str(step_delay), SECRET_KEY="w" * 48,
               BSN_KEY="b" * 48)
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--stalled-after", "1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for(session: Session, job_id: int, condition, seconds: float = 60) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        session.expire_all()
        job = session.get(Job, job_id)
        if condition(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} stayed {job.status} at {job.progress_done}/{job.progress_total}")


@pytest.fixture
def committed_database(pg_cluster):
    url = pg_cluster.create_database(f"worker_{uuid.uuid4().hex[:8]}")
    migrate.upgrade(url)
    engine = create_engine(url, poolclass=NullPool)
    yield url, engine
    engine.dispose()


def test_a_worker_killed_mid_issue_leaves_nothing_half_issued_and_the_retry_completes_gaplessly(
        committed_database, monkeypatch):
    url, engine = committed_database
    freeze_today(monkeypatch, TODAY)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "JOBS_INLINE": False, "WTF_CSRF_ENABLED": False,
                      "BSN_KEY": "b" * 48})
    client = app.test_client()
    with app.app_context(), Session(engine) as session:
        world = submitted_run(session)
        run_id = world.run.id
        log_in(client, world.approver)
        session.commit()
    response = client.post(f"/afrekeningen/{run_id}/goedkeuren")
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])

    first = start_worker(url, step_delay=1.0)
    with Session(engine) as session:
        try:
            job = wait_for(session, job_id, lambda j: j.progress_done >= 1)
            assert job.status == "running" and job.progress_total >= 2  # issued one document of several...
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        # ... and the kill undid it: no invoice, no number used, the run still submitted.
        session.expire_all()
        assert session.scalars(select(Invoice)).all() == []
        assert all(c.next_number == 1 for c in session.scalars(select(DocumentCounter)))
        assert session.get(SettlementRun, run_id).status == "submitted"
        assert session.get(Job, job_id).status == "running"

        time.sleep(1.5)  # the dead worker's heartbeat grows old
        second = start_worker(url, step_delay=0)
        try:
            job = wait_for(session, job_id, lambda j: j.status in ("done", "failed"))
        finally:
            second.send_signal(signal.SIGTERM)
            _, errors = second.communicate(timeout=30)
        assert job.status == "done", (job.error, errors.decode()[-2000:])
        assert job.attempts == 2
        numbers = session.execute(select(Invoice.series, Invoice.number).order_by(Invoice.series, Invoice.number)).all()
        by_series: dict[str, list[int]] = {}
        for series, number in numbers:
            by_series.setdefault(series, []).append(number)
        assert by_series and all(n == list(range(1, len(n) + 1)) for n in by_series.values())
        assert len(numbers) == job.progress_total
        assert session.get(SettlementRun, run_id).status == "issued"
        queue_states = session.execute(text("SELECT status FROM procrastinate.procrastinate_jobs "
                                            "WHERE task_name = 'portal.run_job'")).scalars().all()
        assert queue_states == ["succeeded"]
