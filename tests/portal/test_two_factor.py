"""TOTP for the roles that move money: enrolment is forced, a code works once, recovery codes stand in."""
from __future__ import annotations

import re

import pyotp
import pytest
from flask import g

from portal.auth import two_factor
from .. import factories as f

REQUIRED = ("finance", "reviewer", "admin", "auditor")


@pytest.fixture
def totp_app(app):
    app.config["TOTP_REQUIRED_ROLES"] = REQUIRED
    return app


def post(client, url, data):
    g.pop("_login_user", None)
    return client.post(url, data=data)


def get(client, url):
    g.pop("_login_user", None)
    return client.get(url)


def enrol(client) -> tuple[str, list[str]]:
    page = get(client, "/account/tweestaps").get_data(as_text=True)
    secret = re.search(r"Sleutel: <code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    wrong = post(client, "/account/tweestaps", {"code": "000000"})
    assert wrong.status_code == 400 and "klopt niet" in wrong.get_data(as_text=True)
    done = post(client, "/account/tweestaps", {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>(\d{5}-\d{5})</code>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10
    return secret, codes


def test_finance_must_set_up_the_second_factor_before_anything_else(totp_app, db):
    user = f.create_user(db, "finance")
    db.commit()
    client = totp_app.test_client()
    response = post(client, "/login", {"email": user.email, "password": f.PASSWORD})
    assert response.headers["Location"].endswith("/account/tweestaps")
    assert get(client, "/start").headers["Location"].endswith("/account/tweestaps")
    enrol(client)
    assert get(client, "/start").status_code == 200


def test_a_bureau_user_is_not_asked_for_a_second_factor(totp_app, db):
    user = f.create_user(db, "provider", provider=f.create_provider(db))
    db.commit()
    response = post(totp_app.test_client(), "/login", {"email": user.email, "password": f.PASSWORD})
    assert response.headers["Location"].endswith("/start")


def test_after_enrolment_login_needs_a_code_that_works_once(totp_app, db, monkeypatch):
    user = f.create_user(db, "reviewer")
    db.commit()
    client = totp_app.test_client()
    post(client, "/login", {"email": user.email, "password": f.PASSWORD})
    secret, codes = enrol(client)
    post(client, "/logout", {})
    assert user.totp_secret_encrypted is not None and secret.encode() not in user.totp_secret_encrypted

    # A password alone is not enough.
    step = post(client, "/login", {"email": user.email, "password": f.PASSWORD})
    assert step.headers["Location"].endswith("/login/code")
    assert get(client, "/start").status_code == 302
    assert post(client, "/login/code", {"code": "123456"}).status_code == 400
    # The code used at enrolment (same 30-second step) is refused: a code never works twice.
    monkeypatch.setattr(two_factor.time, "time", lambda: (user.totp_last_step + 1) * 30 + 1)
    code = pyotp.TOTP(secret).at((user.totp_last_step + 1) * 30)
    assert post(client, "/login/code", {"code": code}).headers["Location"].endswith("/start")
    assert get(client, "/start").status_code == 200
    post(client, "/logout", {})
    post(client, "/login", {"email": user.email, "password": f.PASSWORD})
    replay = post(client, "/login/code", {"code": code})
    assert replay.status_code == 400

    # A recovery code stands in once.
    assert post(client, "/login/code", {"code": codes[0]}).status_code == 302
    post(client, "/logout", {})
    post(client, "/login", {"email": user.email, "password": f.PASSWORD})
    assert post(client, "/login/code", {"code": codes[0]}).status_code == 400


def test_five_wrong_codes_end_the_attempt(totp_app, db):
    user = f.create_user(db, "admin")
    db.commit()
    client = totp_app.test_client()
    post(client, "/login", {"email": user.email, "password": f.PASSWORD})
    enrol(client)
    post(client, "/logout", {})
    post(client, "/login", {"email": user.email, "password": f.PASSWORD})
    for _ in range(4):
        assert post(client, "/login/code", {"code": "111111"}).status_code == 400
    last = post(client, "/login/code", {"code": "111111"})
    assert last.status_code == 302 and last.headers["Location"].endswith("/login")
    assert get(client, "/login/code").headers["Location"].endswith("/login")
