"""Endpoints for a municipality's token: find or register a client by BSN, refer, end, approve or return a plan.

The BSN travels only in request bodies, never in an address (addresses end up in logs and histories).
"""
from __future__ import annotations

from ..access import get_client, get_trajectory
from ..clients.referral import record_referral_facts
from ..db import get_session
from ..identifiers import InvalidIdentifier
from ..trajectories import service
from ..trajectories.clients import ClientExists, find_client_by_bsn, register_client
from ..trajectories.referral import VolumeConfirmationNeeded, referable_contracts, refer_client
from ..trajectories.states import TrajectoryError
from . import schemas as s
from .framework import ApiProblem, endpoint, refused

MUNICIPALITY = ("municipality",)
OTHER_MUNICIPALITY = "Er is al een cliënt met dit BSN bij een andere gemeente. Neem contact op met de beheerder."


def _act(action):
    try:
        return action()
    except TrajectoryError as error:
        raise refused(error) from None


def _bsn_problem(error: Exception) -> ApiProblem:
    return ApiProblem(422, str(error), code="bsn_invalid", fields={"bsn": [str(error)]})


@endpoint("/clients/lookup", "POST", tenants=MUNICIPALITY, scope="read", tag="Cliënten", body=s.BsnIn,
          response=s.ClientLookupOut, summary="Cliënt zoeken op BSN (BSN in de body)")
def lookup_client(user, body):
    """Find a client of the token's municipality by BSN; `found` is false for an unknown BSN."""
    try:
        client = find_client_by_bsn(get_session(), body["bsn"])
    except InvalidIdentifier as error:
        raise _bsn_problem(error) from None
    if client is not None and client.municipality_id != user.municipality_id:
        raise ApiProblem(422, OTHER_MUNICIPALITY, code="client_elsewhere", fields={"bsn": [OTHER_MUNICIPALITY]})
    return {"found": client is not None, "client": client}


@endpoint("/clients", "POST", tenants=MUNICIPALITY, scope="write", tag="Cliënten", body=s.ClientIn,
          response=s.ClientOut, status=201, summary="Cliënt registreren")
def create_client(user, body):
    """Register a client of the token's municipality; the BSN must pass the elfproef and be new."""
    session = get_session()
    try:
        return register_client(session, user, bsn=body["bsn"], municipality_id=user.municipality_id,
                               first_name=body["first_name"].strip(), last_name=body["last_name"].strip(),
                               birth_date=body["birth_date"], target_group=body["target_group"],
                               benefit=body["benefit"])
    except InvalidIdentifier as error:
        raise _bsn_problem(error) from None
    except ClientExists as error:
        detail = ("Deze cliënt is al geregistreerd (zie `POST /clients/lookup`)."
                  if error.client.municipality_id == user.municipality_id else OTHER_MUNICIPALITY)
        raise ApiProblem(409, detail, code="client_exists", fields={"bsn": [detail]}) from None


@endpoint("/contracts", "GET", tenants=MUNICIPALITY, scope="read", tag="Cliënten", response=s.ContractOut,
          many=True, summary="Contracten waarbij de gemeente kan aanmelden")
def list_contracts(user):
    """The contracts of the municipality's consortium, to refer clients to."""
    return referable_contracts(get_session(), user.municipality_id)


@endpoint("/clients/<int:client_id>/referrals", "POST", tenants=MUNICIPALITY, scope="write", tag="Cliënten",
          body=s.ReferralIn, response=s.TrajectoryOut, status=201, summary="Cliënt aanmelden bij een contract")
def refer(user, client_id, body):
    """Refer a client to a contract; above the agreed volume it needs `confirm_over_volume`."""
    session = get_session()
    client = get_client(session, user, client_id)
    contract = next((c for c in referable_contracts(session, client.municipality_id) if c.id == body["contract_id"]),
                    None)
    if contract is None:
        raise ApiProblem(422, "Dit contract hoort niet bij het samenwerkingsverband van uw gemeente.",
                         code="contract_unknown", fields={"contract_id": ["Onbekend contract."]})
    try:
        trajectory = refer_client(session, user, client, contract, referred_on=body["referred_on"],
                                  note=body["note"], confirm_over_volume=body["confirm_over_volume"])
        record_referral_facts(session, user, client, trajectory, profile=body["profile"], ladder_rung=body["ladder_rung"], gender=None,
                              isced=None, labour_status=None)
    except VolumeConfirmationNeeded as error:
        detail = " ".join(error.warnings) + " Stuur confirm_over_volume: true om toch aan te melden."
        raise ApiProblem(422, detail, code="volume_confirmation_needed",
                         fields={"confirm_over_volume": error.warnings}) from None
    except TrajectoryError as error:
        raise refused(error) from None
    return trajectory


@endpoint("/trajectories/<int:trajectory_id>/end", "POST", tenants=MUNICIPALITY, scope="write", tag="Trajecten",
          body=s.EndIn, response=s.TrajectoryOut, conflicts=True, summary="Traject beëindigen")
def end_trajectory(user, trajectory_id, body):
    """End a running trajectory on a date with one of the end reasons."""
    trajectory = get_trajectory(get_session(), user, trajectory_id)
    return _act(lambda: service.end_trajectory(get_session(), user, trajectory, end=body["end"],
                                               reason=body["reason"], note=body["note"]))


@endpoint("/trajectories/<int:trajectory_id>/plan/approve", "POST", tenants=MUNICIPALITY, scope="write",
          tag="Trajecten", response=s.TrajectoryOut, conflicts=True, summary="Trajectplan goedkeuren")
def approve_plan(user, trajectory_id):
    """Approve the submitted plan; an accepted trajectory becomes active."""
    trajectory = get_trajectory(get_session(), user, trajectory_id)
    return _act(lambda: service.approve_plan(get_session(), user, trajectory))


@endpoint("/trajectories/<int:trajectory_id>/plan/return", "POST", tenants=MUNICIPALITY, scope="write",
          tag="Trajecten", body=s.PlanReturnIn, response=s.TrajectoryOut, conflicts=True,
          summary="Trajectplan terugsturen met feedback")
def return_plan(user, trajectory_id, body):
    """Send the submitted plan back to the bureau with feedback."""
    trajectory = get_trajectory(get_session(), user, trajectory_id)
    return _act(lambda: service.return_plan(get_session(), user, trajectory, feedback=body["feedback"]))
