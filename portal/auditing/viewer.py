"""Search the audit trail: filters, keyset pages (newest first), one object's timeline, rows for export."""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Select, and_, or_, select, tuple_
from sqlalchemy.orm import Session

from ..clock import AMSTERDAM
from ..models import AuditEvent, User

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
ORDER = (AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
# Pages are read as plain rows (attribute access like the model's), not ORM objects: nothing here changes them.
EVENT_COLUMNS = (AuditEvent.id, AuditEvent.occurred_at, AuditEvent.actor_id, AuditEvent.actor_label,
                 AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.before,
                 AuditEvent.after, AuditEvent.chain_seq, AuditEvent.prev_hash, AuditEvent.hash)


class BadCursor(ValueError):
    """The page marker in the address is not one this viewer made."""


@dataclass(frozen=True)
class EventFilter:
    object_type: str | None = None
    object_id: str | None = None
    actor: str | None = None          # an e-mail address, or "system"
    action: str | None = None
    start: date | None = None         # business dates, Europe/Amsterdam, both inclusive
    end: date | None = None

    def args(self) -> dict:
        """Return the filter as query-string arguments (for links and exports)."""
        names = {"object_type": "type", "object_id": "object", "actor": "gebruiker", "action": "actie"}
        out = {names[k]: v for k, v in vars(self).items() if k in names and v}
        if self.start:
            out["van"] = self.start.isoformat()
        if self.end:
            out["tot"] = self.end.isoformat()
        return out


@dataclass(frozen=True)
class EventPage:
    events: list  # rows with the model's attribute names
    next_cursor: str | None


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, AMSTERDAM).astimezone(timezone.utc)


def filtered(session: Session, flt: EventFilter, query: Select | None = None) -> Select:
    """Apply the filter's conditions to a query of audit events."""
    query = query if query is not None else select(*EVENT_COLUMNS)
    if flt.object_type:
        query = query.where(AuditEvent.object_type == flt.object_type)
    if flt.object_id:
        query = query.where(AuditEvent.object_id == flt.object_id)
    if flt.actor:
        actor = flt.actor.strip().lower()
        if actor == "system":
            query = query.where(AuditEvent.actor_id.is_(None))
        else:
            query = query.where(AuditEvent.actor_id == select(User.id).where(User.email == actor).scalar_subquery())
    if flt.action:
        query = query.where(AuditEvent.action == flt.action.strip())
    if flt.start:
        query = query.where(AuditEvent.occurred_at >= _moment(flt.start))
    if flt.end:
        query = query.where(AuditEvent.occurred_at < _moment(flt.end + timedelta(days=1)))
    return query


def encode_cursor(event: AuditEvent) -> str:
    raw = f"{event.occurred_at.astimezone(timezone.utc).isoformat()}|{event.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, event_id = raw.split("|")
        parsed = datetime.fromisoformat(moment)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed, int(event_id)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadCursor("Ongeldige paginamarkering.") from error


def search(session: Session, flt: EventFilter, cursor: str | None = None, size: int = PAGE_SIZE,
           base: Select | None = None) -> EventPage:
    """Return one page of events, newest first, after the cursor (keyset: no OFFSET, as fast deep as on top).

    `base` is the query of the events the reader may see (portal.access.scope_audit_events); default all.
    """
    query = filtered(session, flt, base)
    if cursor:
        moment, event_id = decode_cursor(cursor)
        if session.bind.dialect.name == "postgresql":
            query = query.where(tuple_(AuditEvent.occurred_at, AuditEvent.id) < tuple_(moment, event_id))
        else:
            query = query.where(or_(AuditEvent.occurred_at < moment,
                                    and_(AuditEvent.occurred_at == moment, AuditEvent.id < event_id)))
    events = session.execute(query.order_by(*ORDER).limit(size + 1)).all()
    more = len(events) > size
    events = events[:size]
    return EventPage(events, encode_cursor(events[-1]) if more else None)


def timeline(session: Session, object_type: str, object_id: str, limit: int = 1000,
             base: Select | None = None) -> list:
    """Return everything that happened to one object, oldest first."""
    base = base if base is not None else select(*EVENT_COLUMNS)
    return session.execute(base.where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
                           .order_by(AuditEvent.occurred_at, AuditEvent.id).limit(limit)).all()


def changes(event: AuditEvent) -> list[tuple[str, object, object]]:
    """Return (field, before, after) for every field an event names, changed fields and new ones alike."""
    before, after = event.before or {}, event.after or {}
    keys = list(before) + [k for k in after if k not in before]
    return [(k, before.get(k), after.get(k)) for k in keys]


def export_events(session: Session, flt: EventFilter, limit: int = EXPORT_LIMIT,
                  base: Select | None = None) -> tuple[list, bool]:
    """Return up to `limit` matching events, newest first, and whether there were more."""
    events = session.execute(filtered(session, flt, base).order_by(*ORDER).limit(limit + 1)).all()
    return events[:limit], len(events) > limit


EXPORT_COLUMNS = ("id", "chain_seq", "occurred_at", "actor_label", "action", "object_type", "object_id", "before",
                  "after", "prev_hash", "hash")


def export_record(event: AuditEvent) -> dict:
    """Return one event as a JSON-ready dict, hash-chain fields included so a reader can check them."""
    out = {column: getattr(event, column) for column in EXPORT_COLUMNS}
    out["occurred_at"] = event.occurred_at.astimezone(timezone.utc).isoformat()
    return out
