"""The audit hash chain: sealed at commit, checked by `flask audit verify`; a change behind the app's back shows."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from portal.audit import GENESIS, link_hash, record
from portal.auditing.chain import verify_chain
from portal.finance.issuing import approve_run
from portal.finance.runs import start_run, submit_run
from portal.models import AuditAnchor, AuditChainHead, AuditEvent

from ... import factories as f
from ..finance.helpers import complete_addresses


def _events(db, n: int = 3) -> list[AuditEvent]:
    events = [record(db, None, "test.changed", "thing", i, before={"v": i}, after={"v": i + 1, "w": "€ é"})
              for i in range(n)]
    db.commit()
    return events


def _disable_append_only_guard(db) -> None:
    """What someone with the database owner's password could do: switch the trigger off."""
    if db.bind.dialect.name == "postgresql":
        db.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        db.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_delete"))
    else:
        db.execute(text("DROP TRIGGER audit_event_no_update"))
        db.execute(text("DROP TRIGGER audit_event_no_delete"))


def test_commit_seals_events_in_order_onto_the_head(db):
    events = _events(db)
    rows = db.execute(select(AuditEvent).where(AuditEvent.id.in_([e.id for e in events]))
                      .order_by(AuditEvent.chain_seq).execution_options(populate_existing=True)).scalars().all()
    seqs = [r.chain_seq for r in rows]
    assert seqs == list(range(seqs[0], seqs[0] + 3))
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert rows[0].hash == link_hash(rows[0].prev_hash, rows[0], rows[0].chain_seq)
    head = db.execute(select(AuditChainHead).execution_options(populate_existing=True)).scalar_one()
    assert (head.last_seq, head.last_hash) == (rows[2].chain_seq, rows[2].hash)


def test_verify_passes_on_an_intact_chain(db, app):
    _events(db)
    verdict = verify_chain(db)
    assert verdict.intact, verdict.describe()
    assert verdict.checked >= 3
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "Keten intact" in result.output


def test_database_still_refuses_to_change_a_sealed_event(db):
    import pytest
    from sqlalchemy.exc import DBAPIError
    event = _events(db, 1)[0]
    with pytest.raises(DBAPIError, match="append-only"):
        with db.begin_nested():
            db.execute(text("UPDATE audit_event SET hash = :h WHERE id = :id"), {"h": "f" * 64, "id": event.id})


def test_an_event_changed_behind_the_applications_back_breaks_verify(db, app):
    events = _events(db, 4)
    _disable_append_only_guard(db)
    db.execute(text("UPDATE audit_event SET action = 'test.innocent' WHERE id = :id"), {"id": events[2].id})
    verdict = verify_chain(db)
    assert not verdict.intact
    assert verdict.broken_event_id == events[2].id
    assert "gewijzigd" in verdict.problem
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"gebeurtenis {events[2].id}" in result.output


def test_a_deleted_event_breaks_verify_at_the_gap(db):
    events = _events(db, 4)
    _disable_append_only_guard(db)
    db.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": events[1].id})
    verdict = verify_chain(db)
    assert not verdict.intact and verdict.broken_event_id == events[2].id
    assert "verwijderd" in verdict.problem


def test_a_rewritten_chain_shows_against_the_anchor_of_an_issued_run(db):
    complete_addresses(db)
    consortium = f.create_consortium(db)
    municipality = f.create_municipality(db, consortium)
    contract = f.create_contract(db, consortium, f.create_provider(db))
    trajectory = f.create_trajectory(db, contract, municipality)
    f.create_claim(db, trajectory, "intake", review="approved", reviewed=date(2026, 2, 15))
    complete_addresses(db)
    preparer, approver = f.create_user(db, "finance"), f.create_user(db, "finance")
    run = start_run(db, preparer, contract, date(2026, 6, 30))
    submit_run(db, preparer, run)
    db.commit()
    approve_run(db, approver, run.id)
    db.commit()
    anchor = db.scalar(select(AuditAnchor).where(AuditAnchor.run_id == run.id))
    assert anchor is not None and anchor.chain_seq >= 1
    assert verify_chain(db).intact

    # Rewrite every link consistently, as a forger with the database would: only the anchor betrays it.
    _disable_append_only_guard(db)
    columns = [AuditEvent.id, AuditEvent.occurred_at, AuditEvent.actor_id, AuditEvent.actor_label,
               AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.before, AuditEvent.after,
               AuditEvent.chain_seq]
    rows = db.execute(select(*columns).where(AuditEvent.chain_seq.is_not(None)).order_by(AuditEvent.chain_seq)).all()
    first = rows[0]
    db.execute(text("UPDATE audit_event SET actor_label = 'vervalst' WHERE id = :id"), {"id": first.id})
    prev = GENESIS
    for row in db.execute(select(*columns).where(AuditEvent.chain_seq.is_not(None))
                          .order_by(AuditEvent.chain_seq)).all():
        digest = link_hash(prev, row, row.chain_seq)
        db.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :id"),
                   {"p": prev, "h": digest, "id": row.id})
        prev = digest
    db.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": prev})
    verdict = verify_chain(db)
    assert not verdict.intact
    assert "anker" in verdict.problem
