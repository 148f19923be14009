"""The audit trail: the one function every change goes through, and the guard that keeps it append-only."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from . import clock
from .models import AuditEvent, User


class AuditTrailIsAppendOnly(RuntimeError):
    pass


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj, *fields: str) -> dict:
    """Return the named attributes of an object as JSON-ready values."""
    return {f: _plain(getattr(obj, f)) for f in fields}


def record(session: Session, actor: User | None, action: str, obj_type: str, obj_id: Any,
           before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Append one audit event (flushed with the change it describes, in the same transaction)."""
    event_ = AuditEvent(
        occurred_at=clock.now(),
        actor_id=actor.id if actor is not None else None,
        actor_label=actor.email if actor is not None else "system",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
    )
    session.add(event_)
    return event_


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _flush_context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTrailIsAppendOnly("audit events are never changed or deleted")
