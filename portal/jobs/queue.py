"""The PostgreSQL job queue: procrastinate, kept in its own schema `procrastinate` (migration 0015).

procrastinate (pinned 3.10.0: psycopg 3 through its PsycopgConnector, Python ≥ 3.9, maintained)
carries only the portal's job id; the portal's `job` row holds everything else. A worker that
dies in the middle leaves its job `doing` with a stale heartbeat: `retry_stalled` (run when a
worker starts and every minute by a periodic task) puts it back in the queue, and the job
starts again from scratch, since nothing of the killed attempt was committed.
"""
from __future__ import annotations

import logging

import procrastinate
from flask import Flask
from sqlalchemy.engine import make_url

from . import runner

log = logging.getLogger(__name__)
SCHEMA = "procrastinate"
QUEUE = "portal"
TASK = "portal.run_job"
HEARTBEAT_SECONDS = 5.0


def conninfo(database_url: str) -> str:
    """The libpq form of the app's SQLAlchemy URL (postgresql+psycopg://… → postgresql://…)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def procrastinate_app(app: Flask) -> procrastinate.App:
    """Return this Flask app's procrastinate app (made once), with the portal's tasks."""
    existing = app.extensions.get("procrastinate")
    if existing is not None:
        return existing
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(app.config["DATABASE_URL"]), min_size=1, max_size=4,
        kwargs={"options": f"-c search_path={SCHEMA}"})
    queue = procrastinate.App(connector=connector)

    @queue.task(name=TASK, queue=QUEUE)
    def run_job(job_id: int) -> None:
        runner.run_in_worker(app, job_id)

    @queue.periodic(cron="* * * * *", periodic_id="retry_stalled")
    @queue.task(name="portal.retry_stalled", queue=QUEUE, queueing_lock="retry_stalled")
    async def retry_stalled_periodically(timestamp: int) -> None:
        await _retry_stalled(queue, app.config.get("JOBS_STALLED_SECONDS", 30.0))

    app.extensions["procrastinate"] = queue
    return queue


def defer(app: Flask, job_id: int) -> None:
    """Put a job in the queue (the job row must be committed already)."""
    queue = procrastinate_app(app)
    with queue.open():
        queue.tasks[TASK].defer(job_id=job_id)


async def _retry_stalled(queue: procrastinate.App, seconds: float) -> int:
    stalled = list(await queue.job_manager.get_stalled_jobs(task_name=TASK, seconds_since_heartbeat=seconds))
    for job in stalled:
        log.warning("job %s (portal job %s) stalled: queued again", job.id, job.task_kwargs.get("job_id"))
        await queue.job_manager.retry_job(job)
    return len(stalled)


def run_worker(app: Flask, *, stalled_seconds: float, concurrency: int = 1) -> None:
    """Queue the jobs of dead workers again, then work until stopped (SIGINT/SIGTERM end it gracefully)."""
    import asyncio
    queue = procrastinate_app(app)

    async def main():
        async with queue.open_async():
            retried = await _retry_stalled(queue, stalled_seconds)
            if retried:
                log.warning("%s stalled job(s) queued again", retried)
            await queue.run_worker_async(queues=[QUEUE], concurrency=concurrency,
                                         update_heartbeat_interval=HEARTBEAT_SECONDS,
                                         stalled_worker_timeout=stalled_seconds)
    asyncio.run(main())
