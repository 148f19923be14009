"""Beheer: users, bureaus, municipalities and contracts (role admin)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import (consortium_of, get_contract, get_scoped, get_user, requires_role, same_consortium,
                      scope_contracts, scope_municipalities, scope_providers, scope_users)
from ..auth.policy import WeakPassword
from ..auth.resets import force_reset
from ..auth.views import mail_reset_link
from ..auth.service import create_user
from ..contracts.forms import DecisionForm
from ..contracts.service import municipalities_of
from ..contracts.terms import version_changes, versions
from ..db import get_session
from ..models import Consortium, Contract, Municipality, Provider, User
from ..trajectories.forms import choices
from .forms import MunicipalityForm, NewMunicipalityForm, NewProviderForm, ProviderForm, UserForm
from .service import (AdminRefused, create_municipality, create_provider, set_user_active, update_municipality,
                      update_provider)

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.route("/")
@requires_role("admin")
def index():
    session = get_session()
    return render_template(
        "admin/index.html",
        users=session.scalars(scope_users(current_user).order_by(User.email)).all(),
        providers=session.scalars(scope_providers(current_user).order_by(Provider.name)).all(),
        municipalities=session.scalars(scope_municipalities(current_user).order_by(Municipality.cbs_code)).all(),
        contracts=session.scalars(scope_contracts(current_user).options(selectinload(Contract.provider))
                                  .order_by(Contract.code)).all())


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@requires_role("admin")
def new_user():
    session = get_session()
    form = UserForm()
    form.provider_id.choices = choices([(0, "—")] + [(p.id, p.name) for p in session.scalars(
        scope_providers(current_user).order_by(Provider.name))])
    form.municipality_id.choices = choices([(0, "—")] + [(mu.id, mu.name) for mu in session.scalars(
        scope_municipalities(current_user).order_by(Municipality.name))])
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            form.email.errors.append("Er is al een gebruiker met dit e-mailadres.")
        elif "provider" in form.roles.data and not form.provider_id.data:
            form.provider_id.errors.append("Kies het re-integratiebedrijf van deze gebruiker.")
        elif "klantmanager" in form.roles.data and not form.municipality_id.data:
            form.municipality_id.errors.append("Kies de gemeente van deze klantmanager.")
        else:
            try:
                create_user(session, email=email, name=form.name.data.strip(), password=form.password.data,
                            roles=form.roles.data, provider_id=form.provider_id.data or None,
                            municipality_id=form.municipality_id.data or None, actor=current_user,
                            # staff join the admin's own consortium; a bureau's staff join none
                            consortium_id=None if "provider" in form.roles.data else consortium_of(current_user))
            except WeakPassword as problem:
                session.rollback()
                form.password.errors.append(str(problem))
            except ValueError as problem:  # roles that may not be combined
                session.rollback()
                form.roles.errors.append(str(problem))
            else:
                session.commit()
                flash(f"Gebruiker {email} is aangemaakt.", "success")
                return redirect(url_for("admin.index"))
    status = 400 if form.errors else 200
    return render_template("admin/user_form.html", form=form, consortium=current_user.consortium), status


@bp.route("/gebruikers/<int:user_id>/actief", methods=["POST"])
@requires_role("admin")
def toggle_user(user_id: int):
    session = get_session()
    user = get_user(session, current_user, user_id)
    try:
        set_user_active(session, current_user, user, not user.active)
    except AdminRefused as refused:
        session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("admin.index")), 303
    session.commit()
    flash(f"{user.email} is {'weer actief' if user.active else 'geblokkeerd'}.", "success")
    return redirect(url_for("admin.index"))


@bp.route("/gebruikers/<int:user_id>/wachtwoord-herstel", methods=["POST"])
@requires_role("admin")
def force_password_reset(user_id: int):
    """Make the user's password unusable, end their sessions and mail them a link to choose a new one."""
    session = get_session()
    user = get_user(session, current_user, user_id)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    token = force_reset(session, current_user, user, valid_minutes=minutes)
    session.commit()
    if token is not None:
        mail_reset_link(user, token, minutes)
    flash(f"Het wachtwoord van {user.email} werkt niet meer; er is een link verstuurd om een nieuw te kiezen.",
          "success")
    return redirect(url_for("admin.index"))


@bp.route("/bureaus/<int:provider_id>", methods=["GET", "POST"])
@requires_role("admin")
def edit_provider(provider_id: int):
    session = get_session()
    provider = get_scoped(session, scope_providers(current_user), Provider, provider_id)
    return _edit(session, provider, ProviderForm(obj=provider), update_provider, "bureau")


@bp.route("/gemeenten/<int:municipality_id>", methods=["GET", "POST"])
@requires_role("admin")
def edit_municipality(municipality_id: int):
    session = get_session()
    municipality = get_scoped(session, scope_municipalities(current_user), Municipality, municipality_id)
    return _edit(session, municipality, MunicipalityForm(obj=municipality), update_municipality, "gemeente")


@bp.route("/bureaus/nieuw", methods=["GET", "POST"])
@requires_role("admin")
def new_provider():
    session = get_session()
    form = NewProviderForm()
    form._fields.move_to_end("code", last=False)
    return _create(session, form, lambda values: create_provider(session, current_user, values), "bureau")


@bp.route("/gemeenten/nieuw", methods=["GET", "POST"])
@requires_role("admin")
def new_municipality():
    session = get_session()
    form = NewMunicipalityForm()
    for name in ("cbs_code", "consortium_id"):
        form._fields.move_to_end(name, last=False)
    form.consortium_id.choices = choices((c.id, c.name) for c in session.scalars(select(Consortium).where(
        same_consortium(Consortium.id, current_user))))

    def create(values):
        consortium = session.scalar(select(Consortium).where(Consortium.id == (values.get("consortium_id") or 0),
                                                             same_consortium(Consortium.id, current_user)))
        if consortium is None:
            raise AdminRefused("Kies het consortium van de gemeente.", "consortium_id")
        return create_municipality(session, current_user, consortium, values)

    return _create(session, form, create, "gemeente")


def _create(session, form, create, kind: str):
    if form.validate_on_submit():
        try:
            obj = create(form.data)
        except AdminRefused as refused:
            session.rollback()
            getattr(form, refused.field or "name").errors.append(str(refused))
        else:
            session.commit()
            flash(f"{obj.name} is toegevoegd.", "success")
            return redirect(url_for("admin.index"))
    status = 400 if form.errors or any(f.errors for f in form) else 200
    return render_template("admin/master_data_form.html", form=form, obj=None, kind=kind), status


def _edit(session, obj, form, update, kind: str):
    if form.validate_on_submit():
        try:
            update(session, current_user, obj, form.data)
        except AdminRefused as refused:
            session.rollback()
            getattr(form, refused.field).errors.append(str(refused)) if refused.field else flash(str(refused),
                                                                                                   "error")
        else:
            session.commit()
            flash(f"De gegevens van {obj.name} zijn opgeslagen.", "success")
            return redirect(url_for("admin.index"))
    status = 400 if form.errors else 200
    return render_template("admin/master_data_form.html", form=form, obj=obj, kind=kind), status


@bp.route("/contracten/<int:contract_id>")
@requires_role("admin", "finance", "reviewer", "auditor")
def contract(contract_id: int):
    session = get_session()
    contract = get_contract(session, current_user, contract_id, select(Contract).options(
        selectinload(Contract.tranches), selectinload(Contract.staffel), selectinload(Contract.funding),
        selectinload(Contract.excluded_end_reasons), selectinload(Contract.municipality_caps),
        selectinload(Contract.provider)))
    history = versions(session, contract.id)
    return render_template("admin/contract.html", contract=contract, versions=history,
                           proposal=next((v for v in history if v.status == "proposed"), None),
                           decision_form=DecisionForm(),
                           changes=version_changes(history, municipalities_of(session, contract.consortium_id)))
