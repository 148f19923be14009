"""The reviewer's pages: the queue, one claim, and the three decisions through the browser's eyes."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, MilestoneClaim, Placement, Review

from ... import factories as f
from .conftest import add_evidence, login


def fresh(db, claim) -> MilestoneClaim:
    db.expire_all()
    return db.get(MilestoneClaim, claim.id)


@pytest.fixture
def reviewer_client(client, rw):
    login(client, rw.reviewer)
    return client


def test_queue_lists_pending_claims_with_age_and_overdue_flag(db, rw, reviewer_client, today):
    late = f.create_claim(db, rw.trajectory_a, "placement", submitted=date(2026, 11, 5))  # 11 working days
    recent = f.create_claim(db, rw.trajectory_b, "intake", submitted=date(2026, 11, 18))
    add_evidence(db, late)
    db.commit()
    html = reviewer_client.get("/beoordelen").get_data(as_text=True)
    assert html.index(late.ref) < html.index(recent.ref)
    late_row = html[html.index(late.ref):html.index(recent.ref)]
    assert "11" in late_row and "Te lang" in late_row and "Plaatsing" in late_row
    assert rw.provider_a.name in late_row and rw.contract_a.code in late_row and "05-11-2026" in late_row
    recent_row = html[html.index(recent.ref):html.index("</tbody>")]
    assert "Te lang" not in recent_row
    assert "2 declaraties wachten op beoordeling" in html


def test_queue_filters_by_contract_and_bureau(db, rw, reviewer_client, today):
    a = f.create_claim(db, rw.trajectory_a)
    b = f.create_claim(db, rw.trajectory_b)
    db.commit()
    html = reviewer_client.get(f"/beoordelen?contract={rw.contract_a.id}").get_data(as_text=True)
    assert a.ref in html and b.ref not in html and f'value="{rw.contract_a.id}" selected' in html
    html = reviewer_client.get(f"/beoordelen?bureau={rw.provider_b.id}").get_data(as_text=True)
    assert b.ref in html and a.ref not in html and "Filters wissen" in html


def test_queue_pages_keep_the_filter(app, db, rw, reviewer_client, today):
    app.config["PAGE_SIZE"] = 2
    for day in range(1, 6):
        f.create_claim(db, rw.trajectory_a, submitted=date(2026, 11, day))
    db.commit()
    html = reviewer_client.get(f"/beoordelen?contract={rw.contract_a.id}&page=2").get_data(as_text=True)
    assert "Pagina 2 van 3" in html
    assert f"contract={rw.contract_a.id}" in html.split('rel="next"')[0].rsplit("href=", 1)[1]


def test_empty_queue_says_so(reviewer_client):
    assert "Er wachten geen declaraties" in reviewer_client.get("/beoordelen").get_data(as_text=True)


def test_claim_page_shows_facts_placement_evidence_history_and_other_claims(db, rw, reviewer_client):
    placement = Placement(trajectory_id=rw.trajectory_a.id, employer_name="Bakkerij Het Zuiden",
                          employer_kvk="34123456", start_date=date(2026, 3, 2), contract_type="bepaalde_tijd",
                          hours_per_week=Decimal("32"), gross_wage=Decimal("2400.00"), benefit_ends="fully")
    db.add(placement)
    db.flush()
    earlier = f.create_claim(db, rw.trajectory_a, "placement", review="rejected", reviewed=date(2026, 3, 10),
                             placement_id=placement.id)
    db.add(Review(claim_id=earlier.id, decision="rejected", reason_code="EVIDENCE_MISSING",
                  reason_text="Loonstrook ontbreekt.", decided_on=date(2026, 3, 10),
                  decided_at=earlier.trajectory.client.created_at, reviewer_id=rw.other_reviewer.id))
    claim = f.create_claim(db, rw.trajectory_a, "placement", happened=date(2026, 3, 2), submitted=date(2026, 3, 12),
                           placement_id=placement.id, submitted_by_id=rw.bureau_user.id)
    add_evidence(db, claim, "loonstrook-maart.pdf")
    db.commit()
    html = reviewer_client.get(f"/beoordelen/{claim.id}").get_data(as_text=True)
    for text in ("Bakkerij Het Zuiden", "34123456", "02-03-2026", "Bepaalde tijd", "€ 2.400,00", "Volledig",
                 "loonstrook-maart.pdf", "Loonstrook", rw.trajectory_a.ref,
                 rw.contract_a.code, rw.provider_a.name, earlier.ref, "Bewijs ontbreekt of is onleesbaar",
                 "Loonstrook ontbreekt.", "Goedkeuren", "Afkeuren", "nog niet beoordeeld"):
        assert text in html, text
    assert f.PASSWORD not in html and rw.trajectory_a.client.last_name not in html  # no personal data needed here


def test_evidence_links_to_the_download_once_it_exists(app, db, rw, reviewer_client):
    claim = f.create_claim(db, rw.trajectory_a)
    evidence = add_evidence(db, claim, "contract.pdf")
    db.commit()
    if "evidence.download" not in app.view_functions:
        html = reviewer_client.get(f"/beoordelen/{claim.id}").get_data(as_text=True)
        assert "contract.pdf" in html and "/bewijs/" not in html
        pytest.skip("evidence.download is not registered yet (trajectories/evidence area)")
    html = reviewer_client.get(f"/beoordelen/{claim.id}").get_data(as_text=True)
    assert f'href="/bewijs/{evidence.id}"' in html


def test_approve_commits_audits_and_returns_to_the_queue(db, rw, reviewer_client, today):
    claim = f.create_claim(db, rw.trajectory_a, submitted_by_id=rw.bureau_user.id)
    db.commit()
    response = reviewer_client.post(f"/beoordelen/{claim.id}/goedkeuren")
    assert response.status_code == 302 and response.headers["Location"].endswith("/beoordelen")
    claim = fresh(db, claim)
    assert (claim.review, claim.reviewed, claim.reviewed_by_id) == ("approved", today, rw.reviewer.id)
    assert db.scalar(select(AuditEvent.action).where(AuditEvent.object_id == str(claim.id),
                                                     AuditEvent.object_type == "milestone_claim")) == "claim.approved"
    html = reviewer_client.get("/beoordelen").get_data(as_text=True)
    assert f"Declaratie {claim.ref} is goedgekeurd." in html


def test_reject_with_reason(db, rw, reviewer_client):
    claim = f.create_claim(db, rw.trajectory_a)
    db.commit()
    response = reviewer_client.post(f"/beoordelen/{claim.id}/afkeuren",
                                    data={"reason_code": "EVIDENCE_MISMATCH", "reason_text": "Andere werkgever."})
    assert response.status_code == 302
    claim = fresh(db, claim)
    assert claim.review == "rejected"
    assert [(r.decision, r.reason_code, r.reason_text) for r in claim.reviews] == [
        ("rejected", "EVIDENCE_MISMATCH", "Andere werkgever.")]


@pytest.mark.parametrize("data, message", [
    ({"reason_code": "EVIDENCE_MISSING", "reason_text": ""}, "Geef een toelichting bij de afkeuring."),
    ({"reason_code": "", "reason_text": "Onleesbaar."}, "Kies een reden van afkeuring."),
    ({"reason_code": "MADE_UP", "reason_text": "Onleesbaar."}, "Kies een reden uit de lijst."),
])
def test_reject_without_a_reason_shows_the_form_again(db, rw, reviewer_client, data, message):
    claim = f.create_claim(db, rw.trajectory_a)
    db.commit()
    response = reviewer_client.post(f"/beoordelen/{claim.id}/afkeuren", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert fresh(db, claim).review == "pending"


def test_own_claim_is_refused_with_a_clear_message(db, rw, reviewer_client):
    claim = f.create_claim(db, rw.trajectory_a, submitted_by_id=rw.reviewer.id)
    db.commit()
    page = reviewer_client.get(f"/beoordelen/{claim.id}").get_data(as_text=True)
    assert "U heeft deze declaratie zelf ingediend" in page and "/goedkeuren" not in page
    response = reviewer_client.post(f"/beoordelen/{claim.id}/goedkeuren")
    assert response.status_code == 400
    assert "U heeft deze declaratie zelf ingediend" in response.get_data(as_text=True)
    claim = fresh(db, claim)
    assert claim.review == "pending" and claim.reviews == []


def test_deciding_a_decided_claim_is_a_conflict(db, rw, reviewer_client):
    claim = f.create_claim(db, rw.trajectory_a, review="approved", reviewed=date(2026, 2, 15))
    db.commit()
    response = reviewer_client.post(f"/beoordelen/{claim.id}/goedkeuren")
    assert response.status_code == 409
    assert "kan niet worden goedgekeurd: de status is ‘Goedgekeurd’" in response.get_data(as_text=True)
    response = reviewer_client.post(f"/beoordelen/{claim.id}/afkeuren",
                                    data={"reason_code": "OTHER", "reason_text": "x"})
    assert response.status_code == 409
    assert fresh(db, claim).reviewed == date(2026, 2, 15)


def test_revoke_an_approval_after_an_audit_finding(db, rw, reviewer_client, today):
    claim = f.create_claim(db, rw.trajectory_a, review="approved", reviewed=date(2026, 2, 15))
    db.commit()
    page = reviewer_client.get(f"/beoordelen/{claim.id}").get_data(as_text=True)
    assert "Goedkeuring intrekken" in page and "/goedkeuren" not in page
    assert reviewer_client.post(f"/beoordelen/{claim.id}/intrekken", data={"revoke_reason": ""}).status_code == 400
    response = reviewer_client.post(f"/beoordelen/{claim.id}/intrekken",
                                    data={"revoke_reason": "Audit: werkgever bestaat niet."})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/beoordelen/{claim.id}")
    claim = fresh(db, claim)
    assert (claim.review, claim.reviewed) == ("rejected", today)
    assert [r.decision for r in claim.reviews] == ["revoked"]
    page = reviewer_client.get(f"/beoordelen/{claim.id}").get_data(as_text=True)
    assert "goedkeuring ingetrokken" in page and "Audit: werkgever bestaat niet." in page
    assert "Ingetrokken" in page


def test_revoking_a_pending_claim_is_a_conflict(db, rw, reviewer_client):
    claim = f.create_claim(db, rw.trajectory_a)
    db.commit()
    response = reviewer_client.post(f"/beoordelen/{claim.id}/intrekken", data={"revoke_reason": "Audit"})
    assert response.status_code == 409
    assert "Alleen een goedgekeurde declaratie kan worden ingetrokken" in response.get_data(as_text=True)


def test_start_page_and_menu_lead_reviewers_to_the_queue(db, rw, reviewer_client):
    html = reviewer_client.get("/start").get_data(as_text=True)
    assert 'href="/beoordelen"' in html and ">Beoordelen</a>" in html


def test_other_roles_see_no_review_menu(client, db, rw):
    login(client, rw.bureau_user)
    assert "/beoordelen" not in client.get("/start").get_data(as_text=True)
    assert client.get("/beoordelen").status_code == 403


@pytest.mark.parametrize("target, expected", [
    ("/beoordelen?contract=5&page=2", "/beoordelen?contract=5&page=2"),
    ("https://elders.example/beoordelen", "/beoordelen"),
    ("//elders.example/beoordelen", "/beoordelen"),
    ("/start", "/beoordelen"),
    ("", "/beoordelen"),
])
def test_after_a_decision_the_reviewer_returns_to_the_same_queue_page_only(db, rw, reviewer_client, target, expected):
    claim = f.create_claim(db, rw.trajectory_a)
    db.commit()
    response = reviewer_client.post(f"/beoordelen/{claim.id}/goedkeuren", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_queue_links_carry_the_filtered_page_back(app, db, rw, reviewer_client):
    app.config["PAGE_SIZE"] = 1
    f.create_claim(db, rw.trajectory_a, submitted=date(2026, 11, 2))
    second = f.create_claim(db, rw.trajectory_a, submitted=date(2026, 11, 3))
    db.commit()
    html = reviewer_client.get(f"/beoordelen?contract={rw.contract_a.id}&page=2").get_data(as_text=True)
    back = f"/beoordelen?contract={rw.contract_a.id}&amp;page=2"
    assert f'href="/beoordelen/{second.id}?next=/beoordelen?contract%3D{rw.contract_a.id}%26page%3D2"' in html
    page = reviewer_client.get(f"/beoordelen/{second.id}?next=/beoordelen?contract={rw.contract_a.id}%26page=2")
    assert f'name="next" value="{back}"' in page.get_data(as_text=True)



def test_a_post_without_the_csrf_token_is_refused(app, db, rw, reviewer_client):
    app.config["WTF_CSRF_ENABLED"] = True  # CSRFProtect refuses before the view runs
    claim = f.create_claim(db, rw.trajectory_a)
    db.commit()
    response = reviewer_client.post(f"/beoordelen/{claim.id}/goedkeuren")
    assert response.status_code == 400 and "Het formulier was verlopen" in response.get_data(as_text=True)
    assert fresh(db, claim).review == "pending"
