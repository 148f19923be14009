"""Login, logout, throttling, cookies and the refusal to run without secrets."""
from __future__ import annotations

import pytest

from portal import create_app
from portal.config import ConfigError
from .. import factories as f


def login(client, email, password=f.PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_login_and_logout(client, db):
    user = f.create_user(db, "reviewer")
    db.commit()
    response = login(client, user.email)
    assert response.status_code == 302 and response.headers["Location"].endswith("/start")
    page = client.get("/start")
    assert page.status_code == 200 and "Contractmanager" in page.get_data(as_text=True)
    assert client.get("/logout").status_code == 405  # logging out is a POST (with CSRF in production)
    assert client.post("/logout").status_code == 302
    assert client.get("/start").status_code == 302


def test_unknown_user_and_wrong_password_get_the_same_answer(client, db):
    user = f.create_user(db, "finance")
    db.commit()
    wrong_password = login(client, user.email, "wrong")
    unknown_user = login(client, "nobody@example.org", "wrong")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert "E-mailadres of wachtwoord onjuist." in wrong_password.get_data(as_text=True)
    assert "E-mailadres of wachtwoord onjuist." in unknown_user.get_data(as_text=True)


def test_login_attempts_are_throttled_per_account(client, db):
    user = f.create_user(db, "finance")
    db.commit()
    for _ in range(5):
        assert login(client, user.email, "wrong").status_code == 401
    throttled = login(client, user.email)  # even the right password waits now
    assert throttled.status_code == 429
    assert "Te veel mislukte pogingen" in throttled.get_data(as_text=True)


def test_password_is_stored_as_argon2(db):
    user = f.create_user(db, "admin")
    assert user.password_hash.startswith("$argon2id$") and f.PASSWORD not in user.password_hash


def test_open_redirect_after_login_is_refused(client, db):
    user = f.create_user(db, "admin")
    db.commit()
    response = client.post("/login?next=//evil.example/x", data={"email": user.email, "password": f.PASSWORD})
    assert response.headers["Location"].endswith("/start")


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    for name in ("SECRET_KEY", "BSN_KEY", "PORTAL_DEMO", "FLASK_DEBUG", "FLASK_RUN_FROM_CLI"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": "sqlite://"})
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="too short"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_production_cookies_are_secure(monkeypatch):
    for name in ("PORTAL_DEMO", "FLASK_DEBUG", "FLASK_RUN_FROM_CLI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("BSN_KEY", "y" * 40)
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config.get("WTF_CSRF_ENABLED", True)


def test_csrf_is_required_on_forms(monkeypatch, db, engine, database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})  # CSRF left on
    response = app.test_client().post("/login", data={"email": "a@b.nl", "password": "x"})
    assert response.status_code == 400
