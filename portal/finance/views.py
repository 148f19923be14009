"""Finance pages: settlement runs (preview, draft, four eyes, issue), invoices with payments, downloads, exports.

Every view loads its objects through the user's scope (portal.access), calls one service
function and commits once; a refusal rolls back and shows the page again with the Dutch
message. Invoice pages and downloads are also for the bureau, on its own documents only.
"""
from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from math import ceil

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from .. import clock
from ..access import get_contract, requires_role, scope_contracts, scope_invoices, scope_municipalities, scope_runs
from ..audit import record
from ..db import get_session
from ..formatting import euro, nl_date
from ..hardening import sealed_file
from ..models import (Contract, CreditNoteCorrection, Invoice, Municipality, Payment, Provider,
                      SettlementRun, User)
from . import exports
from ..csv_export import csv_text
from .exports import LINE_STATUS
from .facts import load_contract
from .forms import (EsfExportForm, InvoiceFilterForm, PaymentForm, PreviewForm, ReturnForm, RunActionForm,
                    RunFilterForm, StartRunForm, choices)
from .issuing import check_approvable
from ..jobs import runner as jobs
from .payments import AlreadyRecorded, PaymentRefused, record_payment
from .line_filter import lines_panel
from .presenters import COHORT_STATUS, ZERO, preview_view, run_view
from .runs import (OPEN_STATES, discard_run, evaluate_run, last_issued_as_of, return_run,
                   start_run, submit_run)
from .states import RunRefused

bp = Blueprint("finance", __name__)

CONFLICT = 409
INVALID = 400
# Who may open an invoice or credit note and download it; a bureau only its own (scope_invoices).
DOCUMENT_ROLES = ("finance", "admin", "reviewer", "provider", "auditor")

# ---------------------------------------------------------------- lists

@dataclass(frozen=True)
class Page:
    rows: list
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.size))


def _paginate(session: Session, query: Select, order_by: list) -> Page:
    size = current_app.config["PAGE_SIZE"]
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = min(max(1, request.args.get("page", 1, type=int) or 1), max(1, ceil(total / size)))
    rows = session.execute(query.order_by(*order_by).offset((number - 1) * size).limit(size)).all()
    return Page(rows, total, number, size)


def _contract_choices(session: Session, empty: str | None, key: str = "id"):
    rows = session.execute(scope_contracts(current_user, select(Contract.id, Contract.code, Provider.name))
                           .join(Provider, Provider.id == Contract.provider_id).order_by(Contract.code))
    return choices(((str(cid) if key == "id" else code, f"{code} ({provider})") for cid, code, provider in rows),
                   empty)


def _args(form) -> dict:
    """The filter's query arguments without the empty ones (for the pager and 'clear filters')."""
    return {name: value for name, value in request.args.items() if name != "page" and value and name in form}


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- settlement runs

@bp.get("/afrekeningen")
@requires_role("finance", "auditor")
def runs():
    session = get_session()
    form = RunFilterForm(formdata=request.args)
    form.contract.choices = _contract_choices(session, "Alle contracten")
    valid = form.validate()
    preparer, approver = aliased(User), aliased(User)
    query = (select(SettlementRun, Contract.code.label("contract_code"), Provider.name.label("provider_name"),
                    preparer.name.label("preparer_name"), approver.name.label("approver_name"))
             .join(Contract, Contract.id == SettlementRun.contract_id)
             .join(Provider, Provider.id == Contract.provider_id)
             .join(preparer, preparer.id == SettlementRun.prepared_by_id)
             .outerjoin(approver, approver.id == SettlementRun.approved_by_id))
    query = scope_runs(current_user, query)
    if valid and form.contract.data:
        query = query.where(SettlementRun.contract_id == form.contract.data)
    if valid and form.status.data:
        query = query.where(SettlementRun.status == form.status.data)
    if valid and form.mine.data:
        query = query.where(SettlementRun.prepared_by_id == current_user.id)
    page = _paginate(session, query, [SettlementRun.prepared_at.desc(), SettlementRun.id.desc()])
    return render_template("finance/runs.html", form=form, page=page, args=_args(form)), 200 if valid else INVALID


def _load_contract(session: Session, contract_code: str):
    """Load a contract's settlement facts by code, through the user's scope, or 404."""
    contract = load_contract(session, contract_code)
    if contract is None:
        abort(404)
    get_contract(session, current_user, contract.id)
    return contract


def _preview_context(session: Session, contract_code: str, as_of: date) -> dict:
    contract = _load_contract(session, contract_code)
    result, run_result = evaluate_run(session, contract, as_of)
    open_run = session.scalar(select(SettlementRun).where(SettlementRun.contract_id == contract.id,
                                                          SettlementRun.status.in_(OPEN_STATES)))
    view = preview_view(session, result, run_result)
    panel = lines_panel(view.lines, request.args, keep={"contract": contract_code, "peildatum": nl_date(as_of)})
    return {"contract": contract, "as_of": as_of, "view": view, "panel": panel,
            "open_run": open_run, "last_issued": last_issued_as_of(session, contract.id)}


def _render_new_run(form: PreviewForm, status: int = 200, **context):
    return render_template("finance/new_run.html", form=form, line_status=LINE_STATUS, cohort_status=COHORT_STATUS,
                           **context), status


@bp.get("/afrekeningen/nieuw")
@requires_role("finance")
def new_run():
    session = get_session()
    asked = bool(request.args)
    form = PreviewForm(formdata=request.args if asked else None, peildatum=clock.today())
    form.contract.choices = _contract_choices(session, "Kies een contract", key="code")
    if not asked:
        return _render_new_run(form)
    if not form.validate():
        return _render_new_run(form, INVALID)
    context = _preview_context(session, form.contract.data, form.peildatum.data)
    return _render_new_run(form, INVALID if context["panel"].filter.errors else 200, **context)


@bp.post("/afrekeningen/nieuw")
@requires_role("finance")
def create_run():
    session = get_session()
    start_form = StartRunForm()
    form = PreviewForm(formdata=None, contract=start_form.contract.data, peildatum=start_form.peildatum.data
                       or clock.today())
    form.contract.choices = _contract_choices(session, "Kies een contract", key="code")
    if not start_form.validate_on_submit():
        for name in ("contract", "peildatum"):
            form[name].errors = list(start_form[name].errors)
        if "csrf_token" in start_form.errors:
            flash("Het formulier was verlopen. Toon het voorbeeld opnieuw en sla het dan op.", "error")
        return _render_new_run(form, INVALID)
    contract = _load_contract(session, start_form.contract.data)
    try:
        run = start_run(session, current_user, contract, start_form.peildatum.data)
    except RunRefused as error:
        session.rollback()
        flash(str(error), "error")
        return _render_new_run(form, CONFLICT, **_preview_context(session, contract.code, start_form.peildatum.data))
    session.commit()
    flash(f"De afrekening is als concept opgeslagen: {len(run.lines)} regels, deze afrekening "
          f"{euro(run.total_delta)}. Dien haar in als u haar hebt gecontroleerd.", "success")
    return redirect(url_for("finance.run", run_id=run.id))


def _get_run(session: Session, run_id: int) -> SettlementRun:
    run = session.scalar(scope_runs(current_user).where(SettlementRun.id == run_id))
    if run is None:
        abort(404)
    return run


def _render_run(session: Session, run: SettlementRun, status: int = 200, **forms):
    names = dict(session.execute(select(User.id, User.name).where(
        User.id.in_([i for i in (run.prepared_by_id, run.approved_by_id) if i is not None]))).all())
    forms.setdefault("action_form", RunActionForm(formdata=None))
    forms.setdefault("return_form", ReturnForm(formdata=None))
    is_preparer = current_user.id == run.prepared_by_id
    acts = current_user.has_role("finance")  # an auditor reads the run and changes nothing
    view = run_view(session, run)
    panel = lines_panel(view.lines, request.args)
    if panel.filter.errors and status == 200:
        status = INVALID
    return render_template(
        "finance/run.html", run=run, contract=run.contract, view=view, panel=panel, names=names,
        is_preparer=is_preparer, can_submit=run.status == "draft" and is_preparer,
        can_decide=acts and run.status == "submitted" and not is_preparer,
        can_discard=acts and run.status in ("draft", "returned"),
        line_status=LINE_STATUS, cohort_status=COHORT_STATUS, **forms), status


@bp.get("/afrekeningen/<int:run_id>")
@requires_role("finance", "auditor")
def run(run_id: int):
    session = get_session()
    return _render_run(session, _get_run(session, run_id))


def _act(run_id: int, action, form=None, form_name: str = "action_form"):
    """Validate, act through the service, commit once; a refusal rolls back and shows the run with its message."""
    session = get_session()
    settlement_run = _get_run(session, run_id)
    form = form if form is not None else RunActionForm()
    if not form.validate_on_submit():
        return _render_run(session, settlement_run, INVALID, **{form_name: form})
    try:
        done = action(session, settlement_run, form)
    except RunRefused as error:
        session.rollback()
        flash(str(error), "error")
        return _render_run(session, _get_run(session, run_id), CONFLICT, **{form_name: form})
    session.commit()
    flash(done, "success")
    return redirect(url_for("finance.run", run_id=run_id))


@bp.post("/afrekeningen/<int:run_id>/indienen")
@requires_role("finance")
def submit(run_id: int):
    def action(session, settlement_run, _form):
        submit_run(session, current_user, settlement_run)
        return "De afrekening is ingediend. Een andere medewerker van Financiën keurt haar goed of stuurt haar terug."
    return _act(run_id, action)


@bp.post("/afrekeningen/<int:run_id>/goedkeuren")
@requires_role("finance")
def approve(run_id: int):
    """Approve as a job (issuing and rendering many documents): inline on SQLite, else by a worker with progress."""
    session = get_session()
    settlement_run = _get_run(session, run_id)
    form = RunActionForm()
    if not form.validate_on_submit():
        return _render_run(session, settlement_run, INVALID)
    subject = f"settlement_run:{settlement_run.id}"
    running = jobs.open_job(session, subject)
    if running is not None:
        flash("Deze afrekening wordt al goedgekeurd.", "info")
        return redirect(url_for("jobs.show", job_id=running.id))
    try:
        check_approvable(settlement_run, current_user)
    except RunRefused as error:
        flash(str(error), "error")
        return _render_run(session, settlement_run, CONFLICT)
    job = jobs.start(session, current_user, "approve_run", title=f"Afrekening {settlement_run.contract.code} "
                     f"per {nl_date(settlement_run.as_of)} goedkeuren", params={"run_id": settlement_run.id},
                     subject=subject, shared_with_role="finance")
    jobs.dispatch(session, job)
    session.commit()
    if job.status == "done":
        flash(job.result["message"], "success")
        return redirect(url_for("finance.run", run_id=run_id))
    if job.status == "failed" and job.attempts:
        flash(job.error, "error")
        return _render_run(session, _get_run(session, run_id), CONFLICT)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.post("/afrekeningen/<int:run_id>/terugsturen")
@requires_role("finance")
def send_back(run_id: int):
    def action(session, settlement_run, form):
        return_run(session, current_user, settlement_run, form.reason.data)
        return "De afrekening is teruggestuurd naar de opsteller."
    return _act(run_id, action, ReturnForm(), "return_form")


@bp.post("/afrekeningen/<int:run_id>/vervallen")
@requires_role("finance")
def discard(run_id: int):
    def action(session, settlement_run, _form):
        discard_run(session, current_user, settlement_run)
        return "De afrekening is vervallen. Er is niets gefactureerd."
    return _act(run_id, action)


@bp.get("/afrekeningen/<int:run_id>/export.csv")
@requires_role("finance", "auditor")
def run_export(run_id: int):
    session = get_session()
    settlement_run = _get_run(session, run_id)
    text = csv_text(exports.run_rows(session, settlement_run))
    record(session, current_user, "settlement_run.exported", "settlement_run", settlement_run.id)
    session.commit()
    return _csv(text, exports.run_filename(settlement_run.contract.code, settlement_run))


def _csv(text: str, filename: str) -> Response:
    response = Response(text.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response)


# ---------------------------------------------------------------- invoices and credit notes

@bp.get("/facturen")
@requires_role("finance", "auditor")
def invoices():
    session = get_session()
    form = InvoiceFilterForm(formdata=request.args)
    form.contract.choices = _contract_choices(session, "Alle contracten")
    form.municipality.choices = choices(((str(i), name) for i, name in session.execute(
        scope_municipalities(current_user, select(Municipality.id, Municipality.name)).order_by(Municipality.name))),
        "Alle gemeenten")
    form.bureau.choices = choices(((str(i), name) for i, name in session.execute(
        select(Provider.id, Provider.name).where(Provider.id.in_(scope_contracts(current_user, select(
            Contract.provider_id)))).order_by(Provider.name))), "Alle bureaus")
    valid = form.validate()
    payments = (select(Payment.invoice_id, func.sum(Payment.amount).label("paid"))
                .group_by(Payment.invoice_id).subquery())
    paid = func.coalesce(payments.c.paid, 0)
    query = (select(Invoice.id, Invoice.display_number, Invoice.kind, Invoice.issue_date, Invoice.due_date, Invoice.total,
                    Municipality.name.label("municipality"), Provider.name.label("provider"),
                    Contract.code.label("contract_code"), paid.label("paid"))
             .join(Municipality, Municipality.id == Invoice.municipality_id)
             .join(Provider, Provider.id == Invoice.provider_id)
             .join(Contract, Contract.id == Invoice.contract_id)
             .outerjoin(payments, payments.c.invoice_id == Invoice.id))
    query = scope_invoices(current_user, query)
    if valid:
        if form.contract.data:
            query = query.where(Invoice.contract_id == form.contract.data)
        if form.municipality.data:
            query = query.where(Invoice.municipality_id == form.municipality.data)
        if form.bureau.data:
            query = query.where(Invoice.provider_id == form.bureau.data)
        if form.kind.data:
            query = query.where(Invoice.kind == form.kind.data)
        if form.open.data == "open":
            query = query.where(Invoice.total != paid)
        elif form.open.data == "paid":
            query = query.where(Invoice.total == paid)
        elif form.open.data == "overdue":
            query = query.where(Invoice.total != paid, Invoice.due_date < clock.today())
    page = _paginate(session, query, [Invoice.issue_date.desc(), Invoice.id.desc()])
    return render_template("finance/invoices.html", form=form, page=page, args=_args(form),
                           today=clock.today()), 200 if valid else INVALID


def _get_invoice(session: Session, invoice_id: int) -> Invoice:
    invoice = session.scalar(scope_invoices(current_user).where(Invoice.id == invoice_id))
    if invoice is None:
        abort(404)
    return invoice


def _frozen_view(frozen: dict) -> dict:
    """The frozen copy with its dates as dates (it stores them as ISO strings), for the template."""
    view = dict(frozen)
    for key in ("issue_date", "due_date", "period_as_of"):
        if view.get(key):
            view[key] = date.fromisoformat(view[key])
    view["lines"] = [dict(line, milestone_date=date.fromisoformat(line["milestone_date"])
                          if line.get("milestone_date") else None) for line in frozen.get("lines") or ()]
    return view


def _render_invoice(session: Session, invoice: Invoice, status: int = 200, payment_form: PaymentForm | None = None):
    scoped = scope_invoices(current_user, select(Invoice.id, Invoice.display_number, Invoice.kind))
    corrects = session.execute(scoped.join(CreditNoteCorrection,
                                           CreditNoteCorrection.corrected_invoice_id == Invoice.id)
                               .where(CreditNoteCorrection.credit_note_id == invoice.id)
                               .order_by(Invoice.issue_date, Invoice.id)).all()
    corrected_by = session.execute(scoped.join(CreditNoteCorrection,
                                               CreditNoteCorrection.credit_note_id == Invoice.id)
                                   .where(CreditNoteCorrection.corrected_invoice_id == invoice.id)
                                   .order_by(Invoice.issue_date, Invoice.id)).all()
    payments = session.execute(select(Payment, User.name).outerjoin(User, User.id == Payment.recorded_by_id)
                               .where(Payment.invoice_id == invoice.id)
                               .order_by(Payment.paid_on, Payment.id)).all()
    paid = sum((p.amount for p, _ in payments), ZERO)
    can_pay = current_user.has_role("finance")
    if can_pay and payment_form is None:
        payment_form = PaymentForm(formdata=None, paid_on=clock.today(), submission_key=str(uuid.uuid4()))
    linked = {number for _id, number, _kind in corrects}
    back = None
    if current_user.has_role("finance"):
        back = (url_for("finance.invoices"), "Terug naar de facturen")
    elif current_user.has_role("provider") and "statements.index" in current_app.view_functions:
        back = (url_for("statements.index"), "Terug naar mijn afrekeningen")
    return render_template(
        "finance/invoice.html", invoice=invoice, doc=_frozen_view(invoice.frozen), corrects=corrects,
        unlinked_corrects=[n for n in invoice.frozen.get("corrects") or () if n not in linked],
        corrected_by=corrected_by, payments=payments, paid=paid, outstanding=invoice.total - paid,
        can_pay=can_pay, payment_form=payment_form, line_status=LINE_STATUS,
        is_staff=current_user.has_role("finance", "admin", "reviewer"), back=back), status


@bp.get("/facturen/<int:invoice_id>")
@requires_role(*DOCUMENT_ROLES)
def invoice(invoice_id: int):
    session = get_session()
    return _render_invoice(session, _get_invoice(session, invoice_id))


def _download(invoice: Invoice, body: bytes, sha256: str, mimetype: str, extension: str) -> Response:
    """Send the stored bytes exactly as issued (never rendered again), as an attachment with their hash."""
    if hashlib.sha256(body).hexdigest() != sha256:
        current_app.logger.error("stored %s of invoice %s does not match its SHA-256", extension, invoice.id)
        abort(500)
    response = sealed_file(Response(body, mimetype=mimetype))
    response.headers["Content-Disposition"] = f'attachment; filename="{invoice.display_number}.{extension}"'
    response.set_etag(sha256)
    response.headers["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode()}:"
    return response


@bp.get("/facturen/<int:invoice_id>/pdf")
@requires_role(*DOCUMENT_ROLES)
def invoice_pdf(invoice_id: int):
    invoice = _get_invoice(get_session(), invoice_id)
    return _download(invoice, invoice.pdf, invoice.pdf_sha256, "application/pdf", "pdf")


@bp.get("/facturen/<int:invoice_id>/ubl")
@requires_role(*DOCUMENT_ROLES)
def invoice_ubl(invoice_id: int):
    invoice = _get_invoice(get_session(), invoice_id)
    return _download(invoice, invoice.ubl, invoice.ubl_sha256, "application/xml", "xml")


@bp.post("/facturen/<int:invoice_id>/betalingen")
@requires_role("finance")
def add_payment(invoice_id: int):
    session = get_session()
    document = _get_invoice(session, invoice_id)
    form = PaymentForm()
    if not form.validate_on_submit():
        return _render_invoice(session, document, INVALID, form)
    try:
        payment = record_payment(session, current_user, document, paid_on=form.paid_on.data,
                                 amount=form.amount.data, reference=form.reference.data,
                                 submission_key=form.submission_key.data)
        session.commit()
    except (AlreadyRecorded, IntegrityError):
        session.rollback()
        flash("Deze betaling was al geregistreerd (het formulier is twee keer verstuurd); er is niets dubbel "
              "geboekt.", "info")
        return redirect(url_for("finance.invoice", invoice_id=invoice_id))
    except PaymentRefused as error:
        session.rollback()
        if error.field in form:
            form[error.field].errors = list(form[error.field].errors) + [str(error)]
        else:
            flash(str(error), "error")
        return _render_invoice(session, _get_invoice(session, invoice_id), INVALID, form)
    flash(f"Betaling van {euro(payment.amount)} op {nl_date(payment.paid_on)} is geregistreerd.", "success")
    return redirect(url_for("finance.invoice", invoice_id=invoice_id))


# ---------------------------------------------------------------- exports

@bp.get("/exports")
@requires_role("finance")
def exports_page():
    session = get_session()
    form = EsfExportForm(formdata=None)
    form.contract.choices = _contract_choices(session, "Kies een contract", key="code")
    return render_template("finance/exports.html", form=form)


@bp.get("/exports/esf.csv")
@requires_role("finance")
def esf_export():
    session = get_session()
    form = EsfExportForm(formdata=request.args)
    form.contract.choices = _contract_choices(session, "Kies een contract", key="code")
    if not form.validate():
        return render_template("finance/exports.html", form=form), INVALID
    contract = session.scalar(scope_contracts(current_user).where(Contract.code == form.contract.data))
    if contract is None:
        abort(404)
    text = csv_text(exports.esf_rows(session, contract, period_start=form.van.data,
                                             period_end=form.tot.data))
    # The report lists participants (pseudonymously): who exported what is recorded.
    record(session, current_user, "contract.esf_exported", "contract", contract.id,
           after={"from": form.van.data, "to": form.tot.data})
    session.commit()
    return _csv(text, exports.esf_filename(contract.code, form.van.data, form.tot.data))


from . import payment_views  # noqa: E402,F401  (registers the ageing and bank statement pages on this blueprint)
