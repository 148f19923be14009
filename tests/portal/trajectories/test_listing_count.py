"""Beyond EXACT_COUNT_UP_TO the list shows PostgreSQL's estimate (and says so); below it, or on SQLite, the exact count."""
from __future__ import annotations

from datetime import date

from sqlalchemy import text

from portal.trajectories import listing
from portal.trajectories.listing import ListFilters, list_trajectories

from ... import factories as f


def test_a_long_list_shows_an_estimate_on_postgresql_and_the_exact_count_elsewhere(db, tw, monkeypatch):
    for _ in range(4):
        f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 3, 1))
    db.flush()
    assert list_trajectories(db, tw.bureau, ListFilters()).estimated is False
    monkeypatch.setattr(listing, "EXACT_COUNT_UP_TO", 2)
    page = list_trajectories(db, tw.bureau, ListFilters(), size=2, page=3)
    if db.bind.dialect.name == "postgresql":
        db.execute(text("ANALYZE trajectory"))
        page = list_trajectories(db, tw.bureau, ListFilters(), size=2, page=3)
        assert page.estimated and page.total >= 3 and page.number == 3
    else:
        assert not page.estimated and page.total == 4 and page.number == 2
    assert [r.ref for r in page.rows] == [r.ref for r in list_trajectories(db, tw.bureau, ListFilters(), size=2,
                                                                             page=page.number).rows]


def test_the_page_says_about_when_the_count_is_an_estimate(app, db, tw, monkeypatch):
    for _ in range(3):
        f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 3, 1))
    db.commit()
    monkeypatch.setattr(listing, "cheap_count", lambda session, user, filters: (12345, True))
    client = app.test_client()
    f.log_in(client, tw.bureau)
    body = client.get("/trajecten").get_data(as_text=True)
    assert "Ongeveer 12345 trajecten gevonden." in body
