"""Beheer: API tokens. An admin issues a token for one bureau or one municipality, sees it once, revokes it."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..access import requires_role, scope_api_tokens, scope_municipalities, scope_providers
from ..db import get_session
from ..models import ApiToken, Municipality, Provider
from .tokens import AMSTERDAM, TokenRefused, issue_token, revoke_token

bp = Blueprint("api_tokens", __name__, url_prefix="/beheer/api-tokens")


class TokenForm(FlaskForm):
    name = StringField("Naam", validators=[DataRequired("Geef het token een naam."), Length(max=100)])
    tenant = SelectField("Voor", validators=[DataRequired("Kies een re-integratiebedrijf of een gemeente.")])
    write = BooleanField("Mag ook wijzigen (scope write)")
    expires_on = DateField("Geldig tot en met", validators=[Optional()],
                           render_kw={"placeholder": "jjjj-mm-dd"})


class RevokeForm(FlaskForm):
    pass


def _form() -> TokenForm:
    session = get_session()
    form = TokenForm()
    form.tenant.choices = ([("", "Kies…")]
                           + [(f"p{p.id}", f"Re-integratiebedrijf: {p.name}")
                              for p in session.scalars(scope_providers(current_user).order_by(Provider.name))]
                           + [(f"m{m.id}", f"Gemeente: {m.name}")
                              for m in session.scalars(scope_municipalities(current_user).order_by(Municipality.name))])
    return form


def _local(moment) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def _page(form: TokenForm, status: int = 200, secret: str | None = None, issued: ApiToken | None = None):
    tokens = get_session().scalars(scope_api_tokens(current_user).options(selectinload(ApiToken.provider),
                                                            selectinload(ApiToken.municipality))
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    response = Response(render_template("api/tokens.html", form=form, tokens=tokens, secret=secret, issued=issued,
                                        revoke_form=RevokeForm(formdata=None), local=_local), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
@requires_role("admin")
def index():
    return _page(_form())


@bp.post("")
@requires_role("admin")
def issue():
    session = get_session()
    form = _form()
    if not form.validate_on_submit():
        return _page(form, 422)
    kind, number = form.tenant.data[0], int(form.tenant.data[1:])
    try:
        token, secret = issue_token(session, current_user, name=form.name.data,
                                    provider_id=number if kind == "p" else None,
                                    municipality_id=number if kind == "m" else None,
                                    write=form.write.data, expires_on=form.expires_on.data)
    except TokenRefused as error:
        session.rollback()
        target = form[error.field] if error.field in form else form.name
        target.errors = list(target.errors) + [str(error)]
        return _page(form, 422)
    session.commit()
    # Shown once, in this answer only: it is stored as a hash and never shown again.
    return _page(_form(), 201, secret=secret, issued=token)


@bp.post("/<int:token_id>/intrekken")
@requires_role("admin")
def revoke(token_id: int):
    session = get_session()
    token = session.scalar(scope_api_tokens(current_user).where(ApiToken.id == token_id))
    if token is None:  # another consortium's token, or none: nothing tells which
        abort(404)
    if RevokeForm().validate_on_submit():
        try:
            revoke_token(session, current_user, token)
        except TokenRefused as error:
            session.rollback()
            flash(str(error), "info")
        else:
            session.commit()
            flash(f"Het token ‘{token.name}’ is ingetrokken.", "success")
    return redirect(url_for("api_tokens.index"))
