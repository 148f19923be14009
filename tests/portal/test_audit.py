"""The audit trail is append-only: in the ORM and in the database itself."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from portal.audit import AuditTrailIsAppendOnly, record
from portal.models import AuditEvent


def test_record_appends_an_event_with_before_and_after(db):
    event = record(db, None, "contract.changed", "contract", 7, before={"price": "1.00"}, after={"price": "2.00"})
    db.flush()
    stored = db.get(AuditEvent, event.id)
    assert (stored.actor_label, stored.action, stored.object_id) == ("system", "contract.changed", "7")
    assert stored.before == {"price": "1.00"} and stored.after == {"price": "2.00"}
    assert stored.occurred_at.tzinfo is not None


def test_orm_refuses_to_change_or_delete_an_event(db):
    event = record(db, None, "x", "y", 1)
    db.flush()
    event.action = "tampered"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.flush()
    db.rollback()


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET action = 'tampered'", "DELETE FROM audit_event"])
def test_database_refuses_to_change_or_delete_an_event(db, statement):
    record(db, None, "x", "y", 1)
    db.flush()
    with pytest.raises(DBAPIError, match="append-only"):
        with db.begin_nested():
            db.execute(text(statement))
