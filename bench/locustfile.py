"""The load test's users (locust): bureaus list and claim, reviewers decide, finance previews.

Run by bench/bench_load.py, which prepares the database and the nodes and passes them in:
LOAD_NODES (comma-separated base URLs; every request goes to the next node, as a load balancer
without sticky sessions would send it) and LOAD_WORK (a JSON file with the accounts, the
trajectories each bureau may claim and the claims awaiting review).
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.appnodes import send_over_http  # noqa: E402

NODES = os.environ["LOAD_NODES"].split(",")
WORK = json.loads(Path(os.environ["LOAD_WORK"]).read_text())
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_accounts = {role: iter(emails) for role, emails in WORK["accounts"].items()}
_claimable = iter(WORK["claimable"])
_pending = iter(WORK["pending"])


class PortalUser(HttpUser):
    abstract = True
    host = NODES[0]
    role = ""
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.nodes = itertools.cycle(random.sample(NODES, len(NODES)))
        email = next(_accounts[self.role])
        token = self.csrf("/login", name="/login")
        self.post("/login", {"csrf_token": token, "email": email, "password": WORK["password"]}, "/login")

    def url(self, path: str) -> str:
        return next(self.nodes) + path

    def get(self, path: str, name: str) -> str:
        """GET a page; anything but 200 (a redirect to the login page too) is an error."""
        with self.client.get(self.url(path), name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"GET {path}: HTTP {response.status_code}")
        send_over_http(self.client.cookies)
        return response.text

    def post(self, path: str, data: dict, name: str, files: dict | None = None) -> None:
        """POST a form; the answer must be the redirect that follows success."""
        with self.client.post(self.url(path), data=data, files=files, name=name, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"POST {path}: HTTP {response.status_code}")
        send_over_http(self.client.cookies)

    def csrf(self, path: str, name: str) -> str:
        found = CSRF.search(self.get(path, name))
        return found.group(1) if found else ""


class Bureau(PortalUser):
    """A bureau's case worker: mostly lists and opens trajectories; now and then claims a milestone with evidence."""

    weight = 6
    role = "provider"

    @task(5)
    def first_page(self) -> None:
        self.get("/trajecten", "/trajecten")

    @task(2)
    def search(self) -> None:
        self.get(f"/trajecten?q={random.choice(['jans', 'bakk', 'vis', 'smit', 'meij'])}", "/trajecten?q=")

    @task(1)
    def waiting_for_me(self) -> None:
        self.get("/trajecten?waiting=y", "/trajecten?waiting=y")

    @task(2)
    def open_one(self) -> None:
        self.get(f"/trajecten/{random.choice(WORK['mine'])}", "/trajecten/[id]")

    @task(1)
    def claim(self) -> None:
        trajectory_id = next(_claimable, None)
        if trajectory_id is None:
            return
        path = f"/trajecten/{trajectory_id}/declareren"
        token = self.csrf(path, "/trajecten/[id]/declareren")
        data = {"csrf_token": token, "type": "intake", "happened": WORK["happened"],
                "evidence_kind": "attendance_list"}
        pdf = PDF + str(trajectory_id).encode()  # a file of its own per claim, as in real life
        self.post(path, data, "/trajecten/[id]/declareren", files={"files": ("lijst.pdf", pdf, "application/pdf")})


class Reviewer(PortalUser):
    """A reviewer: looks at the queue, opens a claim and approves it."""

    weight = 3
    role = "reviewer"

    @task(2)
    def queue(self) -> None:
        self.get("/beoordelen", "/beoordelen")

    @task(3)
    def decide(self) -> None:
        claim_id = next(_pending, None)
        if claim_id is None:
            return
        token = self.csrf(f"/beoordelen/{claim_id}", "/beoordelen/[id]")
        self.post(f"/beoordelen/{claim_id}/goedkeuren", {"csrf_token": token}, "/beoordelen/[id]/goedkeuren")


class Finance(PortalUser):
    """Finance: lists the runs and previews a contract's settlement."""

    weight = 1
    role = "finance"

    @task(2)
    def runs(self) -> None:
        self.get("/afrekeningen", "/afrekeningen")

    @task(1)
    def preview(self) -> None:
        contract = random.choice(WORK["contracts"])
        self.get(f"/afrekeningen/nieuw?contract={contract}&peildatum={WORK['peildatum']}",
                 "/afrekeningen/nieuw?contract=")
