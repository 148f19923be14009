"""Configuration from the environment; refuses to run in production without real secrets."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
DEMO_SECRET = "demo-only-not-a-secret"


class ConfigError(RuntimeError):
    pass


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config from the environment and explicit overrides (tests)."""
    overrides = dict(overrides or {})
    env = os.environ
    demo = env.get("PORTAL_DEMO") == "1" or overrides.get("DEMO", False)
    testing = overrides.get("TESTING", False)
    debug = env.get("FLASK_DEBUG") == "1"
    config = {
        "DATABASE_URL": env.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'portal.db'}"),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "DATABASE_POOL_SIZE": int(env.get("DATABASE_POOL_SIZE", "5")),
        # 0 behind PgBouncer in transaction pooling mode: psycopg must not prepare statements on the server.
        "DATABASE_PREPARED_STATEMENTS": env.get("DATABASE_PREPARED_STATEMENTS", "1") != "0",
        # Key for BSN encryption and its look-up hash; separate from SECRET_KEY in production.
        "BSN_KEY": env.get("BSN_KEY"),
        # Where files (evidence) are kept: "database" (every node sees them, one backup) or "filesystem" (EVIDENCE_DIR).
        "STORAGE_BACKEND": env.get("STORAGE_BACKEND", "database"),
        # AVG (README "Privacy (AVG)"): BSN look-ups per user per hour; months after a client's last trajectory ended.
        "BSN_LOOKUPS_PER_HOUR": int(env.get("BSN_LOOKUPS_PER_HOUR", "30")),
        "PRIVACY_RETENTION_MONTHS": int(env.get("PRIVACY_RETENTION_MONTHS", "24")),
        "EVIDENCE_DIR": env.get("EVIDENCE_DIR", str(INSTANCE / "evidence")),
        "DEMO": demo,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not (demo or debug or testing),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": not (demo or debug or testing),
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
        "LOGIN_FAILURE_WINDOW_MINUTES": 15,
        "PAGE_SIZE": 50,
        "API_RATE_LIMIT": int(env.get("API_RATE_LIMIT", "120")),  # requests per API token per minute
        # A session ends after this much idle time, and at the latest this long after login.
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "30")),
        "SESSION_LIFETIME_HOURS": int(env.get("SESSION_LIFETIME_HOURS", "12")),
        # How many proxies in front of the app to trust for X-Forwarded-For/-Proto (0: none, direct).
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        # Outgoing mail (password resets). Without MAIL_SERVER a demo prints mails; production sends none.
        "MAIL_SERVER": env.get("MAIL_SERVER"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_STARTTLS": env.get("MAIL_STARTTLS") == "1",
        "MAIL_USERNAME": env.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD"),
        "MAIL_FROM": env.get("MAIL_FROM", "Resultaatportaal <noreply@resultaatportaal.example>"),
        "PASSWORD_RESET_MINUTES": int(env.get("PASSWORD_RESET_MINUTES", "60")),
        # Background jobs (issue 14): inline on SQLite and in tests, else through the PostgreSQL queue and a worker.
        "JOBS_INLINE": env["JOBS_INLINE"] == "1" if "JOBS_INLINE" in env else None,
        "JOBS_STEP_DELAY": float(env.get("JOBS_STEP_DELAY", "0")),  # seconds after each progress step (tests)
        # Roles that must log in with a second factor (TOTP). The demo and the tests leave it off unless asked.
        "TOTP_REQUIRED_ROLES": (() if demo or testing or env.get("TOTP_REQUIRED") == "0"
                                else ("finance", "reviewer", "admin", "auditor")),
    }
    config.update(overrides)
    if config["JOBS_INLINE"] is None:
        config["JOBS_INLINE"] = testing or not config["DATABASE_URL"].startswith("postgresql")
    # Management commands (`flask --app wsgi db upgrade`, imports) serve no sessions; they may run
    # without secrets, with a warning. Serving (gunicorn) outside demo/debug never does.
    # `flask run` serves pages, so it is held to the same rule as gunicorn.
    cli = env.get("FLASK_RUN_FROM_CLI") == "true" and not _serving_from_cli()
    relaxed = config["DEMO"] or debug or config.get("TESTING") or cli
    if cli and not (config["DEMO"] or debug or config.get("TESTING")) and not config["SECRET_KEY"]:
        import sys
        print("warning: SECRET_KEY/BSN_KEY not set; using demo keys (fine for a demo or a check, "
              "not for real data)", file=sys.stderr)
    if not config["SECRET_KEY"] or config["SECRET_KEY"] == DEMO_SECRET:
        if not relaxed:
            raise ConfigError("SECRET_KEY is not set: set a long random SECRET_KEY in the environment "
                              "(only demo, debug and test mode run without one)")
        config["SECRET_KEY"] = DEMO_SECRET
    if len(config["SECRET_KEY"]) < 32 and not relaxed:
        raise ConfigError("SECRET_KEY is too short: use at least 32 random characters")
    if not config["BSN_KEY"]:
        if not relaxed:
            raise ConfigError("BSN_KEY is not set: set a long random BSN_KEY in the environment")
        config["BSN_KEY"] = "demo-bsn-key-" + config["SECRET_KEY"]
    return config


def _serving_from_cli() -> bool:
    """True inside `flask run` (the one CLI command that serves requests)."""
    import click
    context = click.get_current_context(silent=True)
    return context is not None and context.info_name == "run"
