"""The audit trail: the one function every change goes through, the guard that keeps it append-only,
and the hash chain that makes a change behind the application's back visible.

Every event is sealed when its transaction commits: it gets the next position in one global
chain and a SHA-256 over its canonical content and the previous event's hash. The chain is
global, not per consortium, because one head row is simple to lock and to verify, and an
event (a login, a user change) does not always belong to a consortium. Sealing at commit,
not at `record`, keeps the head row's lock to the last moment of the transaction: it is
always the last lock taken, so it cannot deadlock with run, counter or claim locks, and
writers wait on each other only for the few milliseconds the sealing takes.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from . import clock
from .models import AuditAnchor, AuditChainHead, AuditEvent, User

GENESIS = "0" * 64
# The columns whose values the hash covers, in the order the canonical form lists them.
HASHED_COLUMNS = ("id", "occurred_at", "actor_id", "actor_label", "action", "object_type", "object_id", "before",
                  "after")


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
    session.info["audit_unsealed"] = True
    return event_


def canonical(row: Any, seq: int) -> bytes:
    """Return the bytes an event's hash covers: its position and content as sorted, compact JSON."""
    content = {column: getattr(row, column) for column in HASHED_COLUMNS}
    occurred = content["occurred_at"].astimezone(timezone.utc)
    content["occurred_at"] = occurred.isoformat(timespec="microseconds")
    content["seq"] = seq
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(prev_hash: str, row: Any, seq: int) -> str:
    """Return the hash of one link: SHA-256 of the previous hash and the event's canonical content."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(row, seq)).hexdigest()


def event_columns():
    return [getattr(AuditEvent, column) for column in HASHED_COLUMNS]


def seal(session: Session) -> int:
    """Chain every unsealed event this transaction can see onto the head; return how many were sealed."""
    session.flush()
    head = session.execute(select(AuditChainHead.last_seq, AuditChainHead.last_hash)
                           .where(AuditChainHead.id == 1).with_for_update()).one_or_none()
    if head is None:  # the chain table is not there yet (a database before migration 0007)
        return 0
    seq, prev = head.last_seq, head.last_hash
    rows = session.execute(select(*event_columns()).where(AuditEvent.chain_seq.is_(None))
                           .order_by(AuditEvent.id)).all()
    for row in rows:
        seq += 1
        digest = link_hash(prev, row, seq)
        session.execute(update(AuditEvent).where(AuditEvent.id == row.id)
                        .values(chain_seq=seq, prev_hash=prev, hash=digest)
                        .execution_options(synchronize_session=False))
        prev = digest
    if rows:
        session.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(last_seq=seq, last_hash=prev))
    return len(rows)


def chain_head(session: Session) -> tuple[int, str]:
    """Return the position and hash of the last sealed event (0 and the genesis hash for an empty chain)."""
    head = session.execute(select(AuditChainHead.last_seq, AuditChainHead.last_hash)
                           .where(AuditChainHead.id == 1)).one_or_none()
    return (head.last_seq, head.last_hash) if head is not None else (0, GENESIS)


def anchor_chain(session: Session, run_id: int) -> AuditAnchor:
    """Store the chain head as it stands now with an issued run, so a rewritten chain no longer matches."""
    seq, digest = chain_head(session)
    anchor = AuditAnchor(run_id=run_id, chain_seq=seq, chain_hash=digest, anchored_at=clock.now())
    session.add(anchor)
    return anchor


@event.listens_for(Session, "before_commit")
def _seal_on_commit(session: Session) -> None:
    if session.info.pop("audit_unsealed", False):
        seal(session)


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _flush_context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTrailIsAppendOnly("audit events are never changed or deleted")
