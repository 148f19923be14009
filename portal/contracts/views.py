"""Beheer of contracts: a new contract from a form, amendments proposed by admin and decided by a second person."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..access import get_contract, requires_role, scope_contracts, scope_municipalities, same_consortium
from ..db import get_session
from ..models import Consortium, Contract, ContractTermsVersion, Municipality, Provider
from .amendments import approve_amendment, propose_amendment, reject_amendment
from ..trajectories.forms import choices
from .forms import AmendmentForm, DecisionForm, NewContractForm, cap_rows, form_field, terms_form_data
from .service import create_contract, municipalities_of
from .states import AmendmentRefused
from .terms import snapshot_of
from .validation import FieldProblem, TermsInvalid, validate_terms

bp = Blueprint("contracts", __name__, url_prefix="/beheer")


def _show_problems(form, problems: list[FieldProblem]) -> dict[str, list[str]]:
    """Put each problem on its field; problems of a whole section (tranches, staffel, ...) are returned."""
    sections: dict[str, list[str]] = {}
    for problem in problems:
        field = form_field(form, problem.field)
        if field is None:
            continue  # not on this form (code, bureau, segment of an amendment): the summary names it
        if field.type in ("FieldList", "BooleanField") and problem.field in ("tranches", "staffel", "funding",
                                                                              "caps", "has_norm"):
            sections.setdefault(problem.field, []).append(problem.message)
        else:
            field.errors = list(field.errors) + [problem.message]
    return sections


@bp.route("/contracten")
@requires_role("admin", "finance", "reviewer")
def index():
    session = get_session()
    version = ContractTermsVersion
    current = (select(version.contract_id, func.max(version.number).label("number"))
               .where(version.status == "approved").group_by(version.contract_id).subquery())
    waiting = (select(version.contract_id, version.number).where(version.status == "proposed").subquery())
    rows = session.execute(
        select(Contract, Provider.name, current.c.number, waiting.c.number)
        .join(Provider, Provider.id == Contract.provider_id)
        .outerjoin(current, current.c.contract_id == Contract.id)
        .outerjoin(waiting, waiting.c.contract_id == Contract.id)
        .where(Contract.id.in_(scope_contracts(current_user, select(Contract.id)))).order_by(Contract.code)).all()
    return render_template("contracts/index.html", rows=rows)


@bp.route("/contracten/nieuw", methods=["GET", "POST"])
@requires_role("admin")
def new_contract():
    session = get_session()
    # An admin contracts for its own consortium; bureaus are shared master data, any of them may be contracted.
    consortia = session.scalars(select(Consortium).where(same_consortium(Consortium.id, current_user))).all()
    municipalities = [(mu.cbs_code, f"{mu.name} ({mu.cbs_code})") for mu in session.scalars(
        scope_municipalities(current_user).order_by(Municipality.cbs_code))]
    providers = session.scalars(select(Provider).order_by(Provider.name)).all()
    form = NewContractForm(data={"caps": cap_rows(municipalities), "vat_rate": "21"})
    form.consortium.choices = choices((str(c.id), c.name) for c in consortia)
    form.provider.choices = choices(((p.code, p.name) for p in providers), "—")
    problems, sections = [], {}
    if form.validate_on_submit():
        consortium = next((c for c in consortia if str(c.id) == form.consortium.data), None)
        try:
            if consortium is None:
                raise TermsInvalid([FieldProblem("consortium", "Consortium", "kies een consortium")])
            terms = validate_terms(form.data, municipalities=municipalities_of(session, consortium.id),
                                   providers={p.code: p.name for p in providers},
                                   consortium=(consortium.code, consortium.name))
            contract = create_contract(session, current_user, consortium, terms)
        except TermsInvalid as invalid:
            session.rollback()
            problems, sections = invalid.problems, _show_problems(form, invalid.problems)
        else:
            session.commit()
            flash(f"Contract {contract.code} is aangemaakt (versie 1 van de voorwaarden).", "success")
            return redirect(url_for("admin.contract", contract_id=contract.id))
    status = 400 if problems or form.errors else 200
    return render_template("contracts/terms_form.html", form=form, problems=problems, sections=sections,
                           cap_labels=dict(municipalities), contract=None), status


@bp.route("/contracten/<int:contract_id>/wijzigen", methods=["GET", "POST"])
@requires_role("admin")
def propose(contract_id: int):
    session = get_session()
    contract = get_contract(session, current_user, contract_id)
    consortium = session.get(Consortium, contract.consortium_id)
    known = municipalities_of(session, consortium.id)
    municipalities = [(code, f"{name} ({code})") for code, name in known.items()]
    # The contract's columns always hold its current approved version, so the form starts from them.
    form = AmendmentForm(data=terms_form_data(snapshot_of(contract), municipalities))
    problems, sections = [], {}
    if form.validate_on_submit():
        values = dict(form.data, code=contract.code, provider=contract.provider.code, segment=contract.segment)
        try:
            terms = validate_terms(values, municipalities=known,
                                   providers={contract.provider.code: contract.provider.name},
                                   consortium=(consortium.code, consortium.name))
            version = propose_amendment(session, current_user, contract, terms, form.reason.data)
        except TermsInvalid as invalid:
            session.rollback()
            problems, sections = invalid.problems, _show_problems(form, invalid.problems)
        except AmendmentRefused as refused:
            session.rollback()
            problems = [FieldProblem(refused.field or "reason", "Wijziging", str(refused))]
            sections = _show_problems(form, problems) if refused.field else {}
        else:
            session.commit()
            flash(f"Wijziging (versie {version.number}) is voorgesteld; een tweede persoon keurt haar goed.",
                  "success")
            return redirect(url_for("admin.contract", contract_id=contract.id))
    status = 400 if problems or form.errors else 200
    return render_template("contracts/terms_form.html", form=form, problems=problems, sections=sections,
                           cap_labels=dict(municipalities), contract=contract), status


def _version(session, contract_id: int, number: int) -> ContractTermsVersion:
    get_contract(session, current_user, contract_id)
    return session.scalar(select(ContractTermsVersion).where(
        ContractTermsVersion.contract_id == contract_id, ContractTermsVersion.number == number)) or abort(404)


@bp.route("/contracten/<int:contract_id>/versies/<int:number>/goedkeuren", methods=["POST"])
@requires_role("admin", "finance")
def approve(contract_id: int, number: int):
    return _decide(contract_id, number, approve_amendment, "goedgekeurd")


@bp.route("/contracten/<int:contract_id>/versies/<int:number>/afwijzen", methods=["POST"])
@requires_role("admin", "finance")
def reject(contract_id: int, number: int):
    return _decide(contract_id, number, reject_amendment, "afgewezen")


def _decide(contract_id: int, number: int, decide, done: str):
    session = get_session()
    version = _version(session, contract_id, number)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        decide(session, current_user, version, form.note.data)
    except AmendmentRefused as refused:
        session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("admin.contract", contract_id=contract_id), 303)
    session.commit()
    flash(f"Versie {number} van de contractvoorwaarden is {done}.", "success")
    return redirect(url_for("admin.contract", contract_id=contract_id), 303)
