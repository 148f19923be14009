"""The API's behaviour: problems with field paths, tokens, audit, idempotency, rate limit, cursors, events, flows."""
from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from flask import g
from sqlalchemy import func, select

from portal import clock
from portal.models import ApiToken, AuditEvent, Client, MilestoneClaim, Trajectory
from portal.review.service import approve_claim, reject_claim

from ... import factories as f
from ...factories import log_in
from .conftest import auth

TODAY = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def test_problem_documents_name_the_field_in_dutch(client, api_world):
    w, secret = api_world.world, api_world.tokens["bureau_write"]
    response = client.post(f"/api/v1/referrals/{w.trajectory_a.id}/accept", headers=auth(secret),
                           json={"start": "gisteren", "extra": 1})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["code"] == "validation_failed" and problem["status"] == 422
    assert {e["field"]: e["messages"] for e in problem["errors"]} == {
        "start": ["Verwacht een datum als jjjj-mm-dd."], "extra": ["Onbekend veld."]}
    assert "Controleer de velden" in problem["detail"]
    response = client.post(f"/api/v1/referrals/{w.trajectory_a.id}/accept", headers=auth(secret), data="start")
    assert response.status_code == 400 and response.get_json()["code"] == "body_not_json"
    # A service's refusal names its field too (a trajectory already accepted: the state machine answers 409).
    response = client.post(f"/api/v1/trajectories/{w.trajectory_a.id}/plan", headers=auth(secret),
                           json={"text": "te kort"})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "text"


def test_authentication_problems(client, api_world):
    for headers, code in (({}, "token_missing"), (auth("rp_wrong"), "token_unknown"),
                          (auth(api_world.tokens["revoked"]), "token_revoked"),
                          (auth(api_world.tokens["expired"]), "token_expired")):
        response = client.get("/api/v1/trajectories", headers=headers)
        assert response.status_code == 401 and response.get_json()["code"] == code
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = client.post("/api/v1/clients", headers=auth(api_world.tokens["municipality_read"]),
                           json={"bsn": "111222333", "first_name": "A", "last_name": "B"})
    assert response.status_code == 403 and response.get_json()["code"] == "insufficient_scope"
    response = client.get("/api/v1/referrals", headers=auth(api_world.tokens["municipality_write"]))
    assert response.status_code == 403 and response.get_json()["code"] == "wrong_tenant"


def test_token_is_stored_as_a_hash_and_its_last_use_is_kept(db, client, api_world):
    secret = api_world.tokens["bureau_read"]
    token = api_world.token_rows["bureau_read"]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in (token.hint, token.name)
    assert token.last_used_at is None
    assert client.get("/api/v1/referrals", headers=auth(secret)).status_code == 200
    db.expire_all()
    assert db.get(ApiToken, token.id).last_used_at is not None


def test_every_change_is_audited_with_the_token_named(db, client, api_world):
    w, token = api_world.world, api_world.token_rows["bureau_write"]
    response = client.post(f"/api/v1/trajectories/{w.trajectory_a.id}/plan", headers=auth(api_world.tokens["bureau_write"]),
                           json={"text": "Wekelijks sollicitatietraining en twee stages."})
    assert response.status_code == 200, response.get_json()
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "trajectory.plan_submitted"))
    assert event.actor_label == f"api-token-{token.id}.koppeling-bureau-write@api.invalid"
    assert event.actor_id == token.user_id


def test_idempotency_key_replays_the_first_answer_and_refuses_another_body(db, client, api_world):
    secret = api_world.tokens["municipality_write"]
    bsn = f._fresh_bsn(f.next_id())
    body = {"bsn": bsn, "first_name": "Sanne", "last_name": "de Vries"}
    first = client.post("/api/v1/clients", headers=auth(secret, **{"Idempotency-Key": "k-1"}), json=body)
    again = client.post("/api/v1/clients", headers=auth(secret, **{"Idempotency-Key": "k-1"}), json=dict(body))
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert db.scalar(select(func.count()).select_from(Client).where(Client.bsn_last4 == bsn[-4:])) == 1
    other = client.post("/api/v1/clients", headers=auth(secret, **{"Idempotency-Key": "k-1"}),
                        json=dict(body, first_name="Anne"))
    assert other.status_code == 422 and other.get_json()["code"] == "idempotency_key_reused"
    # Without a key the same request is a new request: the service says the client exists.
    assert client.post("/api/v1/clients", headers=auth(secret), json=body).status_code == 409
    # A refused request does not use up its key.
    refused = client.post("/api/v1/clients", headers=auth(secret, **{"Idempotency-Key": "k-2"}), json=body)
    assert refused.status_code == 409
    fresh = dict(body, bsn=f._fresh_bsn(f.next_id()))
    assert client.post("/api/v1/clients", headers=auth(secret, **{"Idempotency-Key": "k-2"}), json=fresh).status_code == 201


def test_rate_limit_per_token_answers_429_with_retry_after(app, client, api_world):
    app.config["API_RATE_LIMIT"] = 2
    secret = api_world.tokens["bureau_read"]
    assert [client.get("/api/v1/referrals", headers=auth(secret)).status_code for _ in range(2)] == [200, 200]
    limited = client.get("/api/v1/referrals", headers=auth(secret))
    assert limited.status_code == 429 and limited.get_json()["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert client.get("/api/v1/referrals", headers=auth(api_world.tokens["bureau_write"])).status_code == 200


def test_trajectories_walk_with_a_cursor(db, client, api_world):
    w = api_world.world
    for _ in range(4):
        f.create_trajectory(db, w.contract_a, w.municipality_a)
    db.commit()
    secret, seen, after = api_world.tokens["bureau_read"], [], ""
    while True:
        page = client.get(f"/api/v1/trajectories?limit=2&after={after}", headers=auth(secret)).get_json()
        seen += [item["id"] for item in page["items"]]
        if page["next"] is None:
            break
        after = page["next"]
    expected = db.scalars(select(Trajectory.id).where(Trajectory.provider_id == w.provider_a.id)
                          .order_by(Trajectory.id)).all()
    assert seen == expected and len(seen) >= 5
    active = client.get("/api/v1/trajectories?status=referred", headers=auth(secret)).get_json()["items"]
    assert all(item["status"] == "referred" for item in active)
    bad = client.get("/api/v1/trajectories?after=nonsense", headers=auth(secret))
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "after"


def test_events_feed_shows_decisions_to_their_bureau_only(db, client, api_world):
    w = api_world.world
    mine, other = auth(api_world.tokens["bureau_read"]), auth(api_world.tokens["bureau_b"])
    cursor = client.get("/api/v1/events", headers=mine).get_json()["next"]
    cursor_b = client.get("/api/v1/events", headers=other).get_json()["next"]
    approve_claim(db, w.users["reviewer"], w.claim_a)
    db.commit()
    page = client.get(f"/api/v1/events?after={cursor}", headers=mine).get_json()
    assert [(e["type"], e["object_id"]) for e in page["items"]] == [("claim.approved", w.claim_a.id)]
    assert page["items"][0]["data"]["review"] == "approved"
    assert client.get(f"/api/v1/events?after={cursor_b}", headers=other).get_json()["items"] == []
    later = client.get(f"/api/v1/events?after={page['next']}", headers=mine).get_json()
    assert later == {"items": [], "next": page["next"]}


def test_claim_with_evidence_checked_by_content_then_rejected_and_claimed_again(db, client, api_world):
    w = api_world.world
    trajectory = f.create_trajectory(db, w.contract_a, w.municipality_a, start=date(2026, 6, 1))
    db.commit()
    secret = api_world.tokens["bureau_write"]
    url = f"/api/v1/trajectories/{trajectory.id}/claims"
    fields = {"type": "intake", "happened": "2026-06-20", "evidence_kind": "other"}
    fake = client.post(url, headers=auth(secret), data=dict(fields, files=[(io.BytesIO(b"not a pdf"), "x.pdf")]))
    assert fake.status_code == 422 and fake.get_json()["errors"][0]["field"] == "files"
    assert db.scalar(select(func.count()).select_from(MilestoneClaim)
                     .where(MilestoneClaim.trajectory_id == trajectory.id)) == 0
    first = client.post(url, headers=auth(secret), data=dict(fields, files=[(io.BytesIO(f.PDF_BYTES), "b.pdf")]))
    assert first.status_code == 201, first.get_json()
    claim = db.get(MilestoneClaim, first.get_json()["id"])
    assert first.get_json()["evidence"][0]["content_type"] == "application/pdf"
    reject_claim(db, w.users["reviewer"], claim, reason_code="EVIDENCE_MISSING", reason_text="Handtekening ontbreekt.")
    db.commit()
    outcome = client.get(f"/api/v1/claims/{claim.id}", headers=auth(secret)).get_json()
    assert outcome["review"] == "rejected"
    assert outcome["reviews"][0]["reason_code"] == "EVIDENCE_MISSING"
    again = client.post(url, headers=auth(secret), data=dict(fields, files=[(io.BytesIO(f.PDF_BYTES), "c.pdf")]))
    assert again.status_code == 201 and again.get_json()["id"] != claim.id
    detail = client.get(f"/api/v1/trajectories/{trajectory.id}", headers=auth(secret)).get_json()
    assert [c["review"] for c in detail["claims"]] == ["rejected", "pending"]


def test_municipality_registers_refers_and_the_bureau_accepts(db, client, api_world):
    w = api_world.world
    municipality, bureau = auth(api_world.tokens["municipality_write"]), auth(api_world.tokens["bureau_write"])
    bsn = f._fresh_bsn(f.next_id())
    assert client.post("/api/v1/clients/lookup", headers=municipality, json={"bsn": bsn}).get_json() == {
        "found": False, "client": None}
    bad = client.post("/api/v1/clients/lookup", headers=municipality, json={"bsn": "123456789"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "bsn"
    created = client.post("/api/v1/clients", headers=municipality,
                          json={"bsn": bsn, "first_name": "Sanne", "last_name": "de Vries"})
    assert created.status_code == 201 and created.get_json()["bsn_last4"] == bsn[-4:]
    found = client.post("/api/v1/clients/lookup", headers=municipality, json={"bsn": bsn}).get_json()
    assert found["found"] and found["client"]["id"] == created.get_json()["id"]
    contracts = client.get("/api/v1/contracts", headers=municipality).get_json()
    assert w.contract_a.id in [c["id"] for c in contracts]
    referred = client.post(f"/api/v1/clients/{found['client']['id']}/referrals", headers=municipality,
                           json={"contract_id": w.contract_a.id, "referred_on": "2026-06-01"})
    assert referred.status_code == 201, referred.get_json()
    trajectory_id = referred.get_json()["id"]
    assert trajectory_id in [t["id"] for t in client.get("/api/v1/referrals", headers=bureau).get_json()]
    accepted = client.post(f"/api/v1/referrals/{trajectory_id}/accept", headers=bureau, json={"start": "2026-06-02"})
    assert accepted.get_json()["status"] == "accepted"
    assert client.post(f"/api/v1/trajectories/{trajectory_id}/plan", headers=bureau,
                       json={"text": "Twee stages en een sollicitatietraining."}).status_code == 200
    returned = client.post(f"/api/v1/trajectories/{trajectory_id}/plan/return", headers=municipality,
                           json={"feedback": "Voeg een taalcursus toe."})
    assert returned.get_json()["plan_status"] == "returned"
    client.post(f"/api/v1/trajectories/{trajectory_id}/plan", headers=bureau,
                json={"text": "Twee stages, een sollicitatietraining en een taalcursus."})
    approved = client.post(f"/api/v1/trajectories/{trajectory_id}/plan/approve", headers=municipality)
    assert approved.get_json()["status"] == "active"
    ended = client.post(f"/api/v1/trajectories/{trajectory_id}/end", headers=municipality,
                        json={"end": "2026-06-10", "reason": "other"})
    assert ended.get_json()["status"] == "ended"


def test_the_bsn_never_travels_in_an_address(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        assert "bsn" not in path
        for operation in operations.values():
            assert all(p["name"] != "bsn" for p in operation["parameters"] if p["in"] in ("path", "query"))


def test_documentation_page_lists_every_operation(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for path, operations in document["paths"].items():
        for method in operations:
            assert f"{method.upper()} {path}" in html


def test_admin_issues_a_token_shown_once_and_revokes_it(db, app, api_world):
    w = api_world.world
    browser = app.test_client()
    log_in(browser, w.users["admin"])
    page = browser.post("/beheer/api-tokens", data={"name": "Suite4Werk", "tenant": f"m{w.municipality_a.id}",
                                                    "write": "y", "expires_on": "2027-01-31"})
    assert page.status_code == 201
    html = page.get_data(as_text=True)
    token = db.scalar(select(ApiToken).where(ApiToken.name == "Suite4Werk"))
    secret = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest() and token.scopes == "read write"
    listing = browser.get("/beheer/api-tokens").get_data(as_text=True)
    assert secret not in listing and "Suite4Werk" in listing and "/api/v1/docs" in listing
    api = app.test_client()
    g.pop("_login_user", None)  # the db fixture's app context would carry the admin's login into the API call
    assert api.get("/api/v1/contracts", headers=auth(secret)).status_code == 200
    g.pop("_login_user", None)
    assert browser.post(f"/beheer/api-tokens/{token.id}/intrekken").status_code == 302
    g.pop("_login_user", None)
    assert api.get("/api/v1/contracts", headers=auth(secret)).status_code == 401
    g.pop("_login_user", None)
    refused = browser.post("/beheer/api-tokens", data={"name": "", "tenant": ""})
    assert refused.status_code == 422
