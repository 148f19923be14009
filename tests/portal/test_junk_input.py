"""Junk into every form and every URL with ids, as every role that may use it: never a 5xx, nothing stored.

The targets are the access grid's rows (`tests/portal/access/`): every POST, and every GET whose URL
carries an id or whose page has a search form. The world is the grid's own (`build_world`), built once
per engine. Field names come from the forms on the grid's pages (every `<form>` of every HTML page,
parsed by action) plus the row's own data; each example keeps some fields valid, fills others with
junk (control and bidi characters, 10,000-character strings, emoji, `1E+30`, `NaN`, huge ints, ids
beyond 2^31, impossible dates, lists, nothing at all) and adds fields nobody asked for.

A refused request (4xx, a form sent back with its errors, or a redirect with an error message) must
leave every table as it was. Each request runs in its own transaction, as in production.

`JUNK_EXAMPLES=200 TEST_ENGINES=postgresql .venv/bin/python -m pytest tests/portal/test_junk_input.py`
runs it longer by hand (`JUNK_SEED=N` for other examples); the suite runs a few derandomized examples per target.
"""
from __future__ import annotations

import os
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings, strategies as st
from sqlalchemy import func, literal, select, union_all

from portal.db import get_session
from portal.models import Base, User
from tests.factories import log_in
from .access.rows import Row
from .access.test_grid import ROWS
from .access.world import ROLES, build_world

#: Examples per target, spread over the roles that may use it (at least one each).
EXAMPLES = int(os.environ.get("JUNK_EXAMPLES", "2"))
#: Other junk than the suite's fixed examples: `JUNK_SEED=7`.
SEED = int(os.environ["JUNK_SEED"]) if os.environ.get("JUNK_SEED") else None
#: Pages not worth parsing for forms (downloads) and not worth fetching with valid ids (slow renders).
DOWNLOAD = re.compile(r"(pdf|csv|json|ubl|export|download|report)", re.I)
#: Refusals that legitimately leave a trace: a failed login or code is counted (throttling), a reset
#: request is answered the same whether or not the address exists, and a BSN look-up is audited and
#: counted against the hourly limit whatever it finds (AVG; portal.privacy.lookups).
BSN_LOOKUP = {"bsn_lookup", "audit_event"}
MAY_WRITE_WHEN_REFUSED = {
    "privacy.search_bsn": BSN_LOOKUP, "trajectories.find_client": BSN_LOOKUP, "trajectories.new_client": BSN_LOOKUP,
    "auth.login": {"login_attempt", "audit_event"},
    "auth.second_factor": {"login_attempt", "audit_event"},
    "auth.forgot_password": {"password_reset", "audit_event"},
}

JUNK_STRINGS = [
    "", " ", "\x00", "a\x00b", "\x01\x1f", "\x7f", "\u0085", "\u202egnp.exe", "\u2066x\u2069", "x" * 10_000,
    "😀" * 40, "👩‍👩‍👧", "1E+30", "-1E+30", "1e-30", "-0", "NaN", "nan", "Infinity", "-inf", "0", "-1",
    str(2**31), str(-(2**31) - 1), str(2**63), "9" * 40, "1,5", "1.000.000,00", "€ 12,50", "0x1F", "１２３",
    "0001-01-01", "9999-12-31", "31-02-2026", "2026-02-31", "2026-13-01", "00-00-0000", "2026-1-1T25:61",
    "true", "on", "[]", "{}", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "\ufeff",
    "a@b", "x" * 300 + "@example.nl", "NL00BANK0123456789", "123456782",
]
JUNK_IDS = ["0", "-1", "2147483647", "2147483648", "9223372036854775808", "9" * 30, "1e3", "0x1", "１", "01"]
junk_text = st.one_of(st.sampled_from(JUNK_STRINGS), st.text(max_size=20), st.integers().map(str),
                      st.floats().map(str))
MISSING = object()


@dataclass
class FormFields:
    """The fields of the forms found for one action URL: name -> values seen (options, defaults)."""
    values: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, value: str | None) -> None:
        seen = self.values.setdefault(name, [])
        if value is not None and value not in seen:
            seen.append(value)


class FormParser(HTMLParser):
    """Collects every form of a page: (method, action) -> FormFields."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: dict[tuple[str, str], FormFields] = {}
        self.current: FormFields | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").upper()
            action = urlsplit(a.get("action") or self.page_url).path
            self.current = self.forms.setdefault((method, action), FormFields())
        elif self.current is None:
            return
        elif tag in ("input", "textarea", "select", "button") and a.get("name"):
            if tag == "select":
                self.select = a["name"]
            self.current.add(a["name"], a.get("value") if tag != "select" else None)
        elif tag == "option" and self.select:
            self.current.add(self.select, a.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


@dataclass
class Target:
    row: Row
    url: str
    roles: list[str]
    fields: dict[str, list[str]]        # name -> valid-looking values (may be empty)
    ids: list[tuple[int, int]]          # spans of the numeric path segments of url


def id_spans(url: str) -> list[tuple[int, int]]:
    path = urlsplit(url).path
    return [m.span(1) for m in re.finditer(r"/(\d+)(?=/|$)", path)]


def table_counts(app) -> dict[str, int]:
    with app.app_context():
        session = get_session()
        query = union_all(*(select(literal(t.name), func.count()).select_from(t)
                            for t in Base.metadata.sorted_tables))
        return dict(session.execute(query).all())


def sign_in(app, client, user: User | None) -> None:
    """A fresh session as this user, who may have been blocked or logged out by an earlier example."""
    if user is None:  # anonymous
        client.delete_cookie("session")
        return
    with app.app_context():
        session = get_session()
        user = session.get(User, user.id)
        if not user.active or not user.session_token:
            user.active = True
            log_in(client, user)
            session.commit()
        else:
            log_in(client, user)
    with client.session_transaction() as cookie:
        cookie.pop("_flashes", None)  # an earlier example's message must not count for this one


def refused(client, response) -> bool:
    if response.status_code >= 400:
        return True
    if response.status_code in (301, 302, 303):
        with client.session_transaction() as session:
            return any(category == "error" for category, _ in session.get("_flashes", []))
    body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    return 'class="error' in body or "error-summary" in body or 'class="flash error' in body


def collect_targets(app, world, clients) -> list[Target]:
    forms: dict[tuple[str, str], FormFields] = {}
    with app.app_context():
        urls = [(row, row.url(world)) for row in ROWS]
    for row, url in urls:
        if row.method != "GET" or DOWNLOAD.search(row.endpoint) or not row.allowed:
            continue
        role = "anonymous" if row.public else sorted(row.allowed)[0]
        sign_in(app, clients[role], world.users.get(role))
        response = clients[role].get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            parser = FormParser(urlsplit(url).path)
            parser.feed(response.get_data(as_text=True))
            for key, found in parser.forms.items():
                target = forms.setdefault(key, FormFields())
                for name, values in found.values.items():
                    for value in values or [None]:
                        target.add(name, value)
    targets = []
    for row, url in urls:
        roles = sorted(row.allowed | ({"anonymous"} if row.public else set()))
        if not roles:
            continue
        with app.app_context():
            data = row.data(world)
        fields = {name: list(values) for name, values in forms.get((row.method, urlsplit(url).path),
                                                                   FormFields()).values.items()}
        for name, value in data.items():
            fields.setdefault(name, [])
            if str(value) not in fields[name]:
                fields[name].insert(0, str(value))
        spans = id_spans(url)
        if row.method == "POST" or spans or fields:
            targets.append(Target(row, url, roles, fields, spans))
    return targets


@st.composite
def junk_request(draw, target: Target, role: str):
    url = target.url
    must_junk_url = target.row.method == "GET" and target.ids and (not target.fields or
                                                                   DOWNLOAD.search(target.row.endpoint))
    if target.ids and (must_junk_url or draw(st.booleans())):
        spans = target.ids
        chosen = draw(st.lists(st.sampled_from(spans), min_size=1, unique=True))
        for start, end in sorted(chosen, reverse=True):
            url = url[:start] + draw(st.sampled_from(JUNK_IDS)) + url[end:]
    form: dict[str, object] = {}
    for name, values in target.fields.items():
        choices = [junk_text, st.just(MISSING), st.lists(junk_text, min_size=2, max_size=3)]
        if values:
            choices.insert(0, st.sampled_from(values))
        value = draw(st.one_of(*choices))
        if value is not MISSING:
            form[name] = value
    for name in draw(st.lists(st.sampled_from(["id", "page", "next", "role", "user_id", "amount", "x" * 300, "extra[]"]),
                              max_size=2, unique=True)):
        form.setdefault(name, draw(junk_text))
    return role, url, form


def run_target(app, world, clients, target: Target, role: str, seen: Counter) -> None:
    row = target.row

    @settings(max_examples=max(1, EXAMPLES // len(target.roles)), derandomize=SEED is None, database=None,
              deadline=None, print_blob=False, phases=(Phase.explicit, Phase.generate, Phase.shrink),
              suppress_health_check=list(HealthCheck))
    @given(junk_request(target, role))
    def check(request):
        role, url, form = request
        client = clients[role]
        sign_in(app, client, world.users.get(role))
        before = table_counts(app) if row.method == "POST" else None
        try:
            if row.method == "GET":
                query = urlencode([(k, x) for k, v in form.items() for x in (v if isinstance(v, list) else [v])])
                response = client.get(url + (("&" if "?" in url else "?") + query if query else ""))
            else:
                response = client.post(url, data=form)
        except Exception as error:  # a 500 in production (the test client lets it through)
            raise AssertionError(f"500 ({error!r}) for {role} {row.method} {url} {form!r}") from error
        assert response.status_code < 500, f"{response.status_code} for {role} {row.method} {url} {form!r}"
        seen["requests"] += 1
        if before is not None and refused(client, response):
            seen["refusals checked"] += 1
            after = table_counts(app)
            changed = {t for t in after if after[t] != before.get(t)} - MAY_WRITE_WHEN_REFUSED.get(row.endpoint,
                                                                                                   set())
            assert not changed, (f"refused ({response.status_code}) but stored in {sorted(changed)}: "
                                 f"{role} {row.method} {url} {form!r}")

    (seed(SEED)(check) if SEED is not None else check)()


@pytest.fixture
def junk_world(app, engine):
    """The grid's world, committed, with one signed-in test client per role; no app context stays open, so
    every request has its own session and transaction (rolled back unless the view commits)."""
    with app.app_context():
        world = build_world(get_session())
    clients = {role: app.test_client() for role in ROLES}
    return world, clients


def test_junk_never_causes_a_server_error_nor_stores_anything(app, junk_world):
    world, clients = junk_world
    failures, seen = [], Counter()
    targets = collect_targets(app, world, clients)
    for target in targets:
        for role in target.roles:  # every role that may use it, EXAMPLES per target in all
            try:
                run_target(app, world, clients, target, role, seen)
            except Exception as error:  # noqa: BLE001 - collect every target's finding, then fail once
                notes = "\n".join(getattr(error, "__notes__", []))
                failures.append(f"{role} {target.row.method} {target.row.endpoint}: {error!r}\n{notes}\n"
                                + "".join(traceback.format_exception(error)[-6:]))
    assert not failures, "\n\n".join(failures)
    # The test can fail: it reached every target, and refused requests were checked for stored rows.
    assert len(targets) >= 90 and seen["requests"] >= len(targets) and seen["refusals checked"] >= 30, seen
