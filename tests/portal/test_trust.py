"""Sessions that end, throttling that spares the owner, passwords with a policy, and clear answers to bad input."""
from __future__ import annotations

import re
import time
from datetime import date

import click
import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.auth.sessions import SEEN_KEY, STARTED_KEY
from portal.config import ConfigError, load_config
from portal.models import AuditEvent, Client, Payment
from .. import factories as f
from .finance.test_payments import issued  # noqa: F401 - fixture
from .finance.helpers import freeze_today  # noqa: F401

NEW_PASSWORD = "lantaarn paraplu fietsbel"


@pytest.fixture(autouse=True)
def fresh_user_per_request(monkeypatch):
    """The db fixture keeps one app context open: forget Flask-Login's cached user before every request,
    so several test clients (an owner and a thief) act as themselves."""
    from flask import g, has_app_context
    from flask.testing import FlaskClient
    original = FlaskClient.open

    def open_(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
            g.pop("csrf_token", None)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FlaskClient, "open", open_)


def login(client, email, password=f.PASSWORD, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def copy_session(source, target) -> None:
    """Give `target` the same session cookie as `source`: a stolen cookie."""
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


# ------------------------------------------------------------------ sessions

def test_logout_ends_a_copied_session_too(app, db):
    user = f.create_user(db, "reviewer")
    db.commit()
    owner, thief = app.test_client(), app.test_client()
    assert login(owner, user.email).status_code == 302
    copy_session(owner, thief)
    assert thief.get("/start").status_code == 200
    owner.post("/logout")
    assert thief.get("/start").status_code == 302


def test_blocking_a_user_ends_their_sessions(app, db):
    admin, user = f.create_user(db, "admin"), f.create_user(db, "reviewer")
    db.commit()
    victim = app.test_client()
    login(victim, user.email)
    admin_client = app.test_client()
    f.log_in(admin_client, admin)
    assert admin_client.post(f"/beheer/gebruikers/{user.id}/actief", data={"active": "0"}).status_code == 302
    assert victim.get("/start").status_code == 302


def test_login_gives_a_new_session_and_a_new_csrf_token(app, db):
    app.config["WTF_CSRF_ENABLED"] = True
    user = f.create_user(db, "reviewer")
    db.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    with client.session_transaction() as session:
        before = session["csrf_token"]
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    response = client.post("/login", data={"email": user.email, "password": f.PASSWORD,
                                           "csrf_token": token.group(1)})
    assert response.status_code == 302
    client.get("/account/wachtwoord")
    with client.session_transaction() as session:
        assert session["csrf_token"] != before


@pytest.mark.parametrize("key, age", [(SEEN_KEY, 31 * 60), (STARTED_KEY, 13 * 3600)])
def test_an_idle_or_too_old_session_ends(app, db, key, age):
    user = f.create_user(db, "reviewer")
    db.commit()
    client = app.test_client()
    f.log_in(client, user)
    assert client.get("/start").status_code == 200
    with client.session_transaction() as session:
        session[key] = int(time.time()) - age
    response = client.get("/start")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/start").status_code == 302


# ------------------------------------------------------------------ passwords

@pytest.mark.parametrize("new, message", [
    ("aaaaaaaaaaaa", "te makkelijk te raden"),
    ("kort", "minstens 12 tekens"),
    ("{email}", "naam of e-mailadres"),
    ("welkom123456", "te makkelijk te raden"),
])
def test_a_weak_new_password_is_refused_with_the_field_named(app, db, new, message):
    user = f.create_user(db, "provider", provider=f.create_provider(db))
    db.commit()
    client = app.test_client()
    f.log_in(client, user)
    new = new.format(email=user.email)
    response = client.post("/account/wachtwoord", data={"current": f.PASSWORD, "new": new, "repeat": new})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert 'id="new-error"' in response.get_data(as_text=True)
    assert login(app.test_client(), user.email).status_code == 302  # the old password still works


def test_changing_the_password_ends_other_sessions_but_not_this_one(app, db):
    user = f.create_user(db, "reviewer")
    db.commit()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user.email)
    login(elsewhere, user.email)
    wrong = here.post("/account/wachtwoord", data={"current": "fout", "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert wrong.status_code == 400 and "huidige wachtwoord klopt niet" in wrong.get_data(as_text=True)
    response = here.post("/account/wachtwoord", data={"current": f.PASSWORD, "new": NEW_PASSWORD,
                                                       "repeat": NEW_PASSWORD})
    assert response.status_code == 302
    assert here.get("/start").status_code == 200
    assert elsewhere.get("/start").status_code == 302
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    assert db.scalar(select(func.count()).where(AuditEvent.action == "user.password_changed")) == 1


def test_the_admin_cannot_give_a_guessable_first_password(app, db):
    admin = f.create_user(db, "admin")
    db.commit()
    client = app.test_client()
    f.log_in(client, admin)
    response = client.post("/beheer/gebruikers/nieuw", data={"email": "nieuw@example.org", "name": "Nieuw",
                                                           "password": "aaaaaaaaaaaa", "roles": ["finance"]})
    assert response.status_code == 400 and "te makkelijk te raden" in response.get_data(as_text=True)


# ------------------------------------------------------------------ throttling

def test_the_owner_of_a_known_browser_is_not_locked_out_by_someone_elses_failures(app, db):
    user = f.create_user(db, "finance")
    db.commit()
    owner, attacker = app.test_client(), app.test_client()
    assert login(owner, user.email).status_code == 302  # this browser now carries a device cookie
    owner.post("/logout")
    for _ in range(5):
        assert login(attacker, user.email, "geraden").status_code == 401
    assert login(attacker, user.email).status_code == 429  # the untrusted side is locked out ...
    assert login(owner, user.email).status_code == 302      # ... the owner is not


def test_behind_a_trusted_proxy_each_client_address_counts_for_itself(database_url, engine, tmp_path, db):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                      "EVIDENCE_DIR": str(tmp_path), "TRUSTED_PROXIES": 1,
                      "LOGIN_MAX_FAILURES_PER_ADDRESS": 3})
    app.extensions["database"].bind(db.connection())
    with app.app_context():
        client = app.test_client()
        for n in range(3):
            login(client, f"iemand{n}@example.org", "fout", headers={"X-Forwarded-For": "192.0.2.10"})
        assert login(client, "iemand9@example.org", "fout", headers={"X-Forwarded-For": "192.0.2.10"}).status_code == 429
        assert login(client, "iemand9@example.org", "fout", headers={"X-Forwarded-For": "192.0.2.11"}).status_code == 401


# ------------------------------------------------------------------ bad input

def test_a_nul_byte_or_a_bidi_override_is_refused_naming_the_field_and_nothing_is_stored(app, db):
    user = f.create_user(db, "reviewer")
    db.commit()
    client = app.test_client()
    f.log_in(client, user)
    events = db.scalar(select(func.count()).select_from(AuditEvent))
    for value in ("Jan\x00", "gnp\u202e.exe"):
        response = client.post("/account/wachtwoord", data={"current": f.PASSWORD, "new": NEW_PASSWORD,
                                                             "repeat": NEW_PASSWORD, "extra": value})
        assert response.status_code == 400
        assert "‘extra’" in response.get_data(as_text=True) and "stuurteken" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_an_id_beyond_the_integer_range_is_a_404(app, db):
    user = f.create_user(db, "finance")
    db.commit()
    client = app.test_client()
    f.log_in(client, user)
    assert client.get(f"/facturen/{2**63}").status_code == 404


def test_error_pages_are_dutch_for_every_status(client):
    response = client.get("/logout")
    assert response.status_code == 405 and "Niet toegestaan" in response.get_data(as_text=True)


def test_a_next_parameter_with_a_newline_is_not_followed(app, db):
    user = f.create_user(db, "reviewer")
    db.commit()
    response = app.test_client().post("/login?next=/start%0d%0aSet-Cookie:x", data={"email": user.email,
                                                                                   "password": f.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/start")


def test_implausible_dates_and_huge_amounts_are_refused(db, issued):  # noqa: F811
    from portal.finance.forms import PaymentForm
    from werkzeug.datastructures import MultiDict
    with pytest.MonkeyPatch.context():
        form = PaymentForm(formdata=MultiDict({"paid_on": "0001-01-01", "amount": "1E+30", "reference": "x"}),
                           meta={"csrf": False})
        assert not form.validate()
        assert "kan niet kloppen" in form.paid_on.errors[0] and "te groot" in form.amount.errors[0]


def test_a_payment_form_submitted_twice_records_one_payment(app, db, issued):  # noqa: F811
    contract, preparer, approver, invoices = issued
    finance = f.create_user(db, "finance")
    db.commit()
    client = app.test_client()
    f.log_in(client, finance)
    data = {"paid_on": "02-04-2028", "amount": "100,00", "reference": "BANK-1", "submission_key": "k-1"}
    first = client.post(f"/facturen/{invoices[0].id}/betalingen", data=data)
    second = client.post(f"/facturen/{invoices[0].id}/betalingen", data=data)
    assert first.status_code == second.status_code == 302
    assert db.scalar(select(func.count()).select_from(Payment)) == 1
    assert "al geregistreerd" in client.get(second.headers["Location"]).get_data(as_text=True)


def test_a_bsn_in_full_width_digits_or_with_dots_finds_the_same_client(db):
    from portal.identifiers import clean_bsn
    assert clean_bsn("１１１２２２３３３") == clean_bsn("111.222.333") == clean_bsn("111 222 333") == "111222333"
    with pytest.raises(ValueError):
        clean_bsn("١١١٢٢٢٣٣٣")  # Arabic-Indic digits are digits to Python, not to the elfproef


# ------------------------------------------------------------------ headers and start-up

def test_pages_are_not_stored_and_production_sends_hsts(database_url, tmp_path, client, db):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    production = create_app({"TESTING": True, "DATABASE_URL": database_url, "EVIDENCE_DIR": str(tmp_path),
                             "SESSION_COOKIE_SECURE": True})
    assert "max-age" in production.test_client().get("/login").headers["Strict-Transport-Security"]


def test_flask_run_refuses_to_serve_without_secrets(monkeypatch):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    for name in ("SECRET_KEY", "BSN_KEY", "PORTAL_DEMO", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    load_config()  # other commands (db upgrade, imports) may run with a warning
    with click.Context(click.Command("run"), info_name="run"):
        with pytest.raises(ConfigError):
            load_config()


def test_a_bureau_role_cannot_be_combined_with_a_consortium_role(app, db):
    admin = f.create_user(db, "admin")
    provider = f.create_provider(db)
    db.commit()
    with pytest.raises(ValueError, match="geen rol van het consortium"):
        f.create_user(db, "provider", "reviewer", provider=provider)
    client = app.test_client()
    f.log_in(client, admin)
    response = client.post("/beheer/gebruikers/nieuw", data={
        "email": "dubbel@example.org", "name": "Dubbel", "password": NEW_PASSWORD, "roles": ["provider", "reviewer"],
        "provider_id": str(provider.id)})
    assert response.status_code == 400 and "geen rol van het consortium" in response.get_data(as_text=True)
