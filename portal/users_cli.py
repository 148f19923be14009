"""`flask --app wsgi create-user`: add a user from the command line."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .auth.service import NoConsortium, create_user
from .db import get_session
from .models import Consortium, Municipality, Provider
from .models.enums import ROLES


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--provider", "provider_code", help="bureau code, for a provider user")
@click.option("--municipality", "cbs_code", help="CBS code, for a klantmanager")
@click.option("--consortium", "consortium_code",
              help="consortium code, for reviewer, finance, admin and auditor (a klantmanager's follows the municipality)")
@click.password_option()
@with_appcontext
def create_user_command(email, name, roles, provider_code, cbs_code, consortium_code, password):
    """Create a user with one or more roles."""
    session = get_session()
    provider_id = municipality_id = consortium_id = None
    if consortium_code:
        consortium_id = session.scalar(select(Consortium.id).where(Consortium.code == consortium_code))
        if consortium_id is None:
            raise click.BadParameter(f"unknown consortium {consortium_code}", param_hint="--consortium")
    if provider_code:
        provider_id = session.scalar(select(Provider.id).where(Provider.code == provider_code))
        if provider_id is None:
            raise click.BadParameter(f"unknown bureau {provider_code}", param_hint="--provider")
    if cbs_code:
        municipality_id = session.scalar(select(Municipality.id).where(Municipality.cbs_code == cbs_code))
        if municipality_id is None:
            raise click.BadParameter(f"unknown municipality {cbs_code}", param_hint="--municipality")
    try:
        create_user(session, email=email, name=name, password=password, roles=list(roles),
                    provider_id=provider_id, municipality_id=municipality_id, consortium_id=consortium_id)
    except NoConsortium as exc:
        raise click.BadParameter(str(exc), param_hint="--consortium") from exc
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    session.commit()
    click.echo(f"created {email}")
