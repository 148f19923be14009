"""An example client of the Resultaatportaal API: a bureau's flow with `requests`.

    python scripts/api_client_example.py --base https://portaal.example --token rp_... --evidence intake.pdf

It accepts the oldest referral in the inbox, claims its intake with evidence, waits (polling the
events feed) until the claim is decided and an invoice is issued, and downloads that invoice's PDF,
checking it against the SHA-256 the portal sends along. Every POST carries an Idempotency-Key, so
a request that timed out can simply be sent again.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import requests


class Api:
    """A thin wrapper: the base URL, the token, and a problem document turned into an exception."""

    def __init__(self, base: str, token: str):
        self.base = base.rstrip("/") + "/api/v1"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        if method == "POST":
            kwargs.setdefault("headers", {})["Idempotency-Key"] = str(uuid.uuid4())
        response = self.session.request(method, self.base + path, timeout=30, **kwargs)
        if response.status_code >= 400:
            problem = response.json()
            raise RuntimeError(f"{method} {path}: {problem['status']} {problem['code']}: {problem['detail']}")
        return response


def accept_first_referral(api: Api, start: date) -> int:
    """Accept the oldest referral in the inbox; return its trajectory id."""
    referrals = api.call("GET", "/referrals").json()
    if not referrals:
        raise RuntimeError("Er staan geen aanmeldingen in de inbox.")
    trajectory = api.call("POST", f"/referrals/{referrals[0]['id']}/accept", json={"start": start.isoformat()}).json()
    return trajectory["id"]


def claim_with_evidence(api: Api, trajectory_id: int, milestone: str, happened: date, evidence: Path) -> int:
    """Claim a milestone with one evidence file (multipart); return the claim id."""
    with evidence.open("rb") as file:
        claim = api.call("POST", f"/trajectories/{trajectory_id}/claims",
                         data={"type": milestone, "happened": happened.isoformat(), "evidence_kind": "other"},
                         files=[("files", (evidence.name, file, "application/pdf"))]).json()
    return claim["id"]


def events_cursor(api: Api) -> str:
    """Return the cursor of 'now': the events after it are the ones still to come."""
    cursor = ""
    while True:
        page = api.call("GET", "/events", params={"after": cursor, "limit": 200}).json()
        if not page["items"]:
            return page["next"]
        cursor = page["next"]


def wait_for_event(api: Api, cursor: str, wanted, timeout: float = 60.0) -> tuple[dict, str]:
    """Poll the feed until an event satisfies `wanted`; return it and the cursor after it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = api.call("GET", "/events", params={"after": cursor}).json()
        for event in page["items"]:
            cursor = event["cursor"]
            if wanted(event):
                return event, cursor
        cursor = page["next"]
        time.sleep(0.5)
    raise TimeoutError("Het verwachte bericht kwam niet binnen de tijd.")


def download_invoice(api: Api, invoice_id: int, directory: Path) -> Path:
    """Download an invoice's PDF and check it against the portal's Repr-Digest (SHA-256)."""
    response = api.call("GET", f"/invoices/{invoice_id}/pdf")
    digest = base64.b64encode(hashlib.sha256(response.content).digest()).decode()
    if response.headers.get("Repr-Digest") != f"sha-256=:{digest}:":
        raise RuntimeError("De PDF komt niet overeen met de hash die het portaal meestuurt.")
    path = directory / f"factuur-{invoice_id}.pdf"
    path.write_bytes(response.content)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="adres van het portaal, bijvoorbeeld https://portaal.example")
    parser.add_argument("--token", required=True, help="API-token van het re-integratiebedrijf (scope write)")
    parser.add_argument("--evidence", required=True, type=Path, help="bewijsstuk (PDF) voor de intake")
    parser.add_argument("--out", default=Path("."), type=Path, help="map voor de gedownloade factuur")
    parser.add_argument("--wait", default=3600.0, type=float, help="seconden wachten op besluit en factuur")
    args = parser.parse_args(argv)
    api, today = Api(args.base, args.token), date.today()
    cursor = events_cursor(api)
    trajectory_id = accept_first_referral(api, today)
    claim_id = claim_with_evidence(api, trajectory_id, "intake", today, args.evidence)
    print(f"traject {trajectory_id} geaccepteerd, intake gedeclareerd (declaratie {claim_id})")
    decision, cursor = wait_for_event(api, cursor, lambda e: e["object_type"] == "milestone_claim"
                                      and e["object_id"] == claim_id, args.wait)
    print(f"besluit: {decision['type']}")
    invoice, _ = wait_for_event(api, cursor, lambda e: e["type"] == "invoice.issued", args.wait)
    print(f"factuur opgeslagen: {download_invoice(api, invoice['object_id'], args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
