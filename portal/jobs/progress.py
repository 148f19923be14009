"""How a job's work reports how far it got."""
from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.orm import Session

from .. import clock
from ..models import Job


class Progress:
    """Report progress as done/total with a Dutch phase text; `write` persists it (inline or separately)."""

    def __init__(self, write: Callable[[dict], None], step_delay: float = 0.0):
        self._write = write
        self._step_delay = step_delay  # a pause after each step: lets a test catch a job in the middle
        self.done = 0
        self.total = 0

    def phase(self, text: str, total: int | None = None) -> None:
        """Start a phase (its steps counted from zero when a total is given)."""
        if total is not None:
            self.done, self.total = 0, total
        self._write({"phase": text[:200], "progress_done": self.done, "progress_total": self.total})

    def step(self, text: str | None = None) -> None:
        """Count one step of the current phase."""
        self.done += 1
        values = {"progress_done": self.done, "progress_total": max(self.total, self.done)}
        if text:
            values["phase"] = text[:200]
        self._write(values)
        if self._step_delay:
            time.sleep(self._step_delay)


def same_session_writer(session: Session, job: Job) -> Callable[[dict], None]:
    """Write progress in the work's own transaction (inline: nobody else watches while it runs)."""
    def write(values: dict) -> None:
        for name, value in values.items():
            setattr(job, name, value)
    return write


def separate_writer(session_factory, job_id: int) -> Callable[[dict], None]:
    """Write progress in its own short transaction, so the job page sees it while the work's is still open."""
    def write(values: dict) -> None:
        with session_factory() as session:
            session.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=clock.now(), **values))
            session.commit()
    return write
