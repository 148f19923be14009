"""`flask --app wsgi create-consortium`: a new consortium, validated like the scenario import and audited."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..db import get_session
from .service import AdminRefused, create_consortium


@click.command("create-consortium")
@click.option("--code", required=True, help="short code, e.g. NK")
@click.option("--name", required=True, help="e.g. Noord-Kennemerland")
@click.option("--lead", help="CBS code of the lead municipality (penvoerder), e.g. 0361")
@with_appcontext
def create_consortium_command(code: str, name: str, lead: str | None) -> None:
    """Create a consortium; its municipalities, bureaus and contracts are then added in /beheer."""
    session = get_session()
    try:
        consortium = create_consortium(session, None, code, name, lead)
    except AdminRefused as refused:
        session.rollback()
        raise click.BadParameter(str(refused), param_hint=f"--{refused.field}" if refused.field else None) from None
    session.commit()
    click.echo(f"created consortium {consortium.code} ({consortium.name})")
