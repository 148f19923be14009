"""The trajectory list: scope, filters, "wacht op mij", search, sorting, pages, and a constant number of queries."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event

from portal.models import ClientFact
from portal.trajectories.listing import ListFilters, list_trajectories

from ... import factories as f


@pytest.fixture
def mix(db, tw):
    """Five trajectories of the bureau (two municipalities) and one of the other bureau."""
    t = {
        "referred": f.create_trajectory(db, tw.contract, tw.municipality, status="referred"),
        "returned": f.create_trajectory(db, tw.contract, tw.municipality, status="accepted", plan_status="returned",
                                        start=date(2026, 3, 1)),
        "rejected": f.create_trajectory(db, tw.contract, tw.other_municipality, status="active",
                                        start=date(2026, 2, 1)),
        "reclaimed": f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 4, 1)),
        "quiet": f.create_trajectory(db, tw.contract, tw.other_municipality, status="active",
                                     start=date(2026, 1, 10)),
        "foreign": f.create_trajectory(db, tw.other_contract, tw.municipality, status="referred"),
    }
    f.create_claim(db, t["rejected"], "intake", review="rejected")
    f.create_claim(db, t["reclaimed"], "intake", review="rejected")
    f.create_claim(db, t["reclaimed"], "intake")  # claimed again: waits for the reviewer, not the bureau
    t["quiet"].client.last_name = "de Vries-Öztürk"
    # Target groups are dated facts (issue 9): the client is a jongere from 2026 on.
    db.add(ClientFact(client_id=t["quiet"].client_id, kind="target_group", value="jongere",
                      valid_from=date(2026, 1, 1), member=True, recorded_at=datetime.now(timezone.utc)))
    # Client profiles too: "rejected" was far from work until March 2026, then close to it.
    for valid_from, profile in ((date(2025, 6, 1), "ver"), (date(2026, 3, 1), "dichtbij")):
        db.add(ClientFact(client_id=t["rejected"].client_id, kind="profile", value=profile,
                          valid_from=valid_from, member=True, recorded_at=datetime.now(timezone.utc)))
    db.flush()
    return t


def refs(page) -> list[str]:
    return [r.ref for r in page.rows]


def test_a_bureau_sees_only_its_own(db, tw, mix):
    page = list_trajectories(db, tw.bureau, ListFilters())
    assert page.total == 5 and mix["foreign"].ref not in refs(page)


def test_a_klantmanager_sees_their_municipality_and_staff_see_all(db, tw, mix):
    assert list_trajectories(db, tw.klantmanager, ListFilters()).total == 4
    assert list_trajectories(db, tw.other_klantmanager, ListFilters()).total == 2
    assert list_trajectories(db, tw.reviewer, ListFilters()).total == 6


def test_waiting_for_the_bureau_is_referred_plan_returned_or_a_rejected_claim_not_claimed_again(db, tw, mix):
    page = list_trajectories(db, tw.bureau, ListFilters(waiting=True))
    assert sorted(refs(page)) == sorted(mix[k].ref for k in ("referred", "returned", "rejected"))
    assert all(r.waiting for r in page.rows)


def test_waiting_for_the_klantmanager_is_a_submitted_plan(db, tw, mix):
    mix["quiet"].plan_status = "submitted"
    db.flush()
    assert refs(list_trajectories(db, tw.other_klantmanager, ListFilters(waiting=True))) == [mix["quiet"].ref]


@pytest.mark.parametrize("filters, expected", [
    (ListFilters(status="active"), ["rejected", "reclaimed", "quiet"]),
    (ListFilters(segment="voortraject"), []),
    (ListFilters(target_group="jongere"), ["quiet"]),
    (ListFilters(profile="dichtbij"), ["rejected"]),
    (ListFilters(profile="ver"), []),  # the profile today, not one the client had before
    (ListFilters(q="VRIES-Ö"), ["quiet"]),  # SQLite lowers only ASCII; PostgreSQL all
    (ListFilters(q="%"), []),
])
def test_filters_and_search(db, tw, mix, filters, expected):
    assert sorted(refs(list_trajectories(db, tw.bureau, filters))) == sorted(mix[k].ref for k in expected)


def test_search_by_trajectory_or_client_ref_and_municipality_filter(db, tw, mix):
    assert refs(list_trajectories(db, tw.bureau, ListFilters(q=mix["quiet"].ref.lower()))) == [mix["quiet"].ref]
    assert refs(list_trajectories(db, tw.bureau, ListFilters(q=mix["returned"].client.ref))) == [mix["returned"].ref]
    assert list_trajectories(db, tw.bureau, ListFilters(municipality_id=tw.other_municipality.id)).total == 2


def test_sorting_by_start_puts_not_started_last_and_first_when_descending(db, tw, mix):
    ascending = refs(list_trajectories(db, tw.bureau, ListFilters(sort="start")))
    assert ascending == [mix[k].ref for k in ("quiet", "rejected", "returned", "reclaimed", "referred")]
    descending = refs(list_trajectories(db, tw.bureau, ListFilters(sort="start", descending=True)))
    assert descending == list(reversed(ascending))


def test_sorting_by_municipality_and_status(db, tw, mix):
    by_municipality = list_trajectories(db, tw.bureau, ListFilters(sort="municipality")).rows
    assert [r.municipality for r in by_municipality] == sorted(r.municipality for r in by_municipality)
    by_status = list_trajectories(db, tw.bureau, ListFilters(sort="status", descending=True)).rows
    assert [r.status for r in by_status] == sorted((r.status for r in by_status), reverse=True)


def test_pages_and_a_page_past_the_end_shows_the_last(db, tw, mix):
    first = list_trajectories(db, tw.bureau, ListFilters(), page=1, size=2)
    last = list_trajectories(db, tw.bureau, ListFilters(), page=99, size=2)
    assert (first.total, first.pages, last.number, len(last.rows)) == (5, 3, 3, 1)
    assert set(refs(first)).isdisjoint(refs(last))


def test_the_number_of_queries_does_not_grow_with_the_rows(db, tw, mix, app):
    statements = []
    engine = db.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        list_trajectories(db, tw.bureau, ListFilters(waiting=True, q="a"), size=50)
        small = len(statements)
        for _ in range(30):
            f.create_trajectory(db, tw.contract, tw.municipality, status="referred")
        statements.clear()
        list_trajectories(db, tw.bureau, ListFilters(waiting=True), size=50)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # One COUNT, one page, and (when the page has rows) the clients' target groups today (issue 9).
    assert small <= 3 and len(statements) == 3
