"""Resultaatportaal: the Flask application."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from . import db
from .config import ROOT, load_config

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


def create_app(overrides: dict | None = None) -> Flask:
    """Create the portal; `overrides` replaces configuration (tests)."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "portal" / "static"))
    app.config.update(load_config(overrides))
    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: "nl", timezone_selector=lambda: "Europe/Amsterdam")
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te zien."
    login_manager.login_message_category = "info"

    from .models import User

    @login_manager.user_loader
    def _load_user(user_id: str):
        user = db.get_session().get(User, int(user_id))
        return user if user is not None and user.active else None

    from . import formatting
    formatting.register(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_security_headers(app)

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


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: ("Ongeldig verzoek", "Het formulier was verlopen of onvolledig. Probeer het opnieuw."),
        403: ("Geen toegang", "U heeft geen rechten voor deze pagina."),
        404: ("Niet gevonden", "Deze pagina bestaat niet of u heeft er geen toegang toe."),
        413: ("Bestand te groot", "Het bestand is groter dan 10 MB."),
        429: ("Te veel pogingen", "Wacht even en probeer het opnieuw."),
        500: ("Er ging iets mis", "Er is niets opgeslagen. Probeer het later opnieuw."),
    }

    def make_handler(code: int):
        title, text = messages[code]

        def handler(_error):
            return render_template("error.html", code=code, title=title, text=text), code

        return handler

    for code in messages:
        app.register_error_handler(code, make_handler(code))


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                    "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        return response
