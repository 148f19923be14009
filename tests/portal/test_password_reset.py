"""Password reset by e-mail through a real local SMTP server: single use, expiring, and silent about accounts."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from flask import g
from sqlalchemy import select

from portal import clock
from portal.models import PasswordReset
from .. import factories as f
from ..pgcluster import _free_port

NEW_PASSWORD = "lantaarn paraplu fietsbel"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def inbox(app):
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield handler
    controller.stop()


def link_in(message: str) -> str:
    import quopri
    text = quopri.decodestring(message.encode()).decode("utf-8", "replace")
    return re.search(r"http://localhost(/wachtwoord-herstellen/[A-Za-z0-9_\-]+)", text).group(1)


def request_reset(client, email):
    g.pop("_login_user", None)
    return client.post("/wachtwoord-vergeten", data={"email": email})


def test_a_reset_link_arrives_works_once_and_ends_every_session(app, db, inbox):
    user = f.create_user(db, "finance")
    db.commit()
    logged_in = app.test_client()
    logged_in.post("/login", data={"email": user.email, "password": f.PASSWORD})
    client = app.test_client()
    response = request_reset(client, user.email)
    assert response.status_code == 302
    [(recipients, message)] = inbox.messages
    assert recipients == [user.email]
    path = link_in(message)
    assert client.get(path).status_code == 200
    weak = client.post(path, data={"new": "aaaaaaaaaaaa", "repeat": "aaaaaaaaaaaa"})
    assert weak.status_code == 400 and "te makkelijk te raden" in weak.get_data(as_text=True)
    assert client.post(path, data={"new": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    g.pop("_login_user", None)
    assert logged_in.get("/start").status_code == 302              # the other session has ended
    again = client.get(path, follow_redirects=True)                  # single use
    assert "ongeldig, al gebruikt of verlopen" in again.get_data(as_text=True)
    g.pop("_login_user", None)
    assert app.test_client().post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, db, inbox):
    user = f.create_user(db, "finance")
    db.commit()
    known = request_reset(app.test_client(), user.email)
    unknown = request_reset(app.test_client(), "niemand@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert len(inbox.messages) == 1


def test_an_expired_link_is_refused(app, db, inbox, monkeypatch):
    user = f.create_user(db, "finance")
    db.commit()
    request_reset(app.test_client(), user.email)
    path = link_in(inbox.messages[0][1])
    later = clock.now() + timedelta(minutes=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = app.test_client().post(path, data={"new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert response.status_code == 302 and "wachtwoord-vergeten" in response.headers["Location"]


def test_at_most_three_links_an_hour(app, db, inbox):
    user = f.create_user(db, "finance")
    db.commit()
    for _ in range(5):
        request_reset(app.test_client(), user.email)
    assert len(inbox.messages) == 3
    assert len(db.scalars(select(PasswordReset)).all()) == 3


def test_the_admin_forces_a_reset(app, db, inbox):
    admin, user = f.create_user(db, "admin"), f.create_user(db, "reviewer")
    db.commit()
    client = app.test_client()
    f.log_in(client, admin)
    assert client.post(f"/beheer/gebruikers/{user.id}/wachtwoord-herstel").status_code == 302
    g.pop("_login_user", None)
    old = app.test_client().post("/login", data={"email": user.email, "password": f.PASSWORD})
    assert old.status_code == 401  # the old password no longer works
    assert len(inbox.messages) == 1 and inbox.messages[0][0] == [user.email]
