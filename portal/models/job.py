"""Background jobs (issue 14): what was started, by whom, how far it got and what came out.

The queue itself (procrastinate on PostgreSQL) only carries the job's id; this row is the
portal's record of the job: its progress is written by a separate short transaction while
the work runs, its outcome (status, result, finished_at) in the work's own transaction, so a
job that says `done` has committed its work and a killed one never says so.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .types import UTCDateTime

JOB_STATES = ("queued", "running", "done", "failed")


class Job(Base):
    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        CheckConstraint("progress_done >= 0 AND progress_total >= 0", name="progress"),
        Index("ix_job_started_by_created", "started_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # Who else may follow the job: the starter's bureau (bulk import), or holders of a staff role (finance).
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    shared_with_role: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    # What the job works on ("settlement_run:12"): a second job for the same subject waits for the first.
    subject: Mapped[str | None] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # An uploaded file the job works on (bulk import), kept with the job so a worker elsewhere can read it.
    input_data: Mapped[bytes | None] = mapped_column(LargeBinary)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    phase: Mapped[str] = mapped_column(String(200), default="In de wachtrij")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # {"message": ..., "links": [{"label", "url"}], "report": {...}}: what the job page shows when it ends.
    result: Mapped[dict | None] = mapped_column(JSON)
    # A file the job produced (an export), served from the job page to those who may see the job.
    result_file: Mapped[bytes | None] = mapped_column(LargeBinary)
    result_filename: Mapped[str | None] = mapped_column(String(200))
    result_mimetype: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
