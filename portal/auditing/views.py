"""The auditor's pages: the audit trail (search, timeline, exports) and assurance samples.

The auditor changes nothing in the consortium's data: its only writes are its own samples and
findings, and the record of what personal data it looked at (committed with the page).
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import (audit_object_outside, consortium_of, contract_choices, requires_role, scope_audit_events, scope_samples,
                      scope_trajectories)
from ..audit import chain_head, record
from ..csv_export import csv_text
from ..db import get_session
from ..models import AuditSample, AuditSampleItem, EvidenceFile, MilestoneClaim, Review
from ..models.enums import SEGMENTS
from ..formatting import label
from ..trajectories.forms import choices
from . import viewer
from .forms import EventSearchForm, FindingForm, HandOverForm, SampleForm
from .report import render_sample_pdf
from .sampling import (FINDING_LABELS, METHOD_LABELS, POPULATION_LABELS, SampleRequest, SamplingError,
                       create_sample, evaluate, hand_over, record_finding)

bp = Blueprint("auditing", __name__, url_prefix="/controle")
AUDITOR = "auditor"
INVALID = 422
# Pages that show personal data (names, evidence, the trail's before/after): an auditor's look is recorded.
PERSONAL_DATA_PAGES = frozenset({"trajectories.index", "trajectories.show", "objections.show", "auditing.events",
                                 "auditing.timeline", "auditing.export_csv", "auditing.export_json",
                                 "auditing.sample"})


@bp.after_app_request
def _record_auditors_look(response: Response) -> Response:
    """Record that an auditor looked at personal data, in the page's own transaction."""
    if (request.method == "GET" and request.endpoint in PERSONAL_DATA_PAGES and response.status_code < 400
            and current_user.is_authenticated and current_user.has_role(AUDITOR)):
        session = get_session()
        record(session, current_user, "personal_data.viewed", request.endpoint,
               next(iter((request.view_args or {}).values()), "-"),
               after={"path": request.path, "query": request.query_string.decode()[:500]})
        session.commit()
    return response


# ---------------------------------------------------------------- the audit trail

def _filter(form: EventSearchForm) -> viewer.EventFilter:
    return viewer.EventFilter(object_type=form.type.data or None, object_id=form.object.data or None,
                              actor=form.gebruiker.data or None, action=form.actie.data or None,
                              start=form.van.data, end=form.tot.data)


@bp.get("/audittrail")
@requires_role(AUDITOR)
def events():
    session = get_session()
    form = EventSearchForm(formdata=request.args)
    if not form.validate():
        return (render_template("auditing/events.html", form=form, page=None, flt=None, head=chain_head(session)),
                INVALID)
    flt = _filter(form)
    try:
        page = viewer.search(session, flt, request.args.get("na") or None, base=_visible_events())
    except viewer.BadCursor as error:
        flash(str(error), "error")
        return redirect(url_for("auditing.events", **flt.args()))
    return render_template("auditing/events.html", form=form, page=page, flt=flt, head=chain_head(session),
                           first=not request.args.get("na"))


@bp.get("/audittrail/<object_type>/<object_id>")
@requires_role(AUDITOR)
def timeline(object_type: str, object_id: str):
    session = get_session()
    if audit_object_outside(session, current_user, object_type[:40], object_id[:40]):
        abort(404)  # another consortium's object: nothing leaks that it exists
    events = viewer.timeline(session, object_type[:40], object_id[:40], base=_visible_events())
    return render_template("auditing/timeline.html", object_type=object_type, object_id=object_id,
                           entries=[(e, viewer.changes(e)) for e in events])


def _visible_events():
    """The events of the auditor's consortium (portal.access decides)."""
    return scope_audit_events(current_user, select(*viewer.EVENT_COLUMNS))


def _export_filter() -> viewer.EventFilter:
    form = EventSearchForm(formdata=request.args)
    if not form.validate():
        abort(400)
    return _filter(form)


def _attachment(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body.encode("utf-8"), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/audittrail/export.csv")
@requires_role(AUDITOR)
def export_csv():
    session = get_session()
    events, truncated = viewer.export_events(session, _export_filter(), base=_visible_events())
    rows = [["id", "keten", "tijdstip (UTC)", "gebruiker", "actie", "soort", "object", "voor", "na", "vorige hash",
             "hash"]]
    rows += [[e.id, e.chain_seq, e.occurred_at.isoformat(), e.actor_label, e.action, e.object_type, e.object_id,
              json.dumps(e.before, ensure_ascii=False, sort_keys=True) if e.before is not None else "",
              json.dumps(e.after, ensure_ascii=False, sort_keys=True) if e.after is not None else "",
              e.prev_hash, e.hash] for e in events]
    if truncated:
        rows.append([f"Afgekapt na {viewer.EXPORT_LIMIT} gebeurtenissen: verfijn de zoekvraag."])
    return _attachment(csv_text(rows), "text/csv", "audittrail.csv")


@bp.get("/audittrail/export.json")
@requires_role(AUDITOR)
def export_json():
    session = get_session()
    events, truncated = viewer.export_events(session, _export_filter(), base=_visible_events())
    body = json.dumps({"events": [viewer.export_record(e) for e in events], "truncated": truncated,
                       "limit": viewer.EXPORT_LIMIT}, ensure_ascii=False, indent=1)
    return _attachment(body, "application/json", "audittrail.json")


# ---------------------------------------------------------------- samples

def _sample_form(session, formdata=None) -> SampleForm:
    form = SampleForm(formdata=formdata) if formdata is not None else SampleForm()
    contracts, _ = contract_choices(session, current_user)
    form.contract.choices = choices(((str(i), f"{code} ({name})") for i, code, name in contracts),
                                    "Geen: alle contracten van een segment")
    form.segment.choices = choices(((s, label(s)) for s in SEGMENTS), "—")
    return form


def _samples_page(session, form, status=200, problem=None):
    samples = session.scalars(scope_samples(current_user).options(selectinload(AuditSample.contract))
                              .order_by(AuditSample.id.desc()).limit(100)).all()
    return render_template("auditing/samples.html", form=form, samples=samples, problem=problem,
                           populations=POPULATION_LABELS, methods=METHOD_LABELS), status


@bp.get("/steekproeven")
@requires_role(AUDITOR)
def samples():
    session = get_session()
    return _samples_page(session, _sample_form(session, formdata=None))


@bp.post("/steekproeven")
@requires_role(AUDITOR)
def create():
    session = get_session()
    form = _sample_form(session, formdata=request.form)
    if not form.validate_on_submit():
        return _samples_page(session, form, INVALID)
    sample_request = SampleRequest(
        contract_id=int(form.contract.data) if form.contract.data else None, segment=form.segment.data or None,
        period_start=form.van.data, period_end=form.tot.data, population=form.populatie.data,
        method=form.methode.data, confidence=form.confidence(), tolerable=form.toelaatbaar.data,
        expected=form.verwacht.data, seed=(form.startwaarde.data or "").strip().lower() or None,
        consortium_id=consortium_of(current_user))
    try:
        sample = create_sample(session, current_user, sample_request)
    except SamplingError as error:
        session.rollback()
        return _samples_page(session, form, INVALID, problem=str(error))
    session.commit()
    flash(f"Steekproef {sample.id} is getrokken: {len(sample.items)} posten.", "success")
    return redirect(url_for("auditing.sample", sample_id=sample.id))


def _get_sample(session, sample_id: int) -> AuditSample:
    sample = session.scalar(scope_samples(current_user).where(AuditSample.id == sample_id)
                            .options(selectinload(AuditSample.items), selectinload(AuditSample.contract)))
    if sample is None:
        abort(404)
    return sample


def _get_item(session, sample_id: int, item_id: int) -> AuditSampleItem:
    item = session.scalar(select(AuditSampleItem).where(
        AuditSampleItem.id == item_id, AuditSampleItem.sample_id.in_(scope_samples(current_user, select(
            AuditSample.id)).where(AuditSample.id == sample_id))))
    if item is None:
        abort(404)
    return item


def _render_sample(session, sample: AuditSample, status: int = 200, problem: str | None = None,
                   failed_item: int | None = None, failed_form: FindingForm | None = None):
    claim_ids = [i.claim_id for i in sample.items if i.claim_id is not None]
    evidence: dict[int, list[EvidenceFile]] = {}
    for file in session.scalars(select(EvidenceFile).where(EvidenceFile.claim_id.in_(claim_ids))
                                .order_by(EvidenceFile.id)):
        evidence.setdefault(file.claim_id, []).append(file)
    claims = {c.id: c for c in session.scalars(select(MilestoneClaim).where(MilestoneClaim.id.in_(claim_ids))
                                               .options(selectinload(MilestoneClaim.trajectory)))}
    forms = {}
    for item in sample.items:
        if failed_item == item.id and failed_form is not None:
            forms[item.id] = failed_form
        else:
            forms[item.id] = FindingForm(formdata=None, prefix=f"item{item.id}", bevinding=item.finding or "",
                                         afwijking=item.misstated, toelichting=item.note or "")
    return render_template("auditing/sample.html", sample=sample, evaluation=evaluate(sample), evidence=evidence,
                           claims=claims, forms=forms, handover_form=HandOverForm(formdata=None), problem=problem,
                           failed_item=failed_item, findings=FINDING_LABELS, populations=POPULATION_LABELS,
                           methods=METHOD_LABELS), status


@bp.get("/steekproeven/<int:sample_id>")
@requires_role(AUDITOR)
def sample(sample_id: int):
    session = get_session()
    return _render_sample(session, _get_sample(session, sample_id))


@bp.post("/steekproeven/<int:sample_id>/posten/<int:item_id>")
@requires_role(AUDITOR)
def finding(sample_id: int, item_id: int):
    session = get_session()
    item = _get_item(session, sample_id, item_id)
    form = FindingForm(prefix=f"item{item.id}")
    problem = None
    if form.validate_on_submit():
        try:
            record_finding(session, current_user, item, form.bevinding.data, form.afwijking.data,
                           form.toelichting.data)
            session.commit()
            flash(f"Bevinding bij post {item.position} is vastgelegd.", "success")
            return redirect(url_for("auditing.sample", sample_id=sample_id, _anchor=f"post-{item.position}"))
        except SamplingError as error:
            session.rollback()
            problem = str(error)
    return _render_sample(session, _get_sample(session, sample_id), INVALID, problem or "Controleer de bevinding.",
                          failed_item=item_id, failed_form=form)


@bp.post("/steekproeven/<int:sample_id>/posten/<int:item_id>/overdragen")
@requires_role(AUDITOR)
def hand_over_finding(sample_id: int, item_id: int):
    session = get_session()
    item = _get_item(session, sample_id, item_id)
    if not HandOverForm().validate_on_submit():
        abort(400)
    try:
        hand_over(session, current_user, item)
    except SamplingError as error:
        session.rollback()
        return _render_sample(session, _get_sample(session, sample_id), INVALID, str(error))
    session.commit()
    flash(f"Post {item.position} is overgedragen aan de contractmanagers om de goedkeuring in te trekken.", "success")
    return redirect(url_for("auditing.sample", sample_id=sample_id, _anchor=f"post-{item.position}"))


@bp.get("/steekproeven/<int:sample_id>/rapport.pdf")
@requires_role(AUDITOR)
def report(sample_id: int):
    session = get_session()
    sample = _get_sample(session, sample_id)
    pdf = render_sample_pdf(sample, evaluate(sample))
    record(session, current_user, "audit_sample.reported", "audit_sample", sample.id)
    session.commit()
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="steekproef-{sample.id}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- the reviewer's side

@bp.get("/bevindingen")
@requires_role("reviewer")
def handed_over():
    """Findings the auditors handed over: each links to the claim page where the reviewer revokes."""
    session = get_session()
    rows = session.execute(select(AuditSampleItem, MilestoneClaim, Review)
                           .join(MilestoneClaim, MilestoneClaim.id == AuditSampleItem.claim_id)
                           .outerjoin(Review, Review.id == AuditSampleItem.revocation_review_id)
                           .where(AuditSampleItem.handed_over_at.is_not(None),
                                  MilestoneClaim.id.in_(scope_trajectories(current_user, select(MilestoneClaim.id)
                                                                           .join(MilestoneClaim.trajectory))))
                           .order_by(AuditSampleItem.revocation_review_id.is_not(None), AuditSampleItem.handed_over_at)
                           .limit(200)).all()
    return render_template("auditing/handed_over.html", rows=rows, findings=FINDING_LABELS)


