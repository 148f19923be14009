"""Browser tests: the portal with the demo data on a live server, driven through Debian's Chromium.

The server runs in a thread of the test process on a fresh SQLite file; CSRF and the
Content-Security-Policy stay on, as in production. Every page a test visits must be
checked with axe (assert_accessible); the page fixture fails a test that skipped one,
that hit a server error, or that made the browser report a console error (a CSP block).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from flask import got_request_exception
from sqlalchemy import select
from stdnum.nl import bsn as stdnum_bsn
from werkzeug.serving import WSGIRequestHandler, make_server

from portal import create_app, migrate
from portal.demo import DEMO_PASSWORD, build_demo
from portal.models import Contract, MilestoneClaim, Trajectory
from portal.trajectories.clients import find_client_by_bsn

from .axe import assert_accessible

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
TIMEOUT_MS = 10_000

KLANTMANAGER = "klantmanager@alkmaar.example"
BUREAU = "bureau@werkkracht.example"
REVIEWER = "contractmanager@nk.example"
FINANCE = "financien@nk.example"
ADMIN = "beheer@nk.example"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    url: str
    app: object
    errors: list = field(default_factory=list)
    # Demo objects set aside for one test each, so that tests do not depend on each other's order.
    claims: dict[str, DemoClaim] = field(default_factory=dict)
    # BSNs that pass the elfproef and belong to no demo client, one per test that registers a client.
    fresh_bsns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DemoClaim:
    id: int
    ref: str
    contract_code: str


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{root / 'portal.db'}"
    migrate.upgrade(url)
    # Short pages: the pager gets used, and axe checks a long table in seconds, not milliseconds.
    app = create_app({"TESTING": True, "DATABASE_URL": url, "EVIDENCE_DIR": str(root / "evidence"),
                      "PAGE_SIZE": 10})
    server = LiveServer(url="", app=app)
    with app.app_context():
        from portal.db import get_session
        session = get_session()
        build_demo(session)
        session.commit()
        server.claims = _claims_set_aside(session)
        server.fresh_bsns = _fresh_bsns(session, 5)

    def _record(sender, exception, **extra):
        server.errors.append(repr(exception))

    got_request_exception.connect(_record, app, weak=False)
    http = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    server.url = f"http://127.0.0.1:{http.server_port}"
    thread = threading.Thread(target=http.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield server
    http.shutdown()
    thread.join(timeout=5)


def _claims_set_aside(session) -> dict[str, DemoClaim]:
    """Pick distinct demo claims for the tests that decide on demo data (not on the money path's contract)."""
    query = (select(MilestoneClaim.id, MilestoneClaim.ref, Contract.code).join(MilestoneClaim.trajectory)
             .join(Trajectory.contract).where(Contract.code != "NK-DB-2025-WKN", Contract.code.startswith("NK-"))
             .order_by(MilestoneClaim.id.desc()))  # NK-: the demo reviewer is Noord-Kennemerland's
    pending = session.execute(query.where(MilestoneClaim.review == "pending").limit(2)).all()
    approved = session.execute(query.where(MilestoneClaim.review == "approved").limit(1)).all()
    return {"to_reject": DemoClaim(*pending[0]), "to_look_at": DemoClaim(*pending[1]),
            "to_revoke": DemoClaim(*approved[0])}


def _fresh_bsns(session, count: int) -> list[str]:
    found = []
    for candidate in range(100_000_000, 999_999_999, 7_919):
        digits = f"{candidate:09d}"
        if stdnum_bsn.is_valid(digits) and find_client_by_bsn(session, digits) is None:
            found.append(digits)
            if len(found) == count:
                return found
    raise AssertionError("no fresh BSN")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.call_failed = report.failed


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context per test; afterwards, every page it showed must have passed axe."""
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam",
                                  viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    shown: list[list] = []  # [url, checked]
    console_errors: list[str] = []
    errors_before = len(live_server.errors)

    def _navigated(frame):
        if frame == page.main_frame and frame.url.startswith(live_server.url):
            shown.append([frame.url, False])

    def _checked(url):
        if shown and shown[-1][0] == url:
            shown[-1][1] = True

    page.on("framenavigated", _navigated)
    # Error statuses are the pages' business (a 401 after a wrong password); a refused script or style is not.
    page.on("console", lambda message: message.type == "error" and not message.text.startswith(
        "Failed to load resource") and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.accessibility_checked = _checked
    yield page
    context.close()
    if getattr(request.node, "call_failed", False):
        return
    server_errors = live_server.errors[errors_before:]
    assert not server_errors, f"the server raised: {server_errors}"
    assert not console_errors, f"the browser reported errors: {console_errors}"
    unchecked = [url for url, checked in shown if not checked]
    assert not unchecked, f"pages shown without an accessibility check: {unchecked}"


def login(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page (checking it) and land on the start page (checking it)."""
    if urlsplit(page.url).path != "/login":  # after logout() the login page is already shown and checked
        page.goto("/login")
        assert_accessible(page)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/start")
    assert_accessible(page)


def logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login")
    assert_accessible(page)
