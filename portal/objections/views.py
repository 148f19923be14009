"""Objections: the bureau objects to a withheld line; the contract manager decides in a queue.

Every view loads its objects through the user's scope (a bureau only its own issued runs
and objections, another bureau's a 404), calls one service function and commits once; a
refusal rolls back and shows the page again with the message.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import contract_choices, get_objection, requires_role, scope_runs
from ..audit import record
from ..db import get_session
from ..evidence.storage import read_upload
from ..hardening import database_id, sealed_file
from ..models import MilestoneClaim, Objection, ObjectionAttachment, Review, SettlementLine, SettlementRun, User
from ..statements.queries import LINE_STATUS
from ..storage import get_storage
from ..trajectories.forms import choices as select_choices
from .forms import DECISIONS, DecisionForm, ObjectionForm
from .queries import my_objections, objection_queue
from .service import (AMENDMENT_NEEDED, CHOSEN_CORRECTION, CORRECTED_FIELD, MIN_MOTIVATION, ObjectionError,
                      attachments_of,
                      choices_for, correction_for, decide_objection, file_objection, objectable, open_objection,
                      remaining_problem)
from .states import STATUS_LABELS, allowed_actions

bp = Blueprint("objections", __name__)



def get_line(session: Session, user: User, line_id: int) -> SettlementLine:
    """Load a settlement line through the user's run scope (a bureau: its own issued runs), or 404."""
    query = scope_runs(user, select(SettlementLine).join(SettlementLine.run)).where(SettlementLine.id == line_id)
    line = session.scalar(query)
    if line is None:
        abort(404)
    return line


# ---------------------------------------------------------------- the bureau

@bp.get("/bezwaren/nieuw/<int:line_id>")
@requires_role("provider")
def new(line_id: int):
    session = get_session()
    return _render_new(session, get_line(session, current_user, line_id), ObjectionForm(formdata=None))


@bp.post("/bezwaren/nieuw/<int:line_id>")
@requires_role("provider")
def create(line_id: int):
    session = get_session()
    line = get_line(session, current_user, line_id)
    form = ObjectionForm()
    if not form.validate_on_submit():
        return _render_new(session, line, form), 400
    try:
        objection = file_objection(session, current_user, line, form.motivation.data,
                                   attachments=[read_upload(f.filename, f.stream) for f in (form.attachments.data or [])
                                                if f and f.filename], storage=get_storage())
    except ObjectionError as error:
        session.rollback()
        if getattr(error, "field", None) == "attachments":
            form.attachments.errors = [str(error)]
        else:
            flash(str(error), "error")
        return _render_new(session, line, form), error.status
    session.commit()
    flash(f"Uw bezwaar tegen regel {line.milestone_ref} ({line.tranche_code}) is ingediend. "
          f"De contractmanager beslist erover.", "success")
    return redirect(url_for("objections.show", objection_id=objection.id))


@bp.get("/bezwaren/<int:objection_id>/bijlagen/<int:attachment_id>")
@requires_role("reviewer", "provider", "auditor")
def attachment(objection_id: int, attachment_id: int):
    """Download an objection's attachment, through the objection's scope (another tenant's: 404); recorded."""
    session = get_session()
    objection = get_objection(session, current_user, objection_id)
    file = session.scalar(select(ObjectionAttachment).where(ObjectionAttachment.id == attachment_id,
                                                            ObjectionAttachment.objection_id == objection.id))
    if file is None:
        abort(404)
    data = b"".join(get_storage().chunks(session, file.sha256))
    if not data:
        abort(404)
    record(session, current_user, "objection_attachment.downloaded", "objection", objection.id,
           after={"attachment": file.id})
    session.commit()
    return sealed_file(Response(data, mimetype=file.content_type), file.filename)


def _render_new(session: Session, line: SettlementLine, form: ObjectionForm):
    existing = open_objection(session, line.claim_id, line.tranche_code) if line.claim_id is not None else None
    return render_template("objections/new.html", line=line, run=line.run, contract=line.run.contract, form=form,
                           can_object=objectable(line) and existing is None, existing=existing,
                           min_motivation=MIN_MOTIVATION, line_status=LINE_STATUS,
                           statement_url=_statement_url(line.run_id))


@bp.get("/bezwaren/mijn")
@requires_role("provider")
def mine():
    session = get_session()
    page = my_objections(session, current_user, page=request.args.get("page", 1, type=database_id),
                         per_page=current_app.config["PAGE_SIZE"])
    return render_template("objections/mine.html", page=page, status_labels=STATUS_LABELS)


# ---------------------------------------------------------------- the contract manager

@bp.get("/bezwaren")
@requires_role("reviewer", "auditor")
def queue():
    session = get_session()
    status = request.args.get("status") or None
    filters = {"contract": request.args.get("contract", type=database_id),
               "bureau": request.args.get("bureau", type=database_id),
               "status": status if status in STATUS_LABELS else None}
    page = objection_queue(session, current_user, contract_id=filters["contract"], provider_id=filters["bureau"],
                           status=filters["status"], page=request.args.get("page", 1, type=database_id),
                           per_page=current_app.config["PAGE_SIZE"])
    contracts, providers = contract_choices(session, current_user)
    args = {k: v for k, v in filters.items() if v is not None}
    return render_template("objections/queue.html", page=page, filters=filters, contracts=contracts,
                           providers=providers, args=args, status_labels=STATUS_LABELS)


@bp.get("/bezwaren/<int:objection_id>")
@requires_role("reviewer", "provider", "auditor")
def show(objection_id: int):
    session = get_session()
    return _render_objection(session, get_objection(session, current_user, objection_id))


@bp.post("/bezwaren/<int:objection_id>/besluit")
@requires_role("reviewer")
def decide(objection_id: int):
    session = get_session()
    objection = get_objection(session, current_user, objection_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_objection(session, objection, form), 400
    # Lock the objection, so that of two simultaneous decisions the second meets a decided objection.
    session.execute(select(Objection).where(Objection.id == objection.id).with_for_update()
                    .execution_options(populate_existing=True))
    try:
        decide_objection(session, current_user, objection, uphold=form.uphold,
                         reason=form.reason.data, corrected_date=form.corrected_date.data,
                         choice=form.correction.data or None)
    except ObjectionError as error:
        session.rollback()
        flash(str(error), "error")
        return _render_objection(session, objection, form), error.status
    warning = remaining_problem(session.get(MilestoneClaim, objection.claim_id)) if (
        form.uphold and objection.reason_objected in CORRECTED_FIELD) else None
    session.commit()
    corrected = form.uphold and (objection.reason_objected in CORRECTED_FIELD
                                 or objection.reason_objected in CHOSEN_CORRECTION)
    flash(f"Het bezwaar is {STATUS_LABELS[objection.status].lower()} verklaard."
          + (" De correctie is als nieuwe versie vastgelegd; de volgende afrekening rekent ermee."
             if corrected and warning is None else ""), "success")
    if warning:
        flash(warning, "warning")
    return redirect(url_for("objections.queue"))


def _render_objection(session: Session, objection: Objection, form: DecisionForm | None = None):
    line = objection.settlement_line
    run: SettlementRun = line.run
    claim = session.get(MilestoneClaim, objection.claim_id)
    reviewer = current_user.has_role("reviewer")
    history = session.execute(select(Review, User.name).outerjoin(User, User.id == Review.reviewer_id)
                              .where(Review.claim_id == claim.id).order_by(Review.decided_at, Review.id)).all()
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(
        [i for i in (objection.created_by_id, objection.decided_by_id) if i is not None]))).all())
    correction = correction_for(objection, claim) if reviewer else None
    choices = choices_for(session, objection, claim) if reviewer and objection.status == "open" else []
    days = run.contract.submission_deadline_days
    deadline = claim.date + timedelta(days=days) if days is not None else None
    if form is None:
        form = DecisionForm(formdata=None)
    if correction is not None:
        form.corrected_date.label.text = correction.label
    form.correction.choices = select_choices((c.value, c.label) for c in choices)
    return render_template(
        "objections/show.html", objection=objection, line=line, run=run, contract=run.contract, claim=claim,
        attachments=attachments_of(session, objection),
        trajectory=claim.trajectory, deadline=deadline, history=history, names=names, form=form, reviewer=reviewer,
        can_decide=reviewer and bool(allowed_actions(objection.status)),
        own_objection=objection.created_by_id == current_user.id, correction=correction,
        choices=choices, chosen_correction=objection.reason_objected in CHOSEN_CORRECTION,
        amendment_needed=objection.reason_objected in AMENDMENT_NEEDED,
        contract_url=_contract_url(run.contract_id), decisions=DECISIONS,
        status_labels=STATUS_LABELS, line_status=LINE_STATUS, claim_url=_claim_url(claim.id) if reviewer else None,
        statement_url=None if reviewer else _statement_url(run.id))


def _claim_url(claim_id: int) -> str | None:
    """Link to the claim's review page once the review area provides one."""
    if "review.claim" not in current_app.view_functions:
        return None
    return url_for("review.claim", claim_id=claim_id)


def _contract_url(contract_id: int) -> str:
    """The contract page in Beheer, where an amendment of the terms is proposed."""
    return url_for("admin.contract", contract_id=contract_id)


def _statement_url(run_id: int) -> str | None:
    if "statements.show" not in current_app.view_functions:
        return None
    return url_for("statements.show", run_id=run_id)
