"""Pages for the client facts: the klantmanager's facts page, the ladder, activation results, placement changes,
ESF facts, and the admin's profile list and durable-outflow terms.

Every view loads its object through the user's scope (portal.access: another tenant's object is
a 404), calls one service function and commits once; a refusal rolls back and shows the form
again with the message next to its field (422).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from .. import clock
from ..access import STAFF_ROLES, get_client, get_contract, get_trajectory, requires_role
from ..audit import record, snapshot
from ..db import get_session
from ..models import ClientProfile, Contract, EsfParticipant, LadderMeasurement, Placement
from . import activation, esf, ladder, outflow
from .errors import FactRefused
from .facts import load_histories
from ..trajectories.clients import update_client_details
from .forms import (ActivationForm, ClientDetailsForm, DecisionForm, DurableTermsForm, EsfForm, FactForm, LadderForm,
                    PlacementChangeForm, ProfileForm, value_choices)
from .labels import fact_label, isced_label
from .service import active_profiles, record_fact

bp = Blueprint("clients", __name__)
INVALID = 422
VIEW_ROLES = ("provider", "klantmanager") + STAFF_ROLES


@bp.app_template_filter("fact_label")
def _fact_label(code):
    return fact_label(code)


@bp.app_template_filter("isced_label")
def _isced_label(code):
    return isced_label(code)


def _refused(form, error: FactRefused) -> str | None:
    """Put the refusal next to its field; return it when it belongs to no field of the form."""
    if error.field and error.field in form:
        form[error.field].errors = list(form[error.field].errors) + [str(error)]
        return None
    return str(error)


def _run(form, action, message: str, target: str):
    """Validate, act, commit once; return (redirect, None) or (None, (problem, status))."""
    session = get_session()
    if not form.validate_on_submit():
        return None, (None, INVALID)
    try:
        action()
    except FactRefused as error:
        session.rollback()
        return None, (_refused(form, error), getattr(error, "status", INVALID))
    session.commit()
    flash(message, "success")
    return redirect(target), None


# ---------------------------------------------------------------- the klantmanager's facts page

@bp.route("/clienten/<int:client_id>/feiten", methods=["GET", "POST"])
@requires_role("klantmanager")
def facts(client_id: int):
    session = get_session()
    client = get_client(session, current_user, client_id)
    profiles = active_profiles(session)
    form = FactForm()
    form.value.choices = value_choices(profiles)
    problem, status = None, 200
    if request.method == "GET":
        form.valid_from.data = clock.today()
    else:
        done, failed = _run(form, lambda: record_fact(session, current_user, client, kind=form.kind.data,
                                                      value=form.value.data, valid_from=form.valid_from.data,
                                                      member=not form.ends.data),
                            "Het gegeven is vastgelegd.", url_for("clients.facts", client_id=client_id))
        if done:
            return done
        problem, status = failed
        client = get_client(session, current_user, client_id)
    history = load_histories(session, [client.id])[client.id]
    today = clock.today()
    names = {p.code: p.name for p in session.scalars(select(ClientProfile))}
    return render_template("clients/facts.html", client=client, form=form, problem=problem, history=history,
                           today=today, profile_names=names), status


# ---------------------------------------------------------------- the participatieladder

def _ladder_page(trajectory, form=None, decision_form=None, problem=None, status=200):
    session = get_session()
    today = clock.today()
    if form is None:
        form = LadderForm(formdata=None, measured_on=today)
    measurements = ladder.measurements(session, trajectory.id)
    return render_template("clients/ladder.html", trajectory=trajectory, form=form,
                           decision_form=decision_form or DecisionForm(formdata=None), measurements=measurements,
                           intake=ladder.intake_measurement(session, trajectory.id), problem=problem,
                           what_counts=ladder.WHAT_COUNTS,
                           is_bureau=current_user.has_role("provider")
                           and current_user.provider_id == trajectory.provider_id,
                           is_klantmanager=current_user.has_role("klantmanager")
                           and current_user.municipality_id == trajectory.municipality_id,
                           measurable=trajectory.status in ladder.MEASURABLE_STATES), status


@bp.route("/trajecten/<int:trajectory_id>/ladder", methods=["GET"])
@requires_role(*VIEW_ROLES)
def ladder_page(trajectory_id: int):
    return _ladder_page(get_trajectory(get_session(), current_user, trajectory_id))


@bp.route("/trajecten/<int:trajectory_id>/ladder", methods=["POST"])
@requires_role("provider", "klantmanager")
def measure(trajectory_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    form = LadderForm()
    proposing = current_user.has_role("provider")
    done, failed = _run(form, lambda: ladder.record_measurement(
        session, current_user, trajectory, rung=form.rung.data, measured_on=form.measured_on.data,
        at_intake=form.at_intake.data, note=form.note.data),
        "De meting is voorgesteld; de klantmanager bevestigt hem." if proposing else "De meting is vastgelegd.",
        url_for("clients.ladder_page", trajectory_id=trajectory_id))
    if done:
        return done
    return _ladder_page(get_trajectory(session, current_user, trajectory_id), form, problem=failed[0],
                        status=failed[1])


@bp.route("/trajecten/<int:trajectory_id>/ladder/<int:measurement_id>/besluit", methods=["POST"])
@requires_role("klantmanager")
def decide(trajectory_id: int, measurement_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    measurement = session.scalar(select(LadderMeasurement).where(LadderMeasurement.id == measurement_id,
                                                                 LadderMeasurement.trajectory_id == trajectory.id))
    if measurement is None:
        abort(404)
    form = DecisionForm()
    done, failed = _run(form, lambda: ladder.decide(session, current_user, trajectory, measurement, form.decision.data),
                        "De meting is bevestigd." if form.decision.data == "confirm" else "De meting is afgewezen.",
                        url_for("clients.ladder_page", trajectory_id=trajectory_id))
    if done:
        return done
    return _ladder_page(get_trajectory(session, current_user, trajectory_id), decision_form=form,
                        problem=failed[0] or "Kies bevestigen of afwijzen.", status=failed[1])


# ---------------------------------------------------------------- social activation

@bp.route("/trajecten/<int:trajectory_id>/activering", methods=["GET", "POST"])
@requires_role("provider")
def activation_result(trajectory_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    form = ActivationForm()
    problem, status = None, 200
    if request.method == "POST":
        done, failed = _run(form, lambda: activation.record_result(
            session, current_user, trajectory, kind=form.kind.data, start=form.start.data, end=form.end.data,
            note=form.note.data), "Het activeringsresultaat is vastgelegd.",
            url_for("trajectories.show", trajectory_id=trajectory_id))
        if done:
            return done
        problem, status = failed
        trajectory = get_trajectory(session, current_user, trajectory_id)
    return render_template("clients/activation.html", trajectory=trajectory, form=form, problem=problem,
                           results=activation.results_of(session, trajectory.id)), status


# ---------------------------------------------------------------- placement changes

@bp.route("/trajecten/<int:trajectory_id>/plaatsingen/<int:placement_id>/wijziging", methods=["GET", "POST"])
@requires_role("provider", "klantmanager")
def placement_change(trajectory_id: int, placement_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    placement = session.scalar(select(Placement).where(Placement.id == placement_id,
                                                       Placement.trajectory_id == trajectory.id))
    if placement is None:
        abort(404)
    form = PlacementChangeForm()
    problem, status = None, 200
    if request.method == "POST":
        done, failed = _run(form, lambda: outflow.record_change(
            session, current_user, trajectory, placement, kind=form.kind.data, changed_on=form.changed_on.data,
            hours_per_week=form.hours_per_week.data, note=form.note.data),
            "De wijziging van de plaatsing is vastgelegd.", url_for("trajectories.show", trajectory_id=trajectory_id))
        if done:
            return done
        problem, status = failed
        trajectory = get_trajectory(session, current_user, trajectory_id)
        placement = session.get(Placement, placement_id)
    check = outflow.durable_check(session, trajectory, placement, clock.today())
    return render_template("clients/placement_change.html", trajectory=trajectory, placement=placement, form=form,
                           problem=problem, check=check), status


# ---------------------------------------------------------------- ESF participant facts

@bp.route("/trajecten/<int:trajectory_id>/esf", methods=["GET", "POST"])
@requires_role("klantmanager")
def esf_facts(trajectory_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    row = session.get(EsfParticipant, trajectory.id)
    form = EsfForm(obj=row) if request.method == "GET" else EsfForm()
    problem, status = None, 200
    if request.method == "POST":
        done, failed = _run(form, lambda: esf.record_esf(
            session, current_user, trajectory, gender=form.gender.data, isced=form.isced.data,
            labour_status=form.labour_status.data, exit_result=form.exit_result.data or None),
            "De ESF-gegevens zijn vastgelegd.", url_for("trajectories.show", trajectory_id=trajectory_id))
        if done:
            return done
        problem, status = failed
        trajectory = get_trajectory(session, current_user, trajectory_id)
    return render_template("clients/esf.html", trajectory=trajectory, form=form, problem=problem), status


# ---------------------------------------------------------------- admin: profiles and durable-outflow terms

@bp.route("/beheer/clientprofielen", methods=["GET", "POST"])
@requires_role("admin")
def profiles():
    session = get_session()
    form = ProfileForm()
    problem, status = None, 200
    if request.method == "POST":
        def add():
            code = (form.code.data or "").strip().lower()
            if session.scalar(select(func.count()).select_from(ClientProfile).where(ClientProfile.code == code)):
                raise FactRefused(f"Code: er is al een profiel met code ‘{code}’.", "code")
            profile = ClientProfile(code=code, name=form.name.data.strip(), description=form.description.data or None,
                                    position=form.position.data or 0, active=True)
            session.add(profile)
            session.flush()
            record(session, current_user, "client_profile.created", "client_profile", profile.id,
                   after=snapshot(profile, "code", "name", "description", "position"))
        done, failed = _run(form, add, "Het cliëntprofiel is toegevoegd.", url_for("clients.profiles"))
        if done:
            return done
        problem, status = failed
    rows = session.scalars(select(ClientProfile).order_by(ClientProfile.position, ClientProfile.code)).all()
    return render_template("clients/profiles.html", form=form, profiles=rows, problem=problem), status


@bp.route("/beheer/contracten/<int:contract_id>/duurzame-uitstroom", methods=["GET", "POST"])
@requires_role("admin")
def durable_terms(contract_id: int):
    session = get_session()
    contract = get_contract(session, current_user, contract_id)
    terms = outflow.terms_of(session, contract)
    form = DurableTermsForm() if request.method == "POST" else DurableTermsForm(
        formdata=None, months=terms.months, benefit_must_end=terms.benefit_must_end)
    problem, status = None, 200
    if request.method == "POST":
        done, failed = _run(form, lambda: outflow.set_terms(session, current_user, contract, months=form.months.data,
                                                            benefit_must_end=form.benefit_must_end.data),
                            "De voorwaarden voor duurzame uitstroom zijn opgeslagen.",
                            url_for("clients.durable_terms", contract_id=contract_id))
        if done:
            return done
        problem, status = failed
        contract = session.get(Contract, contract_id)
    return render_template("clients/durable_terms.html", contract=contract, form=form, problem=problem), status


@bp.route("/clienten/<int:client_id>/gegevens", methods=["GET", "POST"])
@requires_role("klantmanager")
def details(client_id: int):
    """Name and contact details of a client of the klantmanager's municipality (the BSN stays as registered)."""
    session = get_session()
    client = get_client(session, current_user, client_id)
    form = ClientDetailsForm(obj=client)
    if form.validate_on_submit():
        try:
            changed = update_client_details(session, current_user, client, **{
                name: form[name].data for name in ("first_name", "last_name", "phone", "email")})
        except FactRefused as error:
            session.rollback()
            flash(str(error), "error")
        else:
            session.commit()
            flash("De gegevens zijn bewaard." if changed else "Er is niets gewijzigd.", "success")
            return redirect(url_for("trajectories.client", client_id=client.id))
    return render_template("clients/details.html", client=client, form=form), INVALID if form.errors else 200
