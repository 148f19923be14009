"""Retention: `flask privacy anonymise` lists first, anonymises with --apply, and every issued run still replays."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from portal.finance.runs import start_run
from portal.history.replay import replay
from portal.models import AuditEvent, Client, Invoice, MilestoneClaim, SettlementLine, Trajectory
from portal.objections.service import file_objection
from portal.privacy.retention import months_before, plan

from ..finance.helpers import freeze_today
from ..objections.conftest import MOTIVATION, ow, today  # noqa: F401 (fixtures)

LATER = date(2029, 1, 15)


def _end_all(db, world, on=date(2026, 6, 1)) -> list[Client]:
    trajectories = db.scalars(select(Trajectory).where(Trajectory.contract_id == world.contract.id)
                              .order_by(Trajectory.id)).all()
    for t in trajectories:
        t.status, t.end, t.end_reason, t.end_note = "ended", on, "work", f"Werk gevonden, {t.client.last_name} belt zelf."
        t.referral_note = f"Aangemeld: {t.client.first_name} {t.client.last_name}"
    db.flush()
    return [t.client for t in trajectories]


def _refs(the_plan) -> set[str]:
    return {ref for _id, ref in the_plan.clients}


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(date(2029, 1, 15), 24) == date(2027, 1, 15)
    assert months_before(date(2029, 3, 31), 1) == date(2029, 2, 28)


def test_only_clients_closed_long_enough_ago_and_in_no_open_run_or_objection_qualify(db, ow, monkeypatch):
    first, second, third = _end_all(db, ow)
    freeze_today(monkeypatch, date(2027, 1, 15))
    assert plan(db, 24).clients == []  # ended 01-06-2026: not yet 24 months ago
    freeze_today(monkeypatch, LATER)
    assert _refs(plan(db, 24)) == {first.ref, second.ref, third.ref}
    # An open objection on the second client's line keeps that client.
    file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    assert _refs(plan(db, 24)) == {first.ref, third.ref}
    # A trajectory still running keeps its client.
    running = db.scalar(select(Trajectory).where(Trajectory.client_id == third.id))
    running.status, running.end, running.end_reason = "active", None, None
    db.flush()
    assert _refs(plan(db, 24)) == {first.ref}
    # A run in preparation (not yet issued) that holds the client's lines keeps the client too.
    start_run(db, ow.preparer, ow.contract, date(2026, 12, 31))
    assert plan(db, 24).clients == []


def test_dry_run_changes_nothing_and_apply_anonymises_in_one_go_while_every_run_still_replays(app, db, ow, monkeypatch):
    clients = _end_all(db, ow)
    names = {c.id: c.last_name for c in clients}
    lines_before = db.scalar(select(func.count()).select_from(SettlementLine))
    invoices_before = [(i.display_number, i.total, i.pdf_sha256) for i in db.scalars(select(Invoice).order_by(Invoice.id))]
    db.commit()
    freeze_today(monkeypatch, LATER)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["privacy", "anonymise"])
    assert dry.exit_code == 0, dry.output
    assert "3 clients to anonymise" in dry.output and "dry run" in dry.output
    assert all(c.ref in dry.output for c in clients) and not any(n in dry.output for n in names.values())
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Client).where(Client.anonymised_at.is_not(None))) == 0

    applied = runner.invoke(args=["privacy", "anonymise", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "3 clients anonymised" in applied.output
    db.expire_all()
    for c in clients:
        c = db.get(Client, c.id)
        assert c.anonymised_at is not None and (c.first_name, c.last_name, c.birth_date) == (None, None, None)
        assert c.bsn_encrypted == b"" and c.bsn_hash == f"anonymised:{c.id}" and c.masked_bsn == "geanonimiseerd"
        assert c.display_name == c.ref  # the pseudonymous reference stays
    for t in db.scalars(select(Trajectory).where(Trajectory.contract_id == ow.contract.id)):
        assert (t.referral_note, t.end_note) == (None, None) and t.status == "ended"
    # The financial records stay complete.
    assert db.scalar(select(func.count()).select_from(SettlementLine)) == lines_before
    assert [(i.display_number, i.total, i.pdf_sha256)
            for i in db.scalars(select(Invoice).order_by(Invoice.id))] == invoices_before
    assert db.scalar(select(func.count()).select_from(MilestoneClaim)) == 4
    # Audited, per client, with the pseudonymous reference only.
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "client.anonymised")).all()
    assert sorted(e.after["ref"] for e in events) == sorted(c.ref for c in clients)
    assert not any(n in json.dumps([e.after for e in events]) for n in names.values())
    # Every issued run reproduces exactly from the anonymised data.
    assert replay(db) == (1, [])
    replayed = runner.invoke(args=["settlement", "replay", "--all"])
    assert replayed.exit_code == 0 and "1 runs replayed, 0 differences" in replayed.output
    # A second run finds nobody left.
    assert "0 clients to anonymise" in runner.invoke(args=["privacy", "anonymise"]).output
    # There is no BSN left to export: a scenario export with clients says so (and one without still works).
    code = ow.contract.code
    refused = runner.invoke(args=["export-scenario", "--contract", code, "--with-clients"])
    assert refused.exit_code == 2 and "anonymised" in refused.output
    assert runner.invoke(args=["export-scenario", "--contract", code]).exit_code == 0
