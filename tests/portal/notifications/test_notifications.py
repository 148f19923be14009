"""Notifications: made with the event for the right organisation only, read in the portal, mailed once (real SMTP)."""
from __future__ import annotations

import quopri
from datetime import date, datetime, timezone

import pytest
from flask import g
from sqlalchemy import func, select, update

from portal import clock
from portal.models import AuditEvent, Notification, NotificationPreference, Placement, SettlementRun
from portal.notifications.service import recipients
from portal.review.service import reject_claim
from portal.trajectories.service import return_plan, submit_plan

from ... import factories as f
from ..access.world import build_world
from ..test_password_reset import inbox  # noqa: F401  (the real local SMTP server)

PLAN = "Wekelijks sollicitatietraining en twee werkervaringsplaatsen."


def _notices(db, user) -> list[Notification]:
    """The user's notices made by this test (the world's SETUP hooks of other areas may have made some before)."""
    return list(db.scalars(select(Notification).where(Notification.user_id == user.id,
                                                      Notification.id > BEFORE.get("id", 0))
                           .order_by(Notification.id)))


BEFORE: dict = {}


def _world(db):
    """The access grid's world; notices its SETUP hooks made are set aside as read and mailed."""
    world = build_world(db)
    BEFORE["id"] = db.scalar(select(func.max(Notification.id))) or 0
    db.execute(update(Notification).values(read_at=clock.now(), mailed_at=clock.now()))
    db.commit()
    return world


def _client(app, user):
    g.pop("_login_user", None)
    client = app.test_client()
    f.log_in(client, user)
    return client


def test_events_notify_only_the_users_of_the_right_organisation(app, db):
    w = _world(db)
    users = w.users
    submit_plan(db, users["provider_a"], w.trajectory_a, text=PLAN)
    return_plan(db, users["klantmanager_a"], w.trajectory_a, feedback="Voeg een taalcursus toe.")
    reject_claim(db, users["reviewer"], w.claim_a, reason_code="EVIDENCE_MISSING", reason_text="Geen loonstrook.")
    db.commit()
    assert [n.kind for n in _notices(db, users["klantmanager_a"])] == ["plan_submitted"]
    assert [n.kind for n in _notices(db, users["provider_a"])] == ["plan_returned", "claim_rejected"]
    for other in ("provider_b", "klantmanager_b", "finance", "admin", "auditor", "reviewer"):
        assert _notices(db, users[other]) == [], other

    # The navigation shows the unread count; opening a notice marks it read and leads to the work.
    bureau = _client(app, users["provider_a"])
    assert 'Meldingen <span class="count-badge">2<' in bureau.get("/start").get_data(as_text=True)
    first = _notices(db, users["provider_a"])[0]
    assert w.trajectory_a.ref in bureau.get("/meldingen").get_data(as_text=True)
    response = bureau.post(f"/meldingen/{first.id}/gelezen")
    assert response.status_code == 302 and response.headers["Location"] == f"/trajecten/{w.trajectory_a.id}"
    assert 'Meldingen <span class="count-badge">1<' in bureau.get("/start").get_data(as_text=True)
    # Another user's notice does not exist for you.
    assert _client(app, users["provider_b"]).post(f"/meldingen/{first.id}/gelezen").status_code == 404
    bureau = _client(app, users["provider_a"])
    bureau.post("/meldingen/alles-gelezen")
    assert 'class="count-badge"' not in bureau.get("/start").get_data(as_text=True)


def test_a_rolled_back_event_leaves_no_notice(app, db):
    w = _world(db)
    db.commit()
    with pytest.raises(Exception):
        submit_plan(db, w.users["provider_a"], w.trajectory_a, text="te kort")
    db.rollback()
    assert _notices(db, w.users["klantmanager_a"]) == []


def _mails(inbox) -> list[tuple[list[str], str]]:
    return [(to, quopri.decodestring(body.encode()).decode("utf-8", "replace")) for to, body in inbox.messages]


def test_send_due_notifies_by_time_and_mails_each_notice_once(app, db, inbox, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 9, 14))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 14, 8, 0, tzinfo=timezone.utc))
    w = _world(db)
    w.contract_a.submission_deadline_days = 30
    w.contract_a.sustained_after_months = 6
    # Started 01-03: durable on 01-09, to be claimed by 01-10; the bureau hears it from 14 days before that.
    placement = Placement(trajectory_id=w.trajectory_a.id, employer_name="Bakkerij", start_date=date(2026, 3, 1),
                          contract_type="vast", hours_per_week=32, gross_wage=2400, benefit_ends="fully")
    db.add(placement)
    digest_user = w.users["reviewer"]
    db.add(NotificationPreference(user_id=w.users["klantmanager_a"].id, mail="none"))
    db.add(NotificationPreference(user_id=digest_user.id, mail="digest"))
    db.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["notifications", "send-due"])
    assert result.exit_code == 0, result.output
    # claim_a and claim_b (submitted 10-02) wait far longer than 10 working days: the contract manager hears it.
    assert sorted(n.kind for n in _notices(db, digest_user)) == ["review_waiting", "review_waiting"]
    assert not [n for n in _notices(db, w.users["provider_a"]) if n.key == f"deadline:{placement.id}"]  # 17 days
    assert _notices(db, w.users["provider_b"]) == []
    mails = _mails(inbox)
    assert [to for to, _ in mails] == [[digest_user.email]]
    assert "2 nieuwe meldingen" in mails[0][1] and "/beoordelen/" in mails[0][1]

    monkeypatch.setattr(clock, "today", lambda: date(2026, 9, 20))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 20, 8, 0, tzinfo=timezone.utc))
    assert runner.invoke(args=["notifications", "send-due"]).exit_code == 0
    assert runner.invoke(args=["notifications", "send-due"]).exit_code == 0   # twice: nothing new
    [deadline] = [n for n in _notices(db, w.users["provider_a"]) if n.key == f"deadline:{placement.id}"]
    assert deadline.kind == "deadline" and "01-10-2026" in deadline.text
    assert _notices(db, w.users["provider_b"]) == []
    mails = _mails(inbox)
    assert [to for to, _ in mails] == [[digest_user.email], [w.users["provider_a"].email]]
    assert "duurzame plaatsing" in mails[1][1] and f"/trajecten/{w.trajectory_a.id}" in mails[1][1]
    assert db.scalar(select(func.count(Notification.id)).where(Notification.mailed_at.is_(None),
                                                               Notification.user_id != w.users["klantmanager_a"].id)) == 0


def test_the_mail_choice_is_saved_audited_and_checked(app, db):
    w = _world(db)
    db.commit()
    user = w.users["finance"]
    client = _client(app, user)
    assert "Eén overzicht per dag" in client.get("/account/meldingen").get_data(as_text=True)
    response = client.post("/account/meldingen", data={"mail": "elke minuut"})
    assert response.status_code == 400 and "E-mail over meldingen" in response.get_data(as_text=True)
    assert client.post("/account/meldingen", data={"mail": "digest"}).status_code == 302
    assert db.get(NotificationPreference, user.id).mail == "digest"
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "notification_preference.changed")) is not None


def test_referrals_runs_and_objections_notify_their_own_recipients(app, db):
    from portal.objections.service import decide_objection
    from portal.trajectories.referral import refer_client
    from ..access.test_grid import all_rows  # noqa: F401  (the SETUP hooks: an issued run with an objection)
    w = _world(db)
    users = w.users
    # The world's hooks submitted two runs: each told the other finance users, never its preparer.
    runs = db.scalars(select(SettlementRun).where(SettlementRun.submitted_at.is_not(None))).all()
    assert len(runs) == 2
    for run in runs:
        told = set(db.scalars(select(Notification.user_id).where(Notification.kind == "run_submitted",
                                                                 Notification.url == f"/afrekeningen/{run.id}")))
        assert told and run.prepared_by_id not in told
        assert told <= {u.id for u in recipients(db, "finance", consortium_id=run.contract.consortium_id)}
    objection = w.extra["objection_a"]
    filed = db.scalars(select(Notification.user_id).where(Notification.kind == "objection_filed",
                                                          Notification.url == f"/bezwaren/{objection.id}")).all()
    assert filed == [users["reviewer"].id]
    decide_objection(db, users["reviewer"], objection, uphold=False, reason="De termijn is verstreken.")
    person = f.create_client(db, w.municipality_a)
    trajectory = refer_client(db, users["klantmanager_a"], person, w.contract_a, referred_on=w.contract_a.start)
    db.commit()
    kinds = [n.kind for n in _notices(db, users["provider_a"])]
    assert kinds == ["objection_decided", "referral"] and trajectory.ref in _notices(db, users["provider_a"])[1].text
    assert _notices(db, users["provider_b"]) == [] and _notices(db, users["klantmanager_b"]) == []
