"""The review queue: working-day age, oldest first, filters, pagination and a fixed number of queries."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event

from portal.review.queue import OVERDUE_AFTER_WORKING_DAYS, pending_claims, working_days_between

from ... import factories as f
from .conftest import add_evidence

FRI, SAT, SUN, MON = date(2026, 11, 6), date(2026, 11, 7), date(2026, 11, 8), date(2026, 11, 9)


@pytest.mark.parametrize("start, end, days", [
    (FRI, FRI, 0), (FRI, SAT, 0), (FRI, SUN, 0), (FRI, MON, 1), (SAT, MON, 1), (SUN, MON, 1),
    (MON, MON + timedelta(days=7), 5), (FRI, date(2026, 11, 20), 10), (FRI, date(2026, 11, 23), 11),
    (SAT, date(2026, 11, 20), 10), (SAT, date(2026, 11, 22), 10), (SAT, date(2026, 11, 23), 11),
    (MON, FRI, 0),  # a submission date after today (clock skew) is not negative
])
def test_working_days_count_monday_to_friday(start, end, days):
    assert working_days_between(start, end) == days


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(0, 400))
def test_working_days_match_counting_day_by_day(start, span):
    end = start + timedelta(days=span)
    expected = sum(1 for i in range(1, span + 1) if (start + timedelta(days=i)).weekday() < 5)
    assert working_days_between(start, end) == expected


def test_the_ten_day_flag_counts_across_weekends(db, rw):
    f.create_claim(db, rw.trajectory_a, submitted=FRI)  # Fri 06-11
    on_time = pending_claims(db, rw.reviewer, today=date(2026, 11, 20)).rows[0]  # two weekends later, Friday
    late = pending_claims(db, rw.reviewer, today=date(2026, 11, 23)).rows[0]  # the Monday after
    weekend = pending_claims(db, rw.reviewer, today=date(2026, 11, 22)).rows[0]  # the Sunday in between
    assert (on_time.age, on_time.overdue) == (OVERDUE_AFTER_WORKING_DAYS, False)
    assert (weekend.age, weekend.overdue) == (10, False)
    assert (late.age, late.overdue) == (11, True)


def test_pending_claims_oldest_first_with_facts_and_evidence_counts(db, rw):
    newer = f.create_claim(db, rw.trajectory_a, "placement", submitted=date(2026, 11, 10))
    older = f.create_claim(db, rw.trajectory_b, "intake", submitted=date(2026, 11, 2))
    same_day = f.create_claim(db, rw.trajectory_a, "intake", submitted=date(2026, 11, 10))
    f.create_claim(db, rw.trajectory_a, "plan", review="approved")
    f.create_claim(db, rw.trajectory_a, "plan", review="rejected")
    add_evidence(db, newer, "a.pdf")
    add_evidence(db, newer, "b.pdf")
    add_evidence(db, older, "c.pdf")
    page = pending_claims(db, rw.reviewer, today=date(2026, 11, 20))
    assert [r.claim_id for r in page.rows] == [older.id, newer.id, same_day.id]
    assert page.total == 3 and page.pages == 1
    first = page.rows[0]
    assert (first.ref, first.type, first.trajectory_ref, first.contract_code, first.provider_name,
            first.municipality_name, first.evidence_count, first.age) == (
        older.ref, "intake", rw.trajectory_b.ref, rw.contract_b.code, rw.provider_b.name, rw.municipality.name, 1, 14)
    assert [r.evidence_count for r in page.rows] == [1, 2, 0]


def test_filters_per_contract_and_per_bureau(db, rw):
    a = f.create_claim(db, rw.trajectory_a)
    b = f.create_claim(db, rw.trajectory_b)

    def ids(**filters):
        return [r.claim_id for r in pending_claims(db, rw.reviewer, today=date(2026, 11, 20), **filters).rows]

    assert ids(contract_id=rw.contract_a.id) == [a.id]
    assert ids(provider_id=rw.provider_b.id) == [b.id]
    assert ids(contract_id=rw.contract_a.id, provider_id=rw.provider_b.id) == []


def test_pagination_keeps_the_order_and_clamps_the_page_number(db, rw):
    claims = [f.create_claim(db, rw.trajectory_a, submitted=date(2026, 11, 1) + timedelta(days=i)) for i in range(5)]
    pages = [pending_claims(db, rw.reviewer, today=date(2026, 11, 20), page=n, per_page=2) for n in (1, 2, 3)]
    assert [[r.claim_id for r in p.rows] for p in pages] == [[c.id for c in claims[i:i + 2]] for i in (0, 2, 4)]
    assert (pages[0].total, pages[0].pages) == (5, 3)
    assert pending_claims(db, rw.reviewer, today=date(2026, 11, 20), page=99, per_page=2).number == 3
    assert pending_claims(db, rw.reviewer, today=date(2026, 11, 20), page=-1, per_page=2).number == 1


def test_the_queue_only_shows_what_the_user_may_see(db, rw):
    f.create_claim(db, rw.trajectory_a)
    outsider = f.create_user(db, "provider", provider=rw.provider_b)
    assert pending_claims(db, outsider, today=date(2026, 11, 20)).rows == []


@pytest.mark.parametrize("number", [2, 12])
def test_the_queue_is_three_queries_however_many_claims(db, rw, number):
    for i in range(number):
        add_evidence(db, f.create_claim(db, rw.trajectory_a if i % 2 else rw.trajectory_b), f"bewijs{i}.pdf")
    db.expire_all()
    assert rw.reviewer.roles == {"reviewer"}  # the user is loaded before counting, as in a request
    statements = []
    connection = db.connection()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(connection, "before_cursor_execute", listener)
    try:
        page = pending_claims(db, rw.reviewer, today=date(2026, 11, 20))
    finally:
        event.remove(connection, "before_cursor_execute", listener)
    assert len(page.rows) == number
    assert len(statements) == 3, statements  # count, the page, the evidence counts
