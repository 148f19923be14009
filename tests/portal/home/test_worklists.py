"""Every count on every role's start page links to a list that shows exactly the items counted."""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask import g

from portal import clock
from portal.finance.runs import return_run, start_run, submit_run

from ... import factories as f
from ..access.test_grid import all_rows  # noqa: F401  (imports every area's SETUP hook: runs, objections, samples)
from ..access.rows_finance import AS_OF
from ..access.world import build_world

EXPECTED = {
    "provider_a": ["Nieuwe aanmeldingen", "Aanmeldingen die langer dan 10 dagen wachten",
                   "Teruggestuurde trajectplannen", "Trajecten met een afgekeurde declaratie", "Lopende trajecten",
                   "Uitgegeven afrekeningen"],
    "klantmanager_a": ["Trajectplannen ter goedkeuring", "Aanmeldingen nog niet geaccepteerd",
                       "Aanmeldingen die langer dan 10 dagen wachten", "Lopende trajecten"],
    "reviewer": ["Declaraties te beoordelen", "Declaraties die langer dan 10 werkdagen wachten", "Open bezwaren"],
    "finance": ["Afrekeningen ter goedkeuring", "Door mij voorbereid en teruggestuurd", "Concept-afrekeningen",
                "Gefactureerde documenten", "Correcties sinds de laatste afrekening"],
    "admin": ["Contracten", "Gebruikers"],
    "auditor": ["Steekproeven"],
}
LINK = re.compile(r'<a href="([^"]+)" data-count="(\d+)">([^<]+?)\s*<strong>')


def _work(world, db) -> None:
    """Work of each kind for tenant A, the same kinds for tenant B, and ended trajectories that are no work."""
    today = clock.today()
    for contract, municipality in ((world.contract_a, world.municipality_a), (world.contract_b, world.municipality_b)):
        f.create_trajectory(db, contract, municipality, status="referred", start=today - timedelta(days=30))
        f.create_trajectory(db, contract, municipality, status="referred", start=today - timedelta(days=2))
        f.create_trajectory(db, contract, municipality, plan_status="submitted")
        f.create_trajectory(db, contract, municipality, plan_status="returned")
        f.create_trajectory(db, contract, municipality, status="ended", plan_status="submitted",
                            end=date(2026, 6, 1), end_reason="moved")
        rejected = f.create_trajectory(db, contract, municipality)
        f.create_claim(db, rejected, "intake", review="rejected")
        reclaimed = f.create_trajectory(db, contract, municipality)
        f.create_claim(db, reclaimed, "intake", review="rejected")
        f.create_claim(db, reclaimed, "intake", submitted=today)
    f.create_claim(db, world.trajectory_a, "placement", submitted=today)   # pending, not yet overdue
    finance, colleague = world.users["finance"], f.create_user(db, "finance")
    returned = start_run(db, finance, world.contract_a, AS_OF)   # contract_a: returned to its preparer
    submit_run(db, finance, returned)
    return_run(db, colleague, returned, "Controleer de peildatum.")
    start_run(db, finance, world.contract_b, AS_OF)              # contract_b: a draft
    submit_run(db, colleague, start_run(db, colleague, f.create_contract(db, world.contract_a.consortium,
                                                                         world.provider_a), AS_OF))
    db.flush()


def _items_on(html: str, anchor: str | None) -> int:
    """Count the list's items: the body rows of its table (the first after the anchor), or its item panels."""
    html = html[html.index('id="inhoud"'):]
    if anchor:
        html = html[html.index(f'id="{anchor}"'):]
    if "<table" not in html:
        return html.count('<section class="panel"')
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", html[html.index("<table"):], re.S)
    return len(re.findall(r"<tr[\s>]", body.group(1))) if body else 0


def test_every_count_of_every_role_is_the_list_it_links_to(app, db):
    """One world for all roles (building it is the slow part); every count of every role is checked."""
    world = build_world(db)
    _work(world, db)
    db.commit()
    for role, labels in EXPECTED.items():
        g.pop("_login_user", None)
        client = app.test_client()
        f.log_in(client, world.users[role])
        links = LINK.findall(client.get("/start").get_data(as_text=True))
        assert [label.strip() for _, _, label in links] == labels, role
        for href, count, label in links:
            href = href.replace("&amp;", "&")
            response = client.get(href)
            assert response.status_code == 200, href
            shown = _items_on(response.get_data(as_text=True), href.split("#")[1] if "#" in href else None)
            assert (role, label.strip(), shown) == (role, label.strip(), int(count)), href
        # Work of every kind exists in the world (corrections need a second run: their list is tested in history).
        assert all(int(count) > 0 for _, count, label in links if not label.startswith("Correcties")), role
