"""Starting a job and running it: inline in the caller's transaction, or in a worker from the queue.

Either way the work runs in one transaction with the job's outcome: a job that says `done` has
committed its work; a refusal rolls the work back and the job says `failed` with the Dutch
message; a worker killed in the middle leaves the job `running` with nothing of its work
committed, and the queue hands it to the next worker (`queue.retry_stalled`).
"""
from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..models import Job, User
from .kinds import KINDS, JobRefused, Outcome
from .progress import Progress, same_session_writer, separate_writer

log = logging.getLogger(__name__)
OPEN_STATES = ("queued", "running")
UNEXPECTED = "Er ging iets mis bij het uitvoeren van deze taak. Er is niets opgeslagen; probeer het opnieuw."


def start(session: Session, actor: User, kind: str, *, title: str, params: dict | None = None,
          subject: str | None = None, provider_id: int | None = None, shared_with_role: str | None = None,
          input_data: bytes | None = None) -> Job:
    """Record a new job (queued); `dispatch` runs it."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, started_by_id=actor.id, provider_id=provider_id, shared_with_role=shared_with_role,
              title=title[:200], subject=subject, params=params or {}, input_data=input_data, status="queued",
              phase="In de wachtrij", progress_done=0, progress_total=0, attempts=0, created_at=clock.now())
    session.add(job)
    session.flush()
    return job


def open_job(session: Session, subject: str) -> Job | None:
    """Return the job that is still queued or running for this subject, if one."""
    return session.scalar(select(Job).where(Job.subject == subject, Job.status.in_(OPEN_STATES))
                          .order_by(Job.id).limit(1))


def runs_inline(app: Flask) -> bool:
    return bool(app.config.get("JOBS_INLINE", True))


def dispatch(session: Session, job: Job) -> Job:
    """Run the job now (inline) or commit it and hand it to the queue; the caller commits afterwards."""
    app = current_app._get_current_object()
    if runs_inline(app):
        run_inline(session, job, app)
        return job
    session.commit()  # the worker must see the job row before it gets the job
    from . import queue
    try:
        queue.defer(app, job.id)
    except Exception:  # noqa: BLE001 - the queue is unreachable: say so on the job instead of a 500
        log.exception("could not queue job %s", job.id)
        _mark_failed(job, "De taak kon niet in de wachtrij worden gezet. Er is niets gedaan; probeer het later opnieuw.")
    return job


def run_inline(session: Session, job: Job, app: Flask) -> None:
    """Run the work in the caller's transaction (a savepoint, so a refusal undoes only the work)."""
    actor = session.get(User, job.started_by_id)
    _mark_running(job)
    progress = Progress(same_session_writer(session, job), app.config.get("JOBS_STEP_DELAY", 0.0))
    savepoint = session.begin_nested()
    try:
        outcome = KINDS[job.kind].work(session, job, actor, progress, app.config)
    except KINDS[job.kind].refusals as refusal:
        savepoint.rollback()
        _mark_failed(job, str(refusal), getattr(refusal, "result", None))
        session.flush()
        return
    savepoint.commit()
    _finish(job, outcome)
    session.flush()


def run_in_worker(app: Flask, job_id: int) -> None:
    """Run a queued (or stalled and retried) job: claim it, work in one transaction, record the outcome."""
    with app.app_context():
        factory = app.extensions["database"].session_factory
        with factory() as session:
            job = session.get(Job, job_id, with_for_update=True)
            if job is None or job.status not in OPEN_STATES:
                return  # done already (a retry after the commit) or gone
            _mark_running(job)
            session.commit()
        progress = Progress(separate_writer(factory, job_id), app.config.get("JOBS_STEP_DELAY", 0.0))
        with factory() as session:
            job = session.get(Job, job_id)
            actor = session.get(User, job.started_by_id)
            kind = KINDS[job.kind]
            try:
                outcome = kind.work(session, job, actor, progress, app.config)
                _finish(job, outcome)
                session.commit()
            except kind.refusals as refusal:
                session.rollback()
                _record_failure(factory, job_id, str(refusal), getattr(refusal, "result", None))
            except Exception:
                session.rollback()
                _record_failure(factory, job_id, UNEXPECTED)
                raise


def _mark_running(job: Job) -> None:
    job.status, job.attempts = "running", job.attempts + 1
    job.started_at = job.heartbeat_at = clock.now()
    job.phase = "Gestart" if job.attempts == 1 else f"Opnieuw gestart (poging {job.attempts})"


def _finish(job: Job, outcome: Outcome) -> None:
    job.status, job.finished_at = "done", clock.now()
    job.input_data = None  # an upload (evidence: payslips, contracts) is kept only while the job needs it
    job.phase = "Klaar"
    job.progress_done = job.progress_total = max(job.progress_total, job.progress_done)
    job.result = {"message": outcome.message, "links": [list(link) for link in outcome.links],
                  "report": outcome.report}
    if outcome.file is not None:
        job.result_file, job.result_filename, job.result_mimetype = outcome.file


def _mark_failed(job: Job, message: str, result: dict | None = None) -> None:
    job.status, job.finished_at, job.error = "failed", clock.now(), message
    job.input_data = None
    job.phase = "Niet gelukt"
    job.result = result


def _record_failure(factory, job_id: int, message: str, result: dict | None = None) -> None:
    with factory() as session:
        job = session.get(Job, job_id)
        _mark_failed(job, message, result)
        session.commit()


__all__ = ["JobRefused", "dispatch", "open_job", "run_in_worker", "run_inline", "start"]
