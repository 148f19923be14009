"""Two app nodes on one PostgreSQL: two gunicorn processes with their own instance folders, one database.

Everything a user relies on must be where both nodes see it: evidence uploaded through one node is
downloadable through the other, a logout on one ends the session on the other, and approvals sent
to both nodes at once give one winner per run and gapless invoice numbers. The nodes run as in
production (no TESTING, secure cookies, CSRF on); the test carries the session cookie itself
because a secure cookie is not sent over plain http by a client.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests
from sqlalchemy import select, text

from portal import create_app, migrate
from portal.db import get_session, make_engine
from portal.models import EvidenceFile, Invoice, StoredBlob, User

from .. import factories as f
from ..appnodes import Node, start_nodes
from .finance.helpers import freeze_today
from .finance.test_concurrency_postgres import submitted_runs

pytestmark = pytest.mark.postgres

#: A page every logged-in user may see.
PAGE = "/account/wachtwoord"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """A user's cookies, sent to whichever node it asks (as a load balancer without sticky sessions would)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        response = self.http.request(method, url, cookies=self.cookies, allow_redirects=False, timeout=60, **kwargs)
        self.cookies.update({c.name: c.value for c in response.cookies})
        return response

    def csrf(self, url: str) -> str:
        page = self.request("GET", url)
        assert page.status_code == 200, (url, page.status_code)
        return CSRF.search(page.text).group(1)

    def log_in(self, node: Node, email: str) -> None:
        token = self.csrf(f"{node.url}/login")
        response = self.request("POST", f"{node.url}/login",
                                data={"csrf_token": token, "email": email, "password": f.PASSWORD})
        assert response.status_code == 302, response.text


@pytest.fixture(scope="module")
def nodes(pg_cluster, tmp_path_factory):
    url = pg_cluster.create_database("two_nodes")
    # The nodes import the app while the database migrates. Node B talks to the database as it would behind
    # PgBouncer in transaction pooling mode: without prepared statements. Both issue an approved run in the
    # request (JOBS_INLINE=1): this test is about two nodes racing for one run and its numbers; the queue and
    # its workers (a killed one included) are tested in tests/portal/jobs.
    inline = {"JOBS_INLINE": "1"}
    pair = start_nodes(url, tmp_path_factory.mktemp("nodes"), 2, before_ready=lambda: migrate.upgrade(url),
                       env=[inline, {**inline, "DATABASE_PREPARED_STATEMENTS": "0"}])
    try:
        yield url, pair
    finally:
        for node in pair:
            node.stop()


@pytest.fixture(scope="module")
def portal(nodes):
    """The portal in this process, on the nodes' database, to set up data as an administrator would."""
    url, _ = nodes
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    yield app
    app.extensions["database"].engine.dispose()


def test_evidence_uploaded_on_one_node_downloads_on_the_other_and_no_node_keeps_it_on_disk(nodes, portal):
    _, (a, b) = nodes
    with portal.app_context():
        db = get_session()
        consortium = f.create_consortium(db)
        municipality, provider = f.create_municipality(db, consortium), f.create_provider(db)
        contract = f.create_contract(db, consortium, provider)
        trajectory = f.create_trajectory(db, contract, municipality, status="active", start=date(2026, 2, 1))
        bureau = f.create_user(db, "provider", provider=provider)
        db.commit()
        trajectory_id, email = trajectory.id, bureau.email
    browser = Browser()
    browser.log_in(a, email)
    claim_form = f"{a.url}/trajecten/{trajectory_id}/declareren"
    response = browser.request("POST", claim_form, data={
        "csrf_token": browser.csrf(claim_form), "type": "intake", "happened": "03-02-2026",
        "evidence_kind": "attendance_list"}, files={"files": ("lijst.pdf", f.PDF_BYTES, "application/pdf")})
    assert response.status_code == 302, response.text
    with portal.app_context():
        evidence = get_session().scalar(select(EvidenceFile).order_by(EvidenceFile.id.desc()))
        assert get_session().get(StoredBlob, evidence.sha256).data == f.PDF_BYTES
        evidence_id = evidence.id
    download = browser.request("GET", f"{b.url}/bewijs/{evidence_id}")
    assert download.status_code == 200 and download.content == f.PDF_BYTES
    assert "no-store" in download.headers["Cache-Control"]
    assert [p for node in (a, b) for p in (node.instance / "evidence").rglob("*") if p.is_file()] == []


def test_a_logout_on_one_node_ends_the_same_session_on_the_other(nodes, portal):
    _, (a, b) = nodes
    with portal.app_context():
        db = get_session()
        email = f.create_user(db, "reviewer").email
        db.commit()
    browser = Browser()
    browser.log_in(b, email)
    copied = dict(browser.cookies)
    assert browser.request("GET", f"{b.url}{PAGE}").status_code == 200
    token = browser.csrf(f"{a.url}{PAGE}")  # the session made on B works on A
    assert browser.request("POST", f"{a.url}/logout", data={"csrf_token": token}).status_code == 302
    browser.cookies = copied  # the cookie as it was before the logout, replayed on the other node
    again = browser.request("GET", f"{b.url}{PAGE}")
    assert again.status_code == 302 and "/login" in again.headers["Location"]


def test_approvals_sent_to_both_nodes_at_once_give_one_winner_per_run_and_gapless_numbers(nodes, portal,
                                                                                           monkeypatch):
    _, (a, b) = nodes
    freeze_today(monkeypatch, date(2026, 11, 20))  # the set-up's dates; the nodes issue with today's date
    runs, approver_id = submitted_runs(portal, 2)
    with portal.app_context():
        db = get_session()
        first_number = (db.scalar(select(Invoice.number).order_by(Invoice.number.desc()).limit(1)) or 0) + 1
        email = db.get(User, approver_id).email
    browser = Browser()
    browser.log_in(a, email)
    token = browser.csrf(f"{a.url}/afrekeningen/{runs[0]}")
    # Every run is approved twice at once: once through node A and once through node B.
    attempts = [(node, run_id) for run_id in runs for node in (a, b)]

    def approve(attempt) -> int:
        node, run_id = attempt
        return browser.http.post(f"{node.url}/afrekeningen/{run_id}/goedkeuren", data={"csrf_token": token},
                                 cookies=browser.cookies, allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(len(attempts)) as pool:
        statuses = list(pool.map(approve, attempts))
    per_run = [sorted(statuses[i:i + 2]) for i in range(0, len(statuses), 2)]
    assert per_run == [[302, 409]] * len(runs), statuses
    with portal.app_context():
        numbers = sorted(get_session().scalars(select(Invoice.number).where(Invoice.number >= first_number)))
    assert numbers == list(range(first_number, first_number + 2 * len(runs)))


def test_without_prepared_statements_the_engine_works_as_behind_pgbouncer(nodes):
    url, _ = nodes
    engine = make_engine(url, prepared_statements=False)
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.prepare_threshold is None
        for _ in range(8):  # psycopg would prepare a statement from its 5th run on
            assert connection.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
