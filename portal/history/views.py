"""The diff between runs (finance, and a bureau for its own contracts) and the corrections since the last run."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access import requires_role, scope_contracts, scope_runs
from ..audit import record
from ..csv_export import csv_text
from ..db import get_session
from ..finance.facts import load_contract
from ..formatting import label
from ..models import Contract, SettlementRun
from ..statements.queries import LINE_STATUS
from ..trajectories.forms import parse_nl_date
from .corrections import corrections_since
from .diff import FIELD_LABELS, DiffRefused, compare, diff_rows

bp = Blueprint("history", __name__)

CSV_HEADER = ["Declaratie", "Tranche", "Traject", "Oude status", "Oud bedrag", "Oude reden", "Nieuwe status",
              "Nieuw bedrag", "Nieuwe reden", "Waarom"]


def _parse(session: Session) -> tuple[dict, dict, object]:
    """Read the query (contract, from, to, as_of) through the user's scope; return (values, errors, comparison)."""
    values = {k: (request.args.get(k) or "").strip() for k in ("contract", "from", "to", "as_of")}
    errors: dict[str, str] = {}
    contracts = session.scalars(scope_contracts(current_user).order_by(Contract.code)).all()
    contract = next((c for c in contracts if c.code == values["contract"]), None)
    if values["contract"] and contract is None:
        abort(404)  # another bureau's contract, or none: nothing leaks that it exists
    runs = []
    if contract is not None:
        runs = session.scalars(scope_runs(current_user, select(SettlementRun))
                               .where(SettlementRun.contract_id == contract.id)
                               .order_by(SettlementRun.as_of, SettlementRun.id)).all()
    context = {"values": values, "contracts": contracts, "contract": contract, "runs": runs, "errors": errors}
    if contract is None or not values["from"]:
        return context, errors, None
    by_id = {str(r.id): r for r in runs}
    old = by_id.get(values["from"])
    if old is None:
        errors["from"] = "Kies een afrekening van dit contract om mee te vergelijken."
    new, as_of = None, None
    if values["to"] != "preview":
        new = by_id.get(values["to"])
        if new is None:
            errors["to"] = "Kies een afrekening van dit contract, of ‘nieuw voorbeeld’."
    else:
        try:
            as_of = parse_nl_date(values["as_of"])
        except ValueError:
            errors["as_of"] = "Peildatum: vul een geldige datum in (dd-mm-jjjj)."
    if errors:
        return context, errors, None
    try:
        comparison = compare(session, load_contract(session, contract.code), old, new, as_of)
    except DiffRefused as error:
        errors["to"] = str(error)
        return context, errors, None
    return context, errors, comparison


@bp.get("/afrekeningen/verschil")
@requires_role("finance", "provider")
def diff():
    session = get_session()
    context, errors, comparison = _parse(session)
    old, new, lines = comparison if comparison else (None, None, [])
    return render_template("history/diff.html", old=old, new=new, lines=lines, line_status=LINE_STATUS,
                           **context), 400 if errors else 200


@bp.get("/afrekeningen/verschil.csv")
@requires_role("finance", "provider")
def diff_csv():
    session = get_session()
    context, errors, comparison = _parse(session)
    if comparison is None:
        return render_template("history/diff.html", old=None, new=None, lines=[], line_status=LINE_STATUS,
                               **context), 400
    rows = [CSV_HEADER] + [[r["milestone"], r["tranche"], r["trajectory"], label(r["old_status"]),
                            _amount(r["old_amount"]), label(r["old_reason"]), label(r["new_status"]),
                            _amount(r["new_amount"]), label(r["new_reason"]), r["why"]]
                           for r in diff_rows(comparison[2])]
    contract = context["contract"]
    record(session, current_user, "settlement_run.diff_exported", "contract", contract.id,
           after={"from": context["values"]["from"], "to": context["values"]["to"]})
    session.commit()
    response = Response(csv_text(rows).encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="verschil-{contract.code}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _amount(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@bp.get("/afrekeningen/correcties")
@requires_role("finance")
def corrections():
    """Per contract: the corrections recorded since its last issued run."""
    session = get_session()
    contracts = session.scalars(scope_contracts(current_user).order_by(Contract.code)).all()
    last = dict(session.execute(select(SettlementRun.contract_id, func.max(SettlementRun.approved_at))
                                .where(SettlementRun.status == "issued").group_by(SettlementRun.contract_id)).all())
    found = corrections_since(session, [c.id for c in contracts], last)
    return render_template("history/corrections.html", contracts=contracts, found=found, last=last,
                           field_labels={**FIELD_LABELS, "review": "besluit"})
