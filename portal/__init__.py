"""Resultaatportaal: the Flask application."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from . import db
from .config import ROOT, load_config

csrf = CSRFProtect()
#: What a user who must still set up the second factor may reach.
ENROLMENT_ENDPOINTS = frozenset({"auth.enrol_second_factor", "auth.logout", "static"})
login_manager = LoginManager()
babel = Babel()


def create_app(overrides: dict | None = None) -> Flask:
    """Create the portal; `overrides` replaces configuration (tests)."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "portal" / "static"))
    app.config.update(load_config(overrides))
    from . import hardening
    hardening.register(app)  # before the blueprints: it replaces the `int` URL converter
    db.init_app(app)
    from . import storage; storage.init_app(app)  # noqa: E702 (issue 11: files in the database by default)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: "nl", timezone_selector=lambda: "Europe/Amsterdam")
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te zien."
    login_manager.login_message_category = "info"

    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from .models import User

    from .auth import sessions

    @login_manager.user_loader
    def _load_user(user_id: str):
        # The user and its roles in one query (every request of a logged-in user runs this).
        user = db.get_session().scalars(select(User).where(User.id == int(user_id))
                                        .options(joinedload(User.grants))).unique().one_or_none()
        return user if user is not None and user.active and sessions.belongs_to(user) else None

    @app.before_request
    def _end_expired_session():
        from flask import flash, redirect, session, url_for
        from flask_login import current_user
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        if sessions.expired(idle_minutes=app.config["SESSION_IDLE_MINUTES"],
                            lifetime_hours=app.config["SESSION_LIFETIME_HOURS"]):
            sessions.end_this_session()
            flash("Uw sessie is verlopen. Log opnieuw in.", "info")
            return redirect(url_for("auth.login"))
        if session.get("must_enrol") and request.endpoint not in ENROLMENT_ENDPOINTS:
            return redirect(url_for("auth.enrol_second_factor"))
        return None

    from . import formatting
    formatting.register(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_security_headers(app)
    from .privacy import logs; logs.install(app)  # noqa: E702 (no database DETAIL, with its row, in the log)

    from .cli import register_commands
    register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from .auth.views import bp as auth_bp
    from .home.views import bp as home_bp
    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    from .trajectories.views import bp as trajectories_bp
    from .evidence.views import bp as evidence_bp
    app.register_blueprint(trajectories_bp)
    app.register_blueprint(evidence_bp)
    from .review.views import bp as review_bp
    app.register_blueprint(review_bp)
    from .finance.views import bp as finance_bp
    app.register_blueprint(finance_bp)
    from .statements.views import bp as statements_bp
    from .objections.views import bp as objections_bp
    app.register_blueprint(statements_bp)
    app.register_blueprint(objections_bp)
    from .history.views import bp as history_bp; app.register_blueprint(history_bp)  # noqa: E702
    from .admin.views import bp as admin_bp
    app.register_blueprint(admin_bp)
    from .contracts.views import bp as contracts_bp; app.register_blueprint(contracts_bp)  # noqa: E702
    from .auditing.views import bp as auditing_bp
    app.register_blueprint(auditing_bp)
    from .clients.views import bp as clients_bp
    app.register_blueprint(clients_bp)
    from .results.views import bp as results_bp; app.register_blueprint(results_bp)  # noqa: E702
    from .api import register as register_api; register_api(app)  # noqa: E702
    from .jobs.views import bp as jobs_bp, register_bulk_import; app.register_blueprint(jobs_bp); register_bulk_import(app)  # noqa: E702,E501 (issues 13/14)
    from .notifications.views import bp as notifications_bp; app.register_blueprint(notifications_bp)  # noqa: E702
    from .privacy.views import bp as privacy_bp; app.register_blueprint(privacy_bp)  # noqa: E702


ERROR_PAGES = {
    400: ("Ongeldig verzoek", "Het formulier was verlopen of onvolledig. Probeer het opnieuw."),
    401: ("Niet ingelogd", "Log in om verder te gaan."),
    403: ("Geen toegang", "U heeft geen rechten voor deze pagina."),
    404: ("Niet gevonden", "Deze pagina bestaat niet of u heeft er geen toegang toe."),
    405: ("Niet toegestaan", "Deze handeling kan op deze pagina niet. Gebruik de knoppen op de pagina."),
    409: ("Conflict", "Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw."),
    413: ("Bestand te groot", "Het bestand is groter dan 10 MB."),
    414: ("Adres te lang", "Het adres van de pagina is te lang."),
    422: ("Niet te verwerken", "De gegevens konden niet worden verwerkt. Controleer wat u invulde."),
    429: ("Te veel pogingen", "Wacht even en probeer het opnieuw."),
    431: ("Verzoek te groot", "Het verzoek bevat te veel gegevens."),
    500: ("Er ging iets mis", "Er is niets opgeslagen. Probeer het later opnieuw."),
}
GENERIC_ERROR = ("Er ging iets mis", "Het verzoek kon niet worden verwerkt. Er is niets opgeslagen.")


def _register_error_pages(app: Flask) -> None:
    from werkzeug.exceptions import HTTPException

    def handle_http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error  # routing redirects are exceptions too
        if request.path.startswith("/api/"):  # the JSON API answers with problem documents
            from .api.framework import http_problem
            return http_problem(error)
        title, text = ERROR_PAGES.get(error.code, GENERIC_ERROR)
        text = getattr(error, "dutch_description", None) or text
        response = error.get_response()
        response.set_data(render_template("error.html", code=error.code, title=title, text=text))
        response.content_type = "text/html; charset=utf-8"
        return response

    def handle_unexpected(_error: Exception):
        try:  # the failed transaction must not break the error page too
            db.get_session().rollback()
        except Exception:  # noqa: BLE001 - the page must render whatever the database does
            pass
        if request.path.startswith("/api/"):
            from .api.framework import http_problem
            return http_problem(_error)
        title, text = ERROR_PAGES[500]
        return render_template("error.html", code=500, title=title, text=text), 500

    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(500, handle_unexpected)


def _register_security_headers(app: Flask) -> None:
    production = app.config["SESSION_COOKIE_SECURE"]

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                    "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        # Pages and downloads hold personal or financial data: no browser or proxy may keep a copy.
        if request.endpoint != "static" and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        if production:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
