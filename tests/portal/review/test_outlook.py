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


def test_the_queue_filters_by_milestone_type_municipality_and_lateness(db, client, rw, today):
    other_place = f.create_municipality(db, rw.contract_a.consortium)
    elsewhere = f.create_trajectory(db, rw.contract_a, other_place)
    late = f.create_claim(db, rw.trajectory_a, "intake", happened=date(2026, 2, 3), submitted=date(2026, 6, 1))
    in_time = f.create_claim(db, rw.trajectory_a, "placement", happened=date(2026, 3, 2), submitted=date(2026, 3, 9))
    there = f.create_claim(db, elsewhere, "intake", happened=date(2026, 3, 2), submitted=date(2026, 3, 9))
    db.commit()
    login(client, rw.reviewer)

    def listed(query: str) -> set[str]:
        html = client.get("/beoordelen?" + query).get_data(as_text=True)
        return {ref for ref in (late.ref, in_time.ref, there.ref) if f">{ref}</a>" in html}

    assert listed("te_laat=ja") == {late.ref}
    assert listed("te_laat=nee") == {in_time.ref, there.ref}
    assert listed("mijlpaal=placement") == {in_time.ref}
    assert listed(f"gemeente={other_place.id}") == {there.ref}
    assert listed(f"gemeente={other_place.id}&te_laat=ja") == set()
    assert "Te laat</strong>" in client.get("/beoordelen").get_data(as_text=True)


def test_after_a_decision_the_reviewer_goes_on_to_the_next_claim_of_the_same_list(db, client, rw, today):
    first = f.create_claim(db, rw.trajectory_a, "intake", submitted=date(2026, 3, 1))
    f.create_claim(db, rw.trajectory_b, "intake", submitted=date(2026, 3, 2))  # another contract: filtered out
    third = f.create_claim(db, rw.trajectory_a, "placement", happened=date(2026, 3, 2), submitted=date(2026, 3, 3))
    db.commit()
    login(client, rw.reviewer)
    back = f"/beoordelen?contract={rw.contract_a.id}"
    response = client.post(f"/beoordelen/{first.id}/goedkeuren", data={"next": back})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/beoordelen/{third.id}?next=")
    response = client.post(f"/beoordelen/{third.id}/goedkeuren", data={"next": back})
    assert response.headers["Location"] == back  # the list is done: back to it
    assert "Er wachten geen declaraties meer in deze lijst." in client.get(back).get_data(as_text=True)

