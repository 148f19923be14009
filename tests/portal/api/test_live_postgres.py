"""On PostgreSQL with committed data: concurrent duplicates of one idempotent POST have one effect, and the
example client walks a bureau's flow against gunicorn (two workers), whose rate limit holds across them."""
from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from portal import clock, create_app
from portal.finance.issuing import approve_run
from portal.finance.runs import start_run, submit_run
from portal.models import Client, Contract, MilestoneClaim, User
from portal.models.api import ApiIdempotencyKey
from portal.review.service import approve_claim

from ... import factories as f
from .live import ROOT, Gunicorn, copy_of_migrated, seed_database

sys.path.insert(0, str(ROOT / "scripts"))
import api_client_example as example  # noqa: E402


@pytest.fixture
def live(database_url, tmp_path, request):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs two real connections and gunicorn on PostgreSQL")
    seed = seed_database(copy_of_migrated(database_url, tmp_path, request))
    app = create_app({"TESTING": True, "DATABASE_URL": seed.url, "EVIDENCE_DIR": str(tmp_path / "evidence"),
                      "API_RATE_LIMIT": 10_000})
    yield seed, app
    app.extensions["database"].engine.dispose()


def test_concurrent_duplicates_of_one_key_have_one_effect(live):
    seed, app = live
    bsn = f._fresh_bsn(f.next_id() + 500_000)
    body = {"bsn": bsn, "first_name": "Sanne", "last_name": "de Vries"}
    headers = {"Authorization": f"Bearer {seed.municipality_token}", "Idempotency-Key": "register-sanne"}
    start = threading.Barrier(4)

    def post(_):
        client = app.test_client()
        start.wait()
        return client.post("/api/v1/clients", headers=headers, json=body)

    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(post, range(4)))
    assert [r.status_code for r in responses] == [201] * 4
    assert len({r.get_data() for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 3
    engine = create_engine(seed.url, poolclass=NullPool)
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(Client).where(Client.bsn_last4 == bsn[-4:])) == 1
        assert db.scalar(select(func.count()).select_from(ApiIdempotencyKey)) == 1
    engine.dispose()


def _as(app, action) -> None:
    """Do what a reviewer or finance does in the portal, in a committed transaction of its own."""
    with app.app_context():
        engine = app.extensions["database"].engine
        with Session(engine, expire_on_commit=False) as db:
            action(db)
            db.commit()


def test_example_client_walks_a_bureau_flow_against_gunicorn(live, tmp_path, monkeypatch):
    seed, app = live
    evidence = tmp_path / "intake.pdf"
    evidence.write_bytes(f.PDF_BYTES)
    monkeypatch.setenv("API_RATE_LIMIT", "30")
    today = clock.today()
    with Gunicorn(seed.url, tmp_path / "evidence") as base:
        api = example.Api(base, seed.bureau_token)
        cursor = example.events_cursor(api)
        trajectory_id = example.accept_first_referral(api, today)
        assert trajectory_id == seed.trajectory_id
        claim_id = example.claim_with_evidence(api, trajectory_id, "intake", today, evidence)

        def approve(db):
            approve_claim(db, db.get(User, seed.reviewer_id), db.get(MilestoneClaim, claim_id))

        _as(app, approve)
        decision, cursor = example.wait_for_event(api, cursor, lambda e: e["object_id"] == claim_id
                                                  and e["object_type"] == "milestone_claim", timeout=20)
        assert decision["type"] == "claim.approved"

        def issue(db):
            run = start_run(db, db.get(User, seed.preparer_id), db.get(Contract, seed.contract_id), today)
            submit_run(db, db.get(User, seed.preparer_id), run)
            approve_run(db, db.get(User, seed.approver_id), run.id)

        _as(app, issue)
        invoice, _ = example.wait_for_event(api, cursor, lambda e: e["type"] == "invoice.issued", timeout=20)
        pdf = example.download_invoice(api, invoice["object_id"], tmp_path)
        assert pdf.read_bytes().startswith(b"%PDF")
        assert api.call("GET", f"/invoices/{invoice['object_id']}/ubl").content.startswith(b"<?xml")
        # The limit (30 a minute) is counted in the database, so it holds across gunicorn's two workers.
        statuses = [api.session.get(f"{api.base}/referrals", timeout=10) for _ in range(45)]
        limited = [r for r in statuses if r.status_code == 429]
        assert limited and 1 <= int(limited[0].headers["Retry-After"]) <= 60
        assert sum(r.status_code == 200 for r in statuses) <= 30
