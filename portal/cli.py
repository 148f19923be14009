"""Command line: `flask --app wsgi db upgrade`, `demo`, `create-user`, scenario import/export, settlement preview."""
from __future__ import annotations

import click
from alembic import command
from flask import Flask, current_app
from flask.cli import AppGroup

from . import migrate

db_cli = AppGroup("db", help="Database migrations (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: head)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION (default: one step)."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the difference between models and database."""
    command.revision(migrate.alembic_config(current_app.config["DATABASE_URL"]), message=message,
                     autogenerate=True)


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_cli)
    from .demo import demo_command
    app.cli.add_command(demo_command)
    from .users_cli import create_user_command
    app.cli.add_command(create_user_command)
    from .admin.cli import create_consortium_command; app.cli.add_command(create_consortium_command)  # noqa: E702
    from .scenarios.cli import export_scenario_command, import_scenario_command, settlement_cli
    app.cli.add_command(import_scenario_command)
    app.cli.add_command(export_scenario_command)
    app.cli.add_command(settlement_cli)
    from .auditing.cli import audit_cli
    app.cli.add_command(audit_cli)
    from .privacy.cli import privacy_cli; app.cli.add_command(privacy_cli)  # noqa: E702
    from .results.cli import results_command
    app.cli.add_command(results_command)
    from .storage.cli import storage_cli; app.cli.add_command(storage_cli)  # noqa: E702 (issue 11)
    from .history import cli as _history_commands  # noqa: F401 (adds replay and diff to the settlement group)
    from .jobs.cli import worker_command; app.cli.add_command(worker_command)  # noqa: E702 (issue 14: jobs)
    from .notifications.cli import notifications_cli; app.cli.add_command(notifications_cli)  # noqa: E702
