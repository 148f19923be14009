"""`flask --app wsgi notifications send-due`: run it every ten minutes from cron (README)."""
from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup

from .. import clock
from ..db import get_session
from ..mail import MailNotSent, send
from .due import deadline_notices, mail_text, mails_due, mark_mailed, review_notices

notifications_cli = AppGroup("notifications", help="Notifications: time-based notices and e-mail.")


@notifications_cli.command("send-due")
def send_due() -> None:
    """Create the notices that are due by time, then mail what waits; safe to run as often as you like."""
    session = get_session()
    today, now = clock.today(), clock.now()
    created = deadline_notices(session, today) + review_notices(session, today)
    session.commit()
    base_url = (current_app.config.get("PORTAL_URL") or os.environ.get("PORTAL_URL", "http://localhost:5000")).rstrip("/")
    mailed = failed = 0
    for user, notices in mails_due(session, now):
        try:
            send(user.email, *mail_text(notices, base_url))
        except MailNotSent as error:
            # Left unmailed: the next run tries again; the others still go out.
            click.echo(f"mail to user {user.id} not sent: {error}", err=True)
            failed += 1
            continue
        mark_mailed(session, user, notices, now)
        session.commit()  # per user: a mail that went out is never sent again, whatever happens after
        mailed += 1
    click.echo(f"{created} notices created, {mailed} mails sent, {failed} failed")
