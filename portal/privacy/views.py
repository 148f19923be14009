"""The functioneel beheerder's client pages: find a client (number or BSN), the inzage export, transfers.

Every page answers `Cache-Control: no-store` (it carries personal data); the exports and transfers
are audited; a BSN search counts against the user's look-up limit like the klantmanager's.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import get_client_as_admin, requires_role, scope_municipalities
from ..audit import record
from ..db import get_session
from ..models import Client, Municipality
from ..trajectories.forms import BsnSearchForm
from .export import client_data, render_export_pdf
from .forms import ClientNumberForm, TransferForm
from .lookups import LookupThrottled, look_up
from .transfer import TransferRefused, transfer_client

bp = Blueprint("privacy", __name__)
INVALID = 422


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _search_page(number_form, bsn_form, status=200):
    return _no_store(Response(render_template("privacy/search.html", number_form=number_form, bsn_form=bsn_form),
                              status))


@bp.route("/beheer/clienten", methods=["GET"])
@requires_role("admin")
def search():
    """Find a client by client number (GET) — no personal data in the URL."""
    number_form = ClientNumberForm(request.args)
    if "nummer" not in request.args:
        return _search_page(ClientNumberForm(formdata=None), BsnSearchForm(formdata=None))
    if number_form.validate():
        client = get_session().scalar(select(Client).where(
            Client.ref == number_form.nummer.data.strip().upper(),
            Client.municipality_id.in_(scope_municipalities(current_user, select(Municipality.id)))))
        if client is not None:
            return redirect(url_for("privacy.client", client_id=client.id))
        number_form.nummer.errors = ["Cliëntnummer: er is geen cliënt met dit nummer."]
    return _search_page(number_form, BsnSearchForm(formdata=None), INVALID)


@bp.route("/beheer/clienten", methods=["POST"])
@requires_role("admin")
def search_bsn():
    """Find a client by BSN (posted, never in a URL); audited and limited like every BSN look-up."""
    form = BsnSearchForm()
    status = INVALID
    if form.validate_on_submit():
        session = get_session()
        try:
            found = look_up(session, current_user, form.bsn.data, "admin_search")
        except LookupThrottled as error:
            form.bsn.errors, status = [str(error)], error.status
        else:
            if found.client is not None:
                session.commit()
                return redirect(url_for("privacy.client", client_id=found.client.id))
            form.bsn.errors = ["BSN: er is geen cliënt met dit BSN."]
        session.commit()
    return _search_page(ClientNumberForm(formdata=None), form, status)


def _client_page(client: Client, form: TransferForm | None = None, problem: str | None = None, status: int = 200):
    session = get_session()
    if form is None:
        form = TransferForm(formdata=None)
    form.municipality_id.choices = [("", "Kies een gemeente")] + [
        (str(m.id), m.name) for m in session.scalars(select(Municipality).where(
            Municipality.consortium_id == client.municipality.consortium_id,
            Municipality.id != client.municipality_id).order_by(Municipality.name))]
    data = client_data(session, client)
    return _no_store(Response(render_template("privacy/client.html", client=client, data=data, form=form,
                                              problem=problem), status))


@bp.route("/beheer/clienten/<int:client_id>")
@requires_role("admin")
def client(client_id: int):
    return _client_page(get_client_as_admin(get_session(), current_user, client_id))


def _export(client_id: int, kind: str):
    session = get_session()
    client = get_client_as_admin(session, current_user, client_id)
    data = client_data(session, client)
    record(session, current_user, "client.exported", "client", client.id, after={"format": kind})
    session.commit()
    return data, client.ref


@bp.route("/beheer/clienten/<int:client_id>/inzage.json")
@requires_role("admin")
def export_json(client_id: int):
    """All data about one client as JSON (inzageverzoek); audited."""
    data, ref = _export(client_id, "json")
    response = Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="inzage-{ref}.json"'
    return _no_store(response)


@bp.route("/beheer/clienten/<int:client_id>/inzage.pdf")
@requires_role("admin")
def export_pdf(client_id: int):
    """All data about one client as PDF (inzageverzoek); audited."""
    data, ref = _export(client_id, "pdf")
    response = Response(render_export_pdf(data), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="inzage-{ref}.pdf"'
    return _no_store(response)


@bp.route("/beheer/clienten/<int:client_id>/overdracht", methods=["POST"])
@requires_role("admin")
def transfer(client_id: int):
    """Transfer the client to another municipality of the same consortium; audited."""
    session = get_session()
    client = get_client_as_admin(session, current_user, client_id)
    form = TransferForm()
    if not form.validate_on_submit():
        return _client_page(client, form, status=INVALID)
    try:
        transfer_client(session, current_user, client, form.chosen_id())
    except TransferRefused as error:
        session.rollback()
        client = get_client_as_admin(session, current_user, client_id)
        if error.field:
            form.municipality_id.errors = [str(error)]
            return _client_page(client, form, status=INVALID)
        return _client_page(client, form, problem=str(error), status=INVALID)
    session.commit()
    flash(f"Cliënt {client.ref} is overgedragen aan {client.municipality.name}.", "success")
    return redirect(url_for("privacy.client", client_id=client.id))
