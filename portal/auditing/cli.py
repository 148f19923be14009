"""`flask --app wsgi audit verify`: recompute the audit hash chain and report the first broken link."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..db import get_session
from .chain import verify_chain

audit_cli = AppGroup("audit", help="The audit trail: verify its hash chain.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute every link of the audit chain; exit 1 and name the first broken link if one does not hold."""
    verdict = verify_chain(get_session())
    click.echo(verdict.describe())
    if not verdict.intact:
        sys.exit(1)
