"""Pages of the klantmanager and the bureau: clients, referrals, the trajectory list and page, plans and claims.

Every view loads its objects through the user's scope (portal.access), calls one service
function, and commits once; a refusal rolls back and shows the form again with the message.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..access import (STAFF_ROLES, consortium_of, get_client, get_trajectory, requires_role, scope_municipalities,
                      scope_trajectories)
from ..audit import record
from ..hardening import database_id
from ..db import get_session
from ..evidence.storage import EvidenceRefused, read_upload
from ..storage import get_storage
from ..formatting import label
from ..models import Client, ClientProfile, Contract, MilestoneClaim, Municipality, Trajectory
from . import service
from .claims import PlacementFacts, claimable_types, register_placement, submit_claim
from .clients import ClientExists, register_client, reveal_bsn
from ..privacy.lookups import NEUTRAL, LookupThrottled, look_up
from ..clients.panels import trajectory_panel
from ..clients.referral import record_referral_facts
from ..clients.service import active_profiles
from ..csv_export import csv_lines
from .export import export_rows
from .forms import (AcceptForm, BsnSearchForm, ClaimForm, ClientForm, DeclineForm, EndForm, ListFilterForm,
                    PlacementForm, PlanApproveForm, PlanForm, PlanReturnForm, ReferralForm, choices)
from .listing import ListFilters, display_ref, list_trajectories
from ..models.enums import END_REASONS
from .progress import next_steps, timeline
from .referral import NOT_PAID, VolumeConfirmationNeeded, referable_contracts, refer_client, referral_outlook
from .states import TrajectoryError, allowed, plan_allowed

bp = Blueprint("trajectories", __name__)

LIST_ROLES = ("provider", "klantmanager") + STAFF_ROLES
REFUSALS = (TrajectoryError, EvidenceRefused)
INVALID = 422


@bp.app_template_filter("ref")
def _display_ref(ref: str | None) -> str:
    return display_ref(ref)


def _refused(form, error: Exception) -> str | None:
    """Put a service refusal next to its field; return it when it belongs to no field."""
    field = getattr(error, "field", None) or ("files" if isinstance(error, EvidenceRefused) else None)
    if form is not None and field and field in form:
        form[field].errors = list(form[field].errors) + [str(error)]
        return None
    return str(error)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- the list

def _filters_from(form: ListFilterForm) -> ListFilters:
    return ListFilters(status=form.status.data or None, segment=form.segment.data or None,
                       municipality_id=form.municipality.data or None, target_group=form.target_group.data or None,
                       benefit=form.benefit.data or None, profile=form.profile.data or None,
                       waiting=bool(form.waiting.data), work=form.work.data or None, q=(form.q.data or "").strip() or None,
                       sort=form.sort.data or "ref", descending=form.direction.data == "desc")


def _filter_form() -> ListFilterForm:
    form = ListFilterForm(formdata=request.args)
    municipalities = select(Municipality.id, Municipality.name).order_by(Municipality.name)
    if current_user.has_role("klantmanager") and not current_user.has_role("provider", *STAFF_ROLES):
        municipalities = municipalities.where(Municipality.id == current_user.municipality_id)  # only its own
    elif consortium_of(current_user) is not None:  # staff: their consortium's (a bureau: all)
        municipalities = scope_municipalities(current_user, municipalities)
    municipalities = get_session().execute(municipalities)
    form.municipality.choices = choices(((m.id, m.name) for m in municipalities), "Alle")
    profiles = get_session().execute(select(ClientProfile.code, ClientProfile.name)
                                     .order_by(ClientProfile.position, ClientProfile.name))
    form.profile.choices = choices(((p.code, p.name) for p in profiles), "Alle")
    return form


@bp.route("/trajecten")
@requires_role(*LIST_ROLES)
def index():
    form = _filter_form()
    valid = form.validate()
    filters = _filters_from(form) if valid else ListFilters()
    page_number = request.args.get("page", 1, type=database_id) or 1
    page = list_trajectories(get_session(), current_user, filters, page=page_number,
                             size=current_app.config["PAGE_SIZE"])
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("trajectories/list.html", form=form, page=page, args=args), 200 if valid else 400


@bp.route("/trajecten/export.csv")
@requires_role("provider", "klantmanager")
def export():
    form = _filter_form()
    filters = _filters_from(form) if form.validate() else ListFilters()
    session = get_session()
    # The export holds client names: who exported what is recorded.
    owner = (("provider", current_user.provider_id) if current_user.has_role("provider")
             else ("municipality", current_user.municipality_id))
    record(session, current_user, "trajectory.exported", *owner,
           after={"filters": {k: v for k, v in vars(filters).items() if v}})
    session.commit()
    # The body is streamed after the request has ended, so it reads through a session of its own.
    database, user = current_app.extensions["database"], current_user._get_current_object()

    def lines():
        with database.session_factory() as export_session:
            yield from csv_lines(export_rows(export_session, user, filters))

    filename = f"trajecten-{clock.today():%Y-%m-%d}.csv"
    response = Response(lines(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return _no_store(response)


@bp.route("/aanmeldingen")
@requires_role("provider")
def inbox():
    session = get_session()
    referrals = session.scalars(scope_trajectories(current_user).where(Trajectory.status == "referred")
                                .options(selectinload(Trajectory.client), selectinload(Trajectory.contract),
                                         selectinload(Trajectory.municipality))
                                .order_by(Trajectory.referred_on, Trajectory.id)).all()
    return render_template("trajectories/inbox.html", referrals=referrals)


# ---------------------------------------------------------------- one trajectory

def _render_trajectory(trajectory: Trajectory, status: int = 200, problem: str | None = None, **forms):
    session = get_session()
    claims = session.scalars(select(MilestoneClaim).where(MilestoneClaim.trajectory_id == trajectory.id)
                             .options(selectinload(MilestoneClaim.reviews), selectinload(MilestoneClaim.evidence),
                                      selectinload(MilestoneClaim.placement))
                             .order_by(MilestoneClaim.date, MilestoneClaim.id)).all()
    today = clock.today()
    is_bureau = current_user.has_role("provider") and current_user.provider_id == trajectory.provider_id
    is_klantmanager = (current_user.has_role("klantmanager")
                       and current_user.municipality_id == trajectory.municipality_id)
    forms.setdefault("accept_form", AcceptForm(formdata=None, start=today))
    forms.setdefault("decline_form", DeclineForm(formdata=None))
    forms.setdefault("approve_form", PlanApproveForm(formdata=None))
    forms.setdefault("return_form", PlanReturnForm(formdata=None))
    html = render_template("trajectories/detail.html", trajectory=trajectory, entries=timeline(trajectory, claims),
                           steps=next_steps(trajectory, claims, today), today=today, is_bureau=is_bureau,
                           is_klantmanager=is_klantmanager, allowed=allowed, plan_allowed=plan_allowed,
                           can_claim=is_bureau and trajectory.status in ("accepted", "active", "ended"),
                           problem=problem, client_panel=trajectory_panel(session, current_user, trajectory, today),
                           **forms)
    return html, status


@bp.route("/trajecten/<int:trajectory_id>")
@requires_role(*LIST_ROLES)
def show(trajectory_id: int):
    return _render_trajectory(get_trajectory(get_session(), current_user, trajectory_id))


def _act(trajectory: Trajectory, form_name: str, form, action, message: str):
    """Run one service action in the request's transaction; show the page again on a refusal."""
    session = get_session()
    if not form.validate_on_submit():
        return _render_trajectory(trajectory, INVALID, **{form_name: form})
    try:
        action()
    except REFUSALS as error:
        session.rollback()
        problem = _refused(form, error)
        trajectory = get_trajectory(session, current_user, trajectory.id)
        return _render_trajectory(trajectory, getattr(error, "status", INVALID), problem, **{form_name: form})
    session.commit()
    flash(message, "success")
    return redirect(url_for("trajectories.show", trajectory_id=trajectory.id))


@bp.route("/trajecten/<int:trajectory_id>/accepteren", methods=["POST"])
@requires_role("provider")
def accept(trajectory_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    form = AcceptForm()
    return _act(trajectory, "accept_form", form,
                lambda: service.accept_referral(session, current_user, trajectory, start=form.start.data),
                "De aanmelding is geaccepteerd.")


@bp.route("/trajecten/<int:trajectory_id>/weigeren", methods=["POST"])
@requires_role("provider")
def decline(trajectory_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    form = DeclineForm()
    return _act(trajectory, "decline_form", form,
                lambda: service.decline_referral(session, current_user, trajectory, reason=form.reason.data),
                "De aanmelding is geweigerd; de klantmanager ziet de reden.")


@bp.route("/trajecten/<int:trajectory_id>/plan/goedkeuren", methods=["POST"])
@requires_role("klantmanager")
def approve_plan(trajectory_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    return _act(trajectory, "approve_form", PlanApproveForm(),
                lambda: service.approve_plan(session, current_user, trajectory), "Het trajectplan is goedgekeurd.")


@bp.route("/trajecten/<int:trajectory_id>/plan/terugsturen", methods=["POST"])
@requires_role("klantmanager")
def return_plan(trajectory_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    form = PlanReturnForm()
    return _act(trajectory, "return_form", form,
                lambda: service.return_plan(session, current_user, trajectory, feedback=form.feedback.data),
                "Het trajectplan is teruggestuurd naar het re-integratiebedrijf.")


def _form_page(template: str, trajectory: Trajectory, form, action, message: str, **context):
    """A page with one form for one action on a trajectory: GET shows it, POST runs the action."""
    session = get_session()
    status, problem = 200, None
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                action()
            except REFUSALS as error:
                session.rollback()
                problem = _refused(form, error)
                status = getattr(error, "status", INVALID)
                trajectory = get_trajectory(session, current_user, trajectory.id)
            else:
                session.commit()
                flash(message, "success")
                return redirect(url_for("trajectories.show", trajectory_id=trajectory.id))
        else:
            status = INVALID
    return render_template(template, trajectory=trajectory, form=form, problem=problem, **context), status


@bp.route("/trajecten/<int:trajectory_id>/plan", methods=["GET", "POST"])
@requires_role("provider")
def plan(trajectory_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    form = PlanForm(text=trajectory.plan_text)
    return _form_page("trajectories/plan.html", trajectory, form,
                      lambda: service.submit_plan(session, current_user, trajectory, text=form.text.data),
                      "Het trajectplan is ingediend bij de klantmanager.")


@bp.route("/trajecten/<int:trajectory_id>/beeindigen", methods=["GET", "POST"])
@requires_role("klantmanager")
def end(trajectory_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    form = EndForm()
    neutral = {e.end_reason for e in trajectory.contract.excluded_end_reasons}
    form.reason.choices = choices(((r, label(r) + (" (neutraal voor de norm)" if r in neutral else ""))
                                   for r in END_REASONS), "Kies een reden")
    return _form_page("trajectories/end.html", trajectory, form,
                      lambda: service.end_trajectory(session, current_user, trajectory, end=form.end.data,
                                                     reason=form.reason.data, note=form.note.data),
                      "Het traject is beëindigd.")


def _uploads(form) -> list:
    return [read_upload(f.filename, f.stream) for f in (form.files.data or []) if f and f.filename]


@bp.route("/trajecten/<int:trajectory_id>/declareren", methods=["GET", "POST"])
@requires_role("provider")
def claim(trajectory_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    form = ClaimForm()
    form.type.choices = choices(((t, label(t)) for t in claimable_types(trajectory)), "Kies een mijlpaal")
    placements = trajectory.placements
    form.placement_id.choices = choices(((p.id, f"{p.employer_name}, vanaf {p.start_date:%d-%m-%Y}")
                                         for p in placements), "Geen")
    if request.method == "GET":
        form.happened.data = clock.today()
    placement = next((p for p in placements if p.id == form.placement_id.data), None)
    return _form_page("trajectories/claim.html", trajectory, form,
                      lambda: submit_claim(session, current_user, trajectory, type=form.type.data,
                                           happened=form.happened.data, uploads=_uploads(form),
                                           evidence_kind=form.evidence_kind.data, note=form.note.data,
                                           placement=placement,
                                           storage=get_storage()),
                      "De mijlpaal is gedeclareerd; de contractmanager beoordeelt hem.")


@bp.route("/trajecten/<int:trajectory_id>/plaatsing", methods=["GET", "POST"])
@requires_role("provider")
def placement(trajectory_id: int):
    session = get_session()
    trajectory = get_trajectory(session, current_user, trajectory_id)
    form = PlacementForm()
    if request.method == "GET":
        form.evidence_kind.data = "employment_contract"

    def act():
        facts = PlacementFacts(employer_name=form.employer_name.data, employer_kvk=form.employer_kvk.data or None,
                               start_date=form.start_date.data, contract_type=form.contract_type.data,
                               hours_per_week=form.hours_per_week.data, gross_wage=form.gross_wage.data,
                               benefit_ends=form.benefit_ends.data)
        register_placement(session, current_user, trajectory, facts, uploads=_uploads(form),
                           evidence_kind=form.evidence_kind.data, note=form.note.data,
                           storage=get_storage())

    return _form_page("trajectories/placement.html", trajectory, form, act,
                      "De plaatsing is geregistreerd en gedeclareerd.")


# ---------------------------------------------------------------- clients and referral (klantmanager)

@bp.route("/aanmelden", methods=["GET", "POST"])
@requires_role("klantmanager")
def find_client():
    """Find a client by BSN (posted, never in a URL); an unknown BSN leads to registration. Audited and limited."""
    form = BsnSearchForm()
    status = 200
    if request.method == "POST":
        status = INVALID
        if form.validate_on_submit():
            session = get_session()
            try:
                found = look_up(session, current_user, form.bsn.data, "search")
            except LookupThrottled as error:
                form.bsn.errors, status = [str(error)], error.status
            else:
                if found.outcome == "own":
                    session.commit()
                    return redirect(url_for("trajectories.client", client_id=found.client.id))
                if found.outcome == "elsewhere":
                    form.bsn.errors = [NEUTRAL]
                else:
                    session.commit()
                    new = ClientForm(formdata=None, bsn=found.bsn)
                    flash("Er is nog geen cliënt met dit BSN. Registreer de cliënt.", "info")
                    return _no_store(Response(render_template("trajectories/client_new.html", form=new)))
            session.commit()  # the look-up (or its refusal) is counted and audited
    return _no_store(Response(render_template("trajectories/client_search.html", form=form), status))


@bp.route("/clienten/nieuw", methods=["GET", "POST"])
@requires_role("klantmanager")
def new_client():
    form = ClientForm()
    status = 200
    if request.method == "POST":
        status = INVALID
        if form.validate_on_submit():
            session = get_session()
            try:
                found = look_up(session, current_user, form.bsn.data, "registration")
            except LookupThrottled as error:
                session.commit()
                form.bsn.errors = [str(error)]
                return _no_store(Response(render_template("trajectories/client_new.html", form=form), error.status))
            if found.outcome == "own":
                session.commit()
                flash("Deze cliënt was al geregistreerd.", "info")
                return redirect(url_for("trajectories.client", client_id=found.client.id))
            if found.outcome == "elsewhere":
                session.commit()
                form.bsn.errors = [NEUTRAL]
            else:
                try:
                    client = register_client(session, current_user, bsn=found.bsn,
                                             municipality_id=current_user.municipality_id,
                                             first_name=form.first_name.data.strip(),
                                             last_name=form.last_name.data.strip(), birth_date=form.birth_date.data,
                                             target_group=form.target_group.data, benefit=form.benefit.data)
                except ClientExists:
                    # Registered by someone else between the look-up and now: the same neutral answer.
                    session.rollback()
                    form.bsn.errors = [NEUTRAL]
                else:
                    session.commit()
                    flash(f"Cliënt {client.ref} is geregistreerd.", "success")
                    return redirect(url_for("trajectories.client", client_id=client.id))
    return _no_store(Response(render_template("trajectories/client_new.html", form=form), status))


def _render_client(client: Client, bsn: str | None = None):
    trajectories = get_session().scalars(
        select(Trajectory).where(Trajectory.client_id == client.id)
        .options(selectinload(Trajectory.contract).selectinload(Contract.provider))
        .order_by(Trajectory.referred_on.desc(), Trajectory.id.desc())).all()
    return _no_store(Response(render_template("trajectories/client.html", client=client, bsn=bsn,
                                              trajectories=trajectories)))


@bp.route("/clienten/<int:client_id>")
@requires_role("klantmanager")
def client(client_id: int):
    return _render_client(get_client(get_session(), current_user, client_id))


@bp.route("/clienten/<int:client_id>/bsn", methods=["POST"])
@requires_role("klantmanager")
def reveal(client_id: int):
    """Show the full BSN once, and record that this user saw it."""
    session = get_session()
    client = get_client(session, current_user, client_id)
    bsn = reveal_bsn(session, current_user, client)
    session.commit()
    return _render_client(client, bsn)


@bp.route("/clienten/<int:client_id>/aanmelden", methods=["GET", "POST"])
@requires_role("klantmanager")
def refer(client_id: int):
    session = get_session()
    client = get_client(session, current_user, client_id)
    today = clock.today()
    form = ReferralForm()
    form.profile.choices = choices(((p.code, p.name) for p in active_profiles(session)), "Geen profiel")
    contracts = referable_contracts(session, client.municipality_id)
    form.contract_id.choices = choices(
        ((c.id, f"{label(c.segment)} — {c.provider.name} ({c.code}, {c.start:%d-%m-%Y} t/m {c.end:%d-%m-%Y})")
         for c in contracts), "Kies een contract")
    if request.method == "GET":
        form.referred_on.data = today
    status, problem, warnings = 200, None, []
    if request.method == "POST":
        status = INVALID
        if form.validate_on_submit():
            contract = next(c for c in contracts if c.id == form.contract_id.data)  # the choices are these
            try:
                trajectory = refer_client(session, current_user, client, contract,
                                          referred_on=form.referred_on.data, note=form.note.data,
                                          confirm_over_volume=form.confirm_over_volume.data)
                record_referral_facts(session, current_user, client, trajectory, profile=form.profile.data,
                                      ladder_rung=form.ladder_rung.data, gender=form.gender.data,
                                      isced=form.isced.data, labour_status=form.labour_status.data)
            except VolumeConfirmationNeeded as error:
                session.rollback()
                warnings = error.warnings + [NOT_PAID]  # say what it means: the bureau is not paid
            except REFUSALS as error:
                session.rollback()
                problem = _refused(form, error)
            else:
                session.commit()
                flash(f"{client.ref} is aangemeld bij {contract.provider.name} ({trajectory.ref}).", "success")
                return redirect(url_for("trajectories.show", trajectory_id=trajectory.id))
            client = get_client(session, current_user, client_id)
            contracts = referable_contracts(session, client.municipality_id)
    return render_template("trajectories/refer.html", client=client, form=form, problem=problem,
                           warnings=warnings, contracts=contracts,
                           outlook=referral_outlook(session, contracts, client)), status
