"""The events feed: decisions, invoices issued and referrals, read from the sealed audit trail.

The cursor is the audit chain's position: events are sealed in commit order under the chain
head's lock (portal.audit), so a later commit never gets a lower position and a poller that
asks `after` its last cursor misses nothing. Only events of objects the token's tenant may see
(through portal.access) are listed, with a few facts each, never the audit's full before/after.
"""
from __future__ import annotations

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from ..access import scope_invoices, scope_trajectories
from ..models import AuditEvent, Invoice, MilestoneClaim, Trajectory, User
from . import cursors

TRAJECTORY_ACTIONS = ("trajectory.referred", "trajectory.accepted", "trajectory.declined", "trajectory.ended",
                      "trajectory.plan_submitted", "trajectory.plan_approved", "trajectory.plan_returned")
CLAIM_ACTIONS = ("claim.approved", "claim.rejected", "claim.revoked", "claim.reinstated")
INVOICE_ACTIONS = ("invoice.issued", "credit_note.issued")
#: Facts of an event's `after` that a feed reader may see.
SHOWN = ("ref", "status", "start", "end", "end_reason", "plan_status", "review", "reviewed", "reason_code",
         "reason_text", "number", "total", "subtotal", "vat", "referred_on", "contract", "segment")


def _ids_as_text(query):
    return select(cast(query.subquery().c.id, String))


def events_after(session: Session, user: User, after: int, limit: int) -> list[AuditEvent]:
    """Return the sealed events after a chain position that concern the user's tenant, oldest first."""
    trajectories = scope_trajectories(user, select(Trajectory.id))
    claims = scope_trajectories(user, select(MilestoneClaim.id).join(MilestoneClaim.trajectory))
    invoices = scope_invoices(user, select(Invoice.id))
    visible = or_(
        (AuditEvent.object_type == "trajectory") & AuditEvent.action.in_(TRAJECTORY_ACTIONS)
        & AuditEvent.object_id.in_(_ids_as_text(trajectories)),
        (AuditEvent.object_type == "milestone_claim") & AuditEvent.action.in_(CLAIM_ACTIONS)
        & AuditEvent.object_id.in_(_ids_as_text(claims)),
        (AuditEvent.object_type == "invoice") & AuditEvent.action.in_(INVOICE_ACTIONS)
        & AuditEvent.object_id.in_(_ids_as_text(invoices)),
    )
    return list(session.scalars(select(AuditEvent).where(AuditEvent.chain_seq > after, visible)
                                .order_by(AuditEvent.chain_seq).limit(limit)))


def as_item(event: AuditEvent) -> dict:
    after = event.after or {}
    return {"cursor": cursors.encode("e", event.chain_seq), "type": event.action, "occurred_at": event.occurred_at,
            "object_type": event.object_type, "object_id": int(event.object_id),
            "data": {key: after[key] for key in SHOWN if key in after}}
