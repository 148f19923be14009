"""Results pages: a bureau's own results, the consortium dashboard, creaming, volume and money, the council report.

Every page reads the user's contracts through portal.access; figures come from the services
(which call the settlement engine); nothing is written except the admin's budgets.
"""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from .. import clock
from .. import models as m
from ..access import (RESULTS_ROLES, contract_choices, requires_role, results_municipality, scope_bureau_contracts,
                      scope_municipalities, scope_result_contracts)
from ..csv_export import csv_text
from ..db import get_session
from .bureau import bureau_results
from .cache import commit_after_get
from .charts import svg_data_uri
from .creaming import CLOSEST_TO_WORK, MIN_PER_SIDE, MIN_RESULTS, creaming as creaming_view
from .dashboard import dashboard, group_rows, selected_contracts
from .filters import PERIOD, Filters, parse_filters, period_range
from ..trajectories.forms import choices
from .forms import BudgetForm
from .report import build_report, csv_tables, render_report_pdf, report_period
from .service import results_for
from .timeline import bureau_name, cohort_chart, quarter_charts
from .volume import cap_rows, money_rows, set_budget

bp = Blueprint("results", __name__, url_prefix="/resultaten")


@bp.record_once
def _commit_results_cache(state) -> None:
    """Any page that filled the results cache on a GET (results, dashboard, a bureau's start page) keeps it."""
    @state.app.after_request
    def _after(response: Response) -> Response:
        session = g.get("db_session")
        if session is not None:
            commit_after_get(session, request.method, response.status_code)
        return response
INVALID = 400
COHORT_STATUS = {"pending": "Nog niet definitief", "met": "Norm gehaald", "not_met": "Norm niet gehaald"}


def _allowed_contracts(session) -> set[int]:
    return set(session.scalars(scope_result_contracts(current_user)))


def consortium_filters() -> Filters:
    """The request's filters; a klantmanager's are always limited to their own municipality."""
    filters = parse_filters(request.args)
    forced = results_municipality(current_user)
    return filters.with_municipality(forced) if forced is not None else filters


def default_segment(session) -> str | None:
    """The segment with the most contracts (directe bemiddeling in the consortium's set-up)."""
    return session.scalar(select(m.Contract.segment).where(m.Contract.id.in_(scope_result_contracts(current_user)))
                          .group_by(m.Contract.segment)
                          .order_by(func.count().desc(), m.Contract.segment).limit(1))


def filter_choices(session) -> dict:
    """Options of the filter form (a klantmanager sees only their own municipality)."""
    forced = results_municipality(current_user)
    municipalities = scope_municipalities(current_user, select(m.Municipality.id, m.Municipality.name)).order_by(
        m.Municipality.name)
    if forced is not None:
        municipalities = municipalities.where(m.Municipality.id == forced)
    contracts, providers = contract_choices(session, current_user, scope_result_contracts(current_user))
    return {
        "contracts": contracts,
        "providers": providers,
        "municipalities": session.execute(municipalities).all(),
        "municipality_fixed": forced is not None,
    }


@bp.route("/mijn")
@requires_role("provider")
def mine():
    session = get_session()
    filters = parse_filters(request.args)
    own = set(session.scalars(scope_bureau_contracts(current_user)))
    views = bureau_results(session, own, filters.as_of) if not filters.errors else []
    return render_template("results/mine.html", views=views, filters=filters, cohort_status=COHORT_STATUS), (
        INVALID if filters.errors else 200)


@bp.route("")
@requires_role(*RESULTS_ROLES)
def index():
    session = get_session()
    filters = consortium_filters()
    if not (filters.segment or filters.all_segments or filters.contract or filters.bureau or filters.errors):
        # A dashboard per segment: the first one with competing bureaus, unless the user chose.
        filters = replace(filters, segment=default_segment(session))
    segments = [] if filters.errors else dashboard(session, filters, _allowed_contracts(session))
    charts, groups = {}, {}
    for segment in segments:
        groups[segment.segment] = [("Per doelgroep", "Doelgroep", group_rows(segment, filters, "target_group")),
                                   ("Per uitkering", "Uitkering", group_rows(segment, filters, "benefit"))]
        built = quarter_charts(segment)
        cohorts = cohort_chart(segment)
        if cohorts is not None:
            built.append(cohorts)
        charts[segment.segment] = [(chart, svg_data_uri(chart)) for chart in built]
    return render_template("results/dashboard.html", segments=segments, charts=charts, groups=groups, filters=filters,
                           cohort_status=COHORT_STATUS, **filter_choices(session)), (
        INVALID if filters.errors else 200)


@bp.route("/creaming")
@requires_role(*RESULTS_ROLES)
def creaming():
    session = get_session()
    filters = consortium_filters()
    mixes = [] if filters.errors else creaming_view(session, filters, _allowed_contracts(session))
    return render_template("results/creaming.html", mixes=mixes, filters=filters, closest=sorted(CLOSEST_TO_WORK),
                           min_results=MIN_RESULTS, min_per_side=MIN_PER_SIDE, **filter_choices(session)), (
        INVALID if filters.errors else 200)


@bp.route("/volume")
@requires_role(*RESULTS_ROLES)
def volume():
    session = get_session()
    filters = consortium_filters()
    year = int(filters.period[:4]) if filters.period else filters.as_of.year
    caps, money = [], []
    if not filters.errors:
        everything = results_for(session, selected_contracts(session, filters, _allowed_contracts(session)),
                                 filters.as_of)
        caps = cap_rows(session, everything, filters.municipality)
        money = money_rows(session, everything, year, filters.municipality)
    return render_template("results/volume.html", caps=caps, money=money, year=year, filters=filters,
                           **filter_choices(session)), (INVALID if filters.errors else 200)


@bp.route("/budgetten", methods=["GET", "POST"])
@requires_role("admin")
def budgets():
    session = get_session()
    form = BudgetForm()
    municipalities = session.scalars(scope_municipalities(current_user).order_by(m.Municipality.name)).all()
    form.municipality_id.choices = choices(((mu.id, mu.name) for mu in municipalities), "Kies een gemeente")
    if request.method == "GET":
        form.year.data = clock.today().year
    status = 200
    if request.method == "POST":
        status = INVALID
        if form.validate_on_submit():
            municipality = next(mu for mu in municipalities if mu.id == form.municipality_id.data)
            set_budget(session, current_user, municipality, form.year.data, form.amount.data)
            session.commit()
            flash(f"Budget {form.year.data} van {municipality.name} is opgeslagen.", "success")
            return redirect(url_for("results.budgets"))
    rows = session.execute(select(m.MunicipalityBudget.year, m.Municipality.name, m.MunicipalityBudget.amount)
                           .join(m.Municipality, m.Municipality.id == m.MunicipalityBudget.municipality_id)
                           .where(m.Municipality.id.in_(scope_municipalities(current_user, select(m.Municipality.id))))
                           .order_by(m.MunicipalityBudget.year.desc(), m.Municipality.name)).all()
    return render_template("results/budgets.html", form=form, rows=rows), status


def _report():
    period = (request.args.get("periode") or "").strip()
    if period and not PERIOD.match(period):
        return None, "Periode: gebruik een jaar (2026) of een kwartaal (2026-K3)."
    period = report_period(period or None)
    if period_range(period)[0] > clock.today():
        return None, "Periode: deze periode is nog niet begonnen."
    session = get_session()
    return build_report(session, period, _allowed_contracts(session), results_municipality(current_user)), None


@bp.route("/raadsrapportage")
@requires_role(*RESULTS_ROLES)
def report():
    report_, error = _report()
    uris = {} if report_ is None else {chart.key: svg_data_uri(chart) for chart in report_.charts}
    filters = parse_filters({})
    return render_template("results/report.html", report=report_, error=error, chart_uris=uris,
                           bureau_name=bureau_name, filters=filters,
                           tables=[] if report_ is None else list(csv_tables(report_))), (INVALID if error else 200)


@bp.route("/raadsrapportage.pdf")
@requires_role(*RESULTS_ROLES)
def report_pdf():
    report_, error = _report()
    if report_ is None:
        abort(400)
    return Response(render_report_pdf(report_), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="raadsrapportage-{report_.period}.pdf"'})


@bp.route("/raadsrapportage/<name>.csv")
@requires_role(*RESULTS_ROLES)
def report_csv(name: str):
    report_, error = _report()
    if report_ is None:
        abort(400)
    table = csv_tables(report_).get(name)
    if table is None:
        abort(404)
    header, rows = table
    return Response(csv_text([header, *rows]), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="raadsrapportage-{report_.period}-{name}.csv"'})
