"""The JSON API under /api/v1 (issue 13): a thin layer over the services the pages use.

Importing the view modules registers their endpoints on the blueprint and in ENDPOINTS.
"""
from __future__ import annotations

from flask import Flask

from .. import csrf


def endpoints() -> list:
    """Return every declared endpoint (importing the view modules declares them)."""
    from . import docs, views_bureau, views_import, views_municipality, views_shared  # noqa: F401 - they declare them
    from .framework import ENDPOINTS
    return ENDPOINTS


def register(app: Flask) -> None:
    """Register the API blueprint (token-authenticated, so exempt from the forms' CSRF check) and the token pages."""
    endpoints()
    from .framework import bp
    from .token_views import bp as tokens_bp
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(tokens_bp)
