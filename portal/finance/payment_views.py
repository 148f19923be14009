"""Finance pages about money coming in: the ageing overview and bank statements (CAMT.053) with their entries.

Registered on the finance blueprint; every page loads through the user's scope (portal.access),
every change is one service call and one commit, and a refusal shows the page again with the message.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from .. import clock
from ..access import requires_role, scope_bank_statements
from ..db import get_session
from ..models import BankEntry, BankStatement, Invoice, Payment
from .ageing import BUCKETS, ageing
from .bank import BankRefused, book_entry, ignore_entry, import_statement
from .forms import BookEntryForm, IgnoreEntryForm, StatementUploadForm
from .views import INVALID, bp


@bp.get("/facturen/ouderdom")
@requires_role("finance", "auditor")
def ageing_page():
    overview = ageing(get_session(), current_user, clock.today())
    return render_template("finance/ageing.html", overview=overview, buckets=BUCKETS)


def _statements_page(form: StatementUploadForm, status: int = 200):
    session = get_session()
    statements = session.execute(
        scope_bank_statements(current_user, select(BankStatement, func.count(BankEntry.id).label("entries"),
                                                   func.count(BankEntry.id).filter(
                                                       BankEntry.status == "unmatched").label("unmatched")))
        .outerjoin(BankEntry, BankEntry.statement_id == BankStatement.id)
        .group_by(BankStatement.id).order_by(BankStatement.imported_at.desc(), BankStatement.id.desc())
        .limit(100)).all()
    return render_template("finance/bank_statements.html", form=form, statements=statements), status


@bp.get("/bankafschriften")
@requires_role("finance", "auditor")
def bank_statements():
    return _statements_page(StatementUploadForm(formdata=None))


@bp.post("/bankafschriften")
@requires_role("finance")
def import_bank_statement():
    session = get_session()
    form = StatementUploadForm()
    if not form.validate_on_submit():
        return _statements_page(form, INVALID)
    try:
        result = import_statement(session, current_user, form.file.data.read())
    except BankRefused as refusal:
        session.rollback()
        form.file.errors = [str(refusal)]
        return _statements_page(form, INVALID)
    session.commit()
    flash(f"Afschrift ingelezen: {result.booked} geboekt, {result.unmatched} wachten op een besluit"
          + (f", {result.known} al eerder ingelezen (niet opnieuw geboekt)" if result.known else "") + ".", "success")
    return redirect(url_for("finance.bank_statement", statement_id=result.statement.id))


def _get_statement(session, statement_id: int) -> BankStatement:
    statement = session.scalar(scope_bank_statements(current_user).where(BankStatement.id == statement_id))
    if statement is None:
        abort(404)
    return statement


def _statement_page(statement: BankStatement, status: int = 200, **forms):
    session = get_session()
    entries = session.execute(select(BankEntry, Invoice.display_number, Payment.amount)
                              .outerjoin(Invoice, Invoice.id == BankEntry.invoice_id)
                              .outerjoin(Payment, Payment.id == BankEntry.payment_id)
                              .where(BankEntry.statement_id == statement.id).order_by(BankEntry.id)).all()
    return render_template(
        "finance/bank_statement.html", statement=statement, entries=entries, failed=forms.get("failed"),
        book_form=forms.get("book_form") or BookEntryForm(formdata=None),
        ignore_form=forms.get("ignore_form") or IgnoreEntryForm(formdata=None),
        can_decide=current_user.has_role("finance")), status


@bp.get("/bankafschriften/<int:statement_id>")
@requires_role("finance", "auditor")
def bank_statement(statement_id: int):
    return _statement_page(_get_statement(get_session(), statement_id))


def _decide_entry(entry_id: int, form, form_name: str, action, done: str):
    session = get_session()
    entry = session.scalar(scope_bank_statements(current_user, select(BankEntry))
                           .join(BankStatement, BankStatement.id == BankEntry.statement_id)
                           .where(BankEntry.id == entry_id))
    if entry is None:
        abort(404)
    if not form.validate_on_submit():
        return _statement_page(entry.statement, INVALID, failed=entry.id, **{form_name: form})
    try:
        action(session, entry)
    except BankRefused as refusal:
        session.rollback()
        if refusal.field and hasattr(form, refusal.field):
            getattr(form, refusal.field).errors = [str(refusal)]
            return _statement_page(entry.statement, INVALID, failed=entry.id, **{form_name: form})
        flash(str(refusal), "error")
        return _statement_page(entry.statement, 409, failed=entry.id, **{form_name: form})
    session.commit()
    flash(done, "success")
    return redirect(url_for("finance.bank_statement", statement_id=entry.statement_id) + f"#boeking-{entry.id}")


@bp.post("/bankafschriften/boekingen/<int:entry_id>/boeken")
@requires_role("finance")
def book_bank_entry(entry_id: int):
    form = BookEntryForm()
    return _decide_entry(entry_id, form, "book_form",
                         lambda session, entry: book_entry(session, current_user, entry, form.invoice_number.data),
                         "De boeking is als betaling geregistreerd.")


@bp.post("/bankafschriften/boekingen/<int:entry_id>/negeren")
@requires_role("finance")
def ignore_bank_entry(entry_id: int):
    form = IgnoreEntryForm()
    return _decide_entry(entry_id, form, "ignore_form",
                         lambda session, entry: ignore_entry(session, current_user, entry, form.reason.data),
                         "De boeking is opzijgezet; de reden is vastgelegd.")
