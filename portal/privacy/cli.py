"""`flask --app wsgi privacy anonymise [--apply]`: the retention run (dry run unless --apply)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import get_session
from .retention import anonymise, plan

privacy_cli = AppGroup("privacy", help="Privacy (AVG): retention.")


@privacy_cli.command("anonymise")
@click.option("--apply", "apply_", is_flag=True, help="Anonymise (in one transaction); without it, only list.")
@click.option("--months", type=click.IntRange(min=1), default=None,
              help="Retention period in months (default: PRIVACY_RETENTION_MONTHS).")
def anonymise_command(apply_: bool, months: int | None) -> None:
    """List (or with --apply anonymise) the clients whose last trajectory ended longer ago than the retention period."""
    session = get_session()
    months = months or current_app.config["PRIVACY_RETENTION_MONTHS"]
    try:
        the_plan = plan(session, months)
        click.echo(f"retention {months} months: trajectories closed before {the_plan.cutoff.isoformat()}")
        click.echo(f"{len(the_plan.clients)} clients {'to anonymise' if not apply_ else 'anonymised'}")
        for _id, ref in the_plan.clients:
            click.echo(f"  {ref}")
        if not apply_:
            click.echo("dry run: nothing changed (give --apply to anonymise)")
            return
        anonymise(session, None, the_plan)
        session.commit()
    finally:
        session.rollback()
