"""Endpoints for both kinds of token: trajectories, claims, the events feed."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import get_claim, get_trajectory
from ..db import get_session
from ..models import MilestoneClaim, Trajectory
from ..trajectories.listing import ListFilters, filtered
from . import cursors, events, schemas as s
from .framework import TENANTS, endpoint

CLAIM_LOADS = (selectinload(MilestoneClaim.reviews), selectinload(MilestoneClaim.evidence))


@endpoint("/trajectories", "GET", tenants=TENANTS, scope="read", tag="Trajecten", query=s.TrajectoryQuery,
          response=s.TrajectoryPageOut, summary="Trajecten (filters, cursor-paginering)",
          description="Oudste eerst; geef `next` uit het antwoord mee als `after` voor de volgende pagina.")
def list_trajectories(user, query):
    """The tenant's trajectories, oldest first; pass `next` as `after` for the following page."""
    filters = ListFilters(status=query.get("status"), segment=query.get("segment"), q=query.get("q"))
    after = cursors.decode("t", query.get("after"))
    rows = list(get_session().scalars(
        filtered(user, filters, select(Trajectory)).where(Trajectory.id > after)
        .options(selectinload(Trajectory.client)).order_by(Trajectory.id).limit(query["limit"] + 1)))
    more = len(rows) > query["limit"]
    rows = rows[:query["limit"]]
    return {"items": rows, "next": cursors.encode("t", rows[-1].id) if more else None}


def trajectory_detail(trajectory: Trajectory) -> Trajectory:
    """Load what the detail schema shows (claims with reviews and evidence, placements) in a few queries."""
    get_session().scalars(select(MilestoneClaim).where(MilestoneClaim.trajectory_id == trajectory.id)
                          .options(*CLAIM_LOADS)).all()
    return trajectory


@endpoint("/trajectories/<int:trajectory_id>", "GET", tenants=TENANTS, scope="read", tag="Trajecten",
          response=s.TrajectoryDetailOut, summary="Eén traject met plan, plaatsingen en declaraties")
def get_trajectory_detail(user, trajectory_id):
    """A trajectory with its claims, their review outcomes (with reasons) and evidence."""
    return trajectory_detail(get_trajectory(get_session(), user, trajectory_id))


@endpoint("/claims/<int:claim_id>", "GET", tenants=TENANTS, scope="read", tag="Declaraties", response=s.ClaimOut,
          summary="Eén declaratie met beoordelingen")
def get_claim_detail(user, claim_id):
    """A claim with every review decision, its reason code and text, and the evidence files."""
    return get_claim(get_session(), user, claim_id)


@endpoint("/events", "GET", tenants=TENANTS, scope="read", tag="Gebeurtenissen", query=s.PageQuery,
          response=s.EventPageOut, summary="Wat er veranderde sinds een cursor",
          description="Aanmeldingen en trajectwijzigingen, besluiten over declaraties en uitgegeven facturen, in "
                      "de volgorde waarin ze zijn vastgelegd. Vraag opnieuw met `next`; zolang er niets gebeurde, "
                      "blijft `next` gelijk.")
def list_events(user, query):
    """Decisions on claims, invoices issued, referrals and trajectory changes after `after`, oldest first.

    Poll with the `next` of the previous answer; it stays the same while nothing happened.
    """
    after = cursors.decode("e", query.get("after"))
    found = events.events_after(get_session(), user, after, query["limit"])
    items = [events.as_item(event) for event in found]
    return {"items": items, "next": items[-1]["cursor"] if items else cursors.encode("e", after)}
