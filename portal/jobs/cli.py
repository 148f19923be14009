"""`flask --app wsgi worker`: run background jobs from the PostgreSQL queue."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--concurrency", default=1, show_default=True, help="Jobs this worker runs at the same time.")
@click.option("--stalled-after", default=30.0, show_default=True,
              help="Seconds without a heartbeat after which another worker's job counts as stalled and runs again.")
@with_appcontext
def worker_command(concurrency: int, stalled_after: float) -> None:
    """Run the job worker (PostgreSQL only; on SQLite jobs run inline and no worker is needed)."""
    app = current_app._get_current_object()
    if not app.config["DATABASE_URL"].startswith("postgresql"):
        raise click.ClickException("De worker werkt alleen met PostgreSQL; op SQLite lopen taken direct mee.")
    from .queue import run_worker
    app.config["JOBS_STALLED_SECONDS"] = stalled_after
    run_worker(app, stalled_seconds=stalled_after, concurrency=concurrency)
