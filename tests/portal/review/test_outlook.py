"""Before the decision the claim page shows what the settlement would do with the claim if approved today."""
from __future__ import annotations

from datetime import date

from ... import factories as f
from .conftest import login


def page(client, claim) -> str:
    return client.get(f"/beoordelen/{claim.id}").get_data(as_text=True)


def section(html: str) -> str:
    start = html.index('id="h-outlook"')
    return html[start:html.index("</section>", start)]


def test_a_claim_in_time_would_be_payable(db, client, rw, today):
    claim = f.create_claim(db, rw.trajectory_a, "intake", happened=date(2026, 2, 3), submitted=date(2026, 2, 10))
    db.commit()
    login(client, rw.reviewer)
    shown = section(page(client, claim))
    assert "Betaalbaar" in shown and "op tijd" in shown and "binnen het venster" in shown
    assert "Ook na goedkeuring" not in shown and "de eerste declaratie" in shown


def test_a_late_claim_is_flagged_as_withheld_whatever_the_decision(db, client, rw, today):
    claim = f.create_claim(db, rw.trajectory_a, "intake", happened=date(2026, 2, 3), submitted=date(2026, 6, 1))
    db.commit()
    login(client, rw.reviewer)
    shown = section(page(client, claim))
    assert "Ook na goedkeuring wordt voor deze declaratie niets betaald" in shown
    assert "te laat" in shown and "LATE_SUBMISSION" in shown


def test_a_duplicate_and_a_result_claim_name_the_first_claim_and_the_cohort(db, client, rw, today):
    first = f.create_claim(db, rw.trajectory_a, "placement", happened=date(2026, 3, 2), submitted=date(2026, 3, 9),
                           review="approved", reviewed=date(2026, 3, 12))
    second = f.create_claim(db, rw.trajectory_a, "placement", happened=date(2026, 3, 2), submitted=date(2026, 3, 20))
    db.commit()
    login(client, rw.reviewer)
    shown = section(page(client, second))
    assert f"de eerste is {first.ref}" in shown and "DUPLICATE_CLAIM" in shown
    third = f.create_claim(db, rw.trajectory_b, "placement", happened=date(2026, 3, 2), submitted=date(2026, 3, 9))
    db.commit()
    shown = section(page(client, third))
    assert "Cohort 1" in shown and "met deze goedkeuring 1 van 1" in shown and "de norm is 35 %" in shown


def test_a_decided_claim_has_no_outlook(db, client, rw, today):
    claim = f.create_claim(db, rw.trajectory_a, "intake", review="approved", reviewed=date(2026, 2, 12))
    db.commit()
    login(client, rw.reviewer)
    assert 'id="h-outlook"' not in page(client, claim)
