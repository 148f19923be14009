"""Endpoints for a bureau's token: referrals, plan, claims with evidence, placements, money, objections."""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..access import get_objection, get_trajectory, scope_bureau_contracts, scope_invoices, scope_objections, \
    scope_trajectories
from ..db import get_session
from ..evidence.storage import EvidenceRefused
from ..storage import get_storage
from ..finance.views import _download
from ..models import Invoice, Objection, SettlementRun, Trajectory
from ..objections.service import file_objection, objectable
from ..objections.states import ObjectionError
from ..objections.views import get_line
from ..results.service import load_contracts, results_for
from ..statements.queries import get_statement_run, own_issued_runs, run_documents, statement
from ..trajectories import service
from ..trajectories.claims import PlacementFacts, register_placement, submit_claim
from ..trajectories.states import TrajectoryError
from . import cursors, schemas as s
from .framework import ApiProblem, endpoint, refused
from .views_shared import trajectory_detail

BUREAU = ("provider",)
REFUSALS = (TrajectoryError, EvidenceRefused, ObjectionError)
ZERO = Decimal("0.00")


def _act(action):
    """Run a service call; its refusal becomes a problem (the request's transaction is rolled back)."""
    try:
        return action()
    except REFUSALS as error:
        raise refused(error) from None


@endpoint("/referrals", "GET", tenants=BUREAU, scope="read", tag="Aanmeldingen", response=s.TrajectoryOut, many=True,
          summary="Nieuwe aanmeldingen (de inbox)")
def list_referrals(user):
    """Referrals waiting for the bureau's answer, oldest first."""
    return get_session().scalars(scope_trajectories(user).where(Trajectory.status == "referred")
                                 .options(selectinload(Trajectory.client))
                                 .order_by(Trajectory.referred_on, Trajectory.id)).all()


@endpoint("/referrals/<int:trajectory_id>/accept", "POST", tenants=BUREAU, scope="write", tag="Aanmeldingen",
          body=s.AcceptIn, response=s.TrajectoryOut, conflicts=True, summary="Aanmelding accepteren")
def accept_referral(user, trajectory_id, body):
    """Accept a referral: the trajectory starts on `start`."""
    trajectory = get_trajectory(get_session(), user, trajectory_id)
    return _act(lambda: service.accept_referral(get_session(), user, trajectory, start=body["start"]))


@endpoint("/referrals/<int:trajectory_id>/decline", "POST", tenants=BUREAU, scope="write", tag="Aanmeldingen",
          body=s.DeclineIn, response=s.TrajectoryOut, conflicts=True, summary="Aanmelding weigeren met reden")
def decline_referral(user, trajectory_id, body):
    """Decline a referral with a reason the klantmanager reads."""
    trajectory = get_trajectory(get_session(), user, trajectory_id)
    return _act(lambda: service.decline_referral(get_session(), user, trajectory, reason=body["reason"]))


@endpoint("/trajectories/<int:trajectory_id>/plan", "POST", tenants=BUREAU, scope="write", tag="Trajecten",
          body=s.PlanIn, response=s.TrajectoryOut, conflicts=True, summary="Trajectplan indienen")
def submit_plan(user, trajectory_id, body):
    """Submit the plan (again, after it was returned) for the klantmanager's approval."""
    trajectory = get_trajectory(get_session(), user, trajectory_id)
    return _act(lambda: service.submit_plan(get_session(), user, trajectory, text=body["text"]))


@endpoint("/trajectories/<int:trajectory_id>/claims", "POST", tenants=BUREAU, scope="write", tag="Declaraties",
          body=s.ClaimIn, files=True, response=s.ClaimOut, status=201,
          summary="Mijlpaal declareren met bewijs (ook opnieuw na afwijzing)",
          description="Multipart: de velden en één of meer bestanden in `files` (PDF, PNG of JPEG, op inhoud "
                      "gecontroleerd zoals in het portaal). Na een afwijzing declareert u dezelfde mijlpaal opnieuw; "
                      "de nieuwe declaratie wordt opnieuw beoordeeld.")
def create_claim(user, trajectory_id, body, uploads):
    """Claim a milestone with evidence files (multipart `files`, checked by content as in the portal).

    After a rejection the same milestone can be claimed again: the new claim is reviewed afresh.
    """
    session = get_session()
    trajectory = get_trajectory(session, user, trajectory_id)
    placement = next((p for p in trajectory.placements if p.id == body["placement_id"]), None)
    claim = _act(lambda: submit_claim(session, user, trajectory, type=body["type"], happened=body["happened"],
                                      uploads=uploads, evidence_kind=body["evidence_kind"], note=body["note"],
                                      placement=placement, storage=get_storage()))
    session.refresh(claim)
    return claim


@endpoint("/trajectories/<int:trajectory_id>/placements", "POST", tenants=BUREAU, scope="write", tag="Declaraties",
          body=s.PlacementIn, files=True, response=s.ClaimOut, status=201,
          summary="Plaatsing registreren en declareren met bewijs")
def create_placement(user, trajectory_id, body, uploads):
    """Record a placement with its facts and claim it, with evidence (multipart `files`)."""
    session = get_session()
    trajectory = get_trajectory(session, user, trajectory_id)
    facts = PlacementFacts(employer_name=body["employer_name"], employer_kvk=body["employer_kvk"] or None,
                           start_date=body["start_date"], contract_type=body["contract_type"],
                           hours_per_week=body["hours_per_week"], gross_wage=body["gross_wage"],
                           benefit_ends=body["benefit_ends"])
    claim = _act(lambda: register_placement(session, user, trajectory, facts, uploads=uploads,
                                            evidence_kind=body["evidence_kind"], note=body["note"],
                                            storage=get_storage()))
    session.refresh(claim)
    return claim


# ---------------------------------------------------------------- money

def _statement_item(run: SettlementRun, documents) -> dict:
    return {"id": run.id, "contract_id": run.contract_id, "contract_code": run.contract.code, "as_of": run.as_of,
            "total_payable": run.total_payable, "total_withheld": run.total_withheld,
            "total_pending": run.total_pending, "documents": documents}


@endpoint("/statements", "GET", tenants=BUREAU, scope="read", tag="Afrekeningen", query=s.PageQuery,
          response=s.StatementOut, many=True, summary="Afrekeningen (gefactureerde runs), nieuwste eerst",
          description="Geef het id van de laatst geziene afrekening als cursor in `after` voor oudere.")
def list_statements(user, query):
    """The bureau's issued settlement runs with their invoices and credit notes; `after` is the last run id seen."""
    session = get_session()
    after = cursors.decode("r", query.get("after"))
    statement_query = own_issued_runs(user, select(SettlementRun))
    if after:
        statement_query = statement_query.where(SettlementRun.id < after)
    runs = list(session.scalars(statement_query.order_by(SettlementRun.id.desc()).limit(query["limit"])))
    documents = run_documents(session, user, [run.id for run in runs])
    return [_statement_item(run, documents.get(run.id, [])) for run in runs]


@endpoint("/statements/<int:run_id>", "GET", tenants=BUREAU, scope="read", tag="Afrekeningen",
          response=s.StatementDetailOut, summary="Eén afrekening met al haar regels")
def get_statement(user, run_id):
    """Every line of one issued run: status, reason, amounts, and whether an objection is possible."""
    session = get_session()
    found = statement(session, user, get_statement_run(session, user, run_id))
    lines = [dict(vars(line.line), objectable=line.can_object and objectable(line.line))
             for part in found.municipalities for line in part.lines]
    return dict(_statement_item(found.run, found.documents), lines=lines)


def _invoice(user, invoice_id: int) -> Invoice:
    invoice = get_session().scalar(scope_invoices(user).where(Invoice.id == invoice_id,
                                                              Invoice.provider_id == user.provider_id))
    if invoice is None:
        raise ApiProblem(404)
    return invoice


@endpoint("/invoices/<int:invoice_id>", "GET", tenants=BUREAU, scope="read", tag="Afrekeningen",
          response=s.InvoiceOut, summary="Factuur of creditnota (gegevens)")
def get_invoice(user, invoice_id):
    """The frozen totals of an issued invoice or credit note and the hashes of its documents."""
    return _invoice(user, invoice_id)


@endpoint("/invoices/<int:invoice_id>/pdf", "GET", tenants=BUREAU, scope="read", tag="Afrekeningen",
          media="application/pdf", summary="Factuur als PDF (zoals uitgegeven)")
def get_invoice_pdf(user, invoice_id):
    """The PDF exactly as issued, with its SHA-256 in Repr-Digest."""
    invoice = _invoice(user, invoice_id)
    return _download(invoice, invoice.pdf, invoice.pdf_sha256, "application/pdf", "pdf")


@endpoint("/invoices/<int:invoice_id>/ubl", "GET", tenants=BUREAU, scope="read", tag="Afrekeningen",
          media="application/xml", summary="Factuur als UBL (e-factuur)")
def get_invoice_ubl(user, invoice_id):
    """The UBL 2.1 e-invoice exactly as issued."""
    invoice = _invoice(user, invoice_id)
    return _download(invoice, invoice.ubl, invoice.ubl_sha256, "application/xml", "xml")


@endpoint("/results", "GET", tenants=BUREAU, scope="read", tag="Resultaten", query=s.ResultsQuery,
          response=s.ContractResultsOut, many=True, summary="Resultaten en prognose per contract en cohort")
def list_results(user, query):
    """Per own contract: what is payable and pending, and per cohort the norm, the result and the forecast."""
    session = get_session()
    as_of = query.get("as_of") or clock.today()
    own = set(session.scalars(scope_bureau_contracts(user)))
    found = results_for(session, load_contracts(session, own), as_of, detail=False) if own else []
    return [_results_item(results) for results in found]


def _results_item(results) -> dict:
    payable = sum((pair[0] for pair in results.by_municipality.values()), start=ZERO)
    pending = sum((pair[1] for pair in results.by_municipality.values()), start=ZERO)
    cohorts = [{"number": cohort.index + 1, "period_start": cohort.period_start, "period_end": cohort.period_end,
                "final": cohort.final, "status": cohort.status, "trajectories": cohort.trajectories,
                "denominator": cohort.denominator, "numerator": cohort.numerator,
                "awaiting_review": cohort.awaiting_review, "rate": cohort.rate, "norm": cohort.norm,
                "forecast": asdict(forecast) if forecast is not None else None}
               for cohort, forecast in results.cohort_pairs()]
    return {"contract_id": results.contract.id, "contract_code": results.contract.code, "as_of": results.as_of,
            "payable": payable, "pending": pending, "cohorts": cohorts}


# ---------------------------------------------------------------- objections

@endpoint("/objections", "GET", tenants=BUREAU, scope="read", tag="Bezwaren", response=s.ObjectionOut, many=True,
          summary="Eigen bezwaren")
def list_objections(user):
    """The bureau's objections, newest first, with the contract manager's decision."""
    return get_session().scalars(scope_objections(user).order_by(Objection.id.desc()).limit(500)).all()


@endpoint("/objections/<int:objection_id>", "GET", tenants=BUREAU, scope="read", tag="Bezwaren",
          response=s.ObjectionOut, summary="Eén bezwaar")
def get_objection_detail(user, objection_id):
    """One objection and, once decided, the reason of the decision."""
    return get_objection(get_session(), user, objection_id)


@endpoint("/objections", "POST", tenants=BUREAU, scope="write", tag="Bezwaren", body=s.ObjectionIn,
          response=s.ObjectionOut, status=201, conflicts=True, summary="Bezwaar maken tegen een afrekenregel")
def create_objection(user, body):
    """Object to a withheld or partly paid line of an issued statement, with a motivation."""
    session = get_session()
    line = get_line(session, user, body["settlement_line_id"])
    return _act(lambda: file_objection(session, user, line, body["motivation"]))
