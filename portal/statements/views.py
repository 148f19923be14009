"""The bureau's statements (afrekeningen): its issued settlement runs, and every line of one with the why."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user

from ..access import requires_role
from ..db import get_session
from ..hardening import database_id
from ..objections.states import STATUS_LABELS
from .queries import LINE_STATUS, get_statement_run, issued_runs, statement

bp = Blueprint("statements", __name__)

# The finance area's document pages (portal/finance/views.py): linked once they exist.
DOCUMENT_ENDPOINTS = {"page": "finance.invoice", "pdf": "finance.invoice_pdf", "ubl": "finance.invoice_ubl"}


@bp.get("/mijn-afrekeningen")
@requires_role("provider")
def index():
    session = get_session()
    page = issued_runs(session, current_user, page=request.args.get("page", 1, type=database_id),
                       per_page=current_app.config["PAGE_SIZE"])
    return render_template("statements/index.html", page=page, document_links=document_links)


@bp.get("/mijn-afrekeningen/<int:run_id>")
@requires_role("provider")
def show(run_id: int):
    session = get_session()
    run = get_statement_run(session, current_user, run_id)
    return render_template("statements/show.html", statement=statement(session, current_user, run),
                           document_links=document_links, objection_labels=STATUS_LABELS,
                           line_status=LINE_STATUS)


def document_links(invoice_id: int) -> dict[str, str]:
    """Return the URLs of a document's page and downloads that the finance area provides."""
    views = current_app.view_functions
    return {kind: url_for(endpoint, invoice_id=invoice_id) for kind, endpoint in DOCUMENT_ENDPOINTS.items()
            if endpoint in views}
