"""The klantmanager's and the bureau's pages through the browser's eyes: forms, Dutch errors, tenants, the BSN."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.trajectories.listing import display_ref
from portal.models import AuditEvent, Client, MilestoneClaim, Placement, StoredBlob, Trajectory

from ... import factories as f
from .conftest import login

BSN = "111222333"


def fresh(db, obj):
    db.expire_all()
    return db.get(type(obj), obj.id)


def count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def km(client, tw, db):
    db.commit()
    login(client, tw.klantmanager)
    return client


@pytest.fixture
def bureau(client, tw, db):
    db.commit()
    login(client, tw.bureau)
    return client


# ------------------------------------------------------------------ klantmanager

def test_register_a_client_with_a_checked_bsn(db, tw, km, today):
    response = km.post("/clienten/nieuw", data={"bsn": "111 222 334", "first_name": "", "last_name": "Jansen",
                                                "birth_date": "31-02-1990", "target_group": "jongere",
                                                "benefit": "participatiewet"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "BSN: Dit BSN klopt niet (elfproef)." in html and "Vul de voornaam in." in html
    assert "Geboortedatum: dit is geen geldige datum (dd-mm-jjjj)." in html
    assert 'bsn-error" aria-invalid="true"' in html and 'id="bsn-error"' in html
    assert count(db, Client) == 0
    response = km.post("/clienten/nieuw", data={"bsn": BSN, "first_name": "Sanne", "last_name": "Jansen",
                                                "birth_date": "1990-02-28", "target_group": "jongere",
                                                "benefit": "participatiewet"})
    assert response.status_code == 302 and BSN not in response.headers["Location"]
    client = db.scalar(select(Client))
    assert (client.municipality_id, client.birth_date, client.bsn_last4) == (tw.municipality.id, date(1990, 2, 28),
                                                                            "2333")


def test_find_a_client_by_bsn_posted_never_in_a_url(db, tw, km):
    client = f.create_client(db, tw.municipality, bsn=BSN)
    db.commit()
    response = km.post("/aanmelden", data={"bsn": "111.222.333"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/clienten/{client.id}")
    page = km.get(response.headers["Location"]).get_data(as_text=True)
    assert "*****2333" in page and BSN not in page
    unknown = km.post("/aanmelden", data={"bsn": "123456782"})
    assert unknown.status_code == 200 and "Nieuwe cliënt registreren" in unknown.get_data(as_text=True)
    assert 'value="123456782"' in unknown.get_data(as_text=True)  # carried over in the form, not the URL
    assert unknown.headers["Cache-Control"] == "private, no-store"


def test_a_client_of_another_municipality_is_not_found_by_bsn_nor_by_id(db, tw, km):
    other = f.create_client(db, tw.other_municipality, bsn=BSN)
    db.commit()
    response = km.post("/aanmelden", data={"bsn": BSN})
    page = response.get_data(as_text=True)
    # One neutral answer (issue 12): nothing says that, or where, the person is known.
    assert response.status_code == 422 and "functioneel beheerder" in page
    assert "andere gemeente" not in page and tw.other_municipality.name not in page
    assert km.get(f"/clienten/{other.id}").status_code == 404
    assert km.post(f"/clienten/{other.id}/bsn").status_code == 404


def test_revealing_the_bsn_is_a_post_shown_once_and_recorded(db, tw, km):
    client = f.create_client(db, tw.municipality, bsn=BSN)
    db.commit()
    assert km.get(f"/clienten/{client.id}/bsn").status_code == 405
    response = km.post(f"/clienten/{client.id}/bsn")
    assert response.status_code == 200 and BSN in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "client.bsn_viewed")).all()
    assert [(e.actor_id, e.object_id) for e in events] == [(tw.klantmanager.id, str(client.id))]
    assert BSN not in km.get(f"/clienten/{client.id}").get_data(as_text=True)


def test_refer_a_client_and_confirm_over_volume(db, tw, km, today):
    tw.contract.max_trajectories = 1
    f.create_trajectory(db, tw.contract, tw.other_municipality)
    client = f.create_client(db, tw.municipality)
    db.commit()
    data = {"contract_id": str(tw.contract.id), "referred_on": "02-11-2026", "note": "Gemotiveerd"}
    warned = km.post(f"/clienten/{client.id}/aanmelden", data=data)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 422 and "volume bereikt (1 van 1 trajecten)" in html
    assert "Het re-integratiebedrijf wordt voor dit traject niet betaald" in html
    assert 'name="confirm_over_volume"' in html and count(db, Trajectory, Trajectory.client_id == client.id) == 0
    done = km.post(f"/clienten/{client.id}/aanmelden", data=dict(data, confirm_over_volume="y"))
    assert done.status_code == 302
    trajectory = db.scalar(select(Trajectory).where(Trajectory.client_id == client.id))
    assert (trajectory.status, trajectory.referred_on, trajectory.contract_id) == ("referred", date(2026, 11, 2),
                                                                                 tw.contract.id)


def test_a_refused_referral_shows_the_rule_next_to_the_field(db, tw, km, today):
    client = f.create_client(db, tw.municipality)
    db.commit()
    response = km.post(f"/clienten/{client.id}/aanmelden", data={"contract_id": str(tw.contract.id),
                                                                 "referred_on": "02-01-2027"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "valt daarbuiten" in html and 'id="referred_on-error"' in html
    missing = km.post(f"/clienten/{client.id}/aanmelden", data={"contract_id": "", "referred_on": ""})
    assert missing.status_code == 422 and "Kies een contract." in missing.get_data(as_text=True)


def test_the_klantmanager_approves_a_plan_and_ends_a_trajectory(db, tw, km, today):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="accepted", plan_status="submitted",
                                     plan_text="Een plan dat lang genoeg is.")
    db.commit()
    page = km.get(f"/trajecten/{trajectory.id}").get_data(as_text=True)
    assert "Trajectplan goedkeuren" in page and "Een plan dat lang genoeg is." in page
    assert km.post(f"/trajecten/{trajectory.id}/plan/goedkeuren").status_code == 302
    assert (fresh(db, trajectory).plan_status, fresh(db, trajectory).status) == ("approved", "active")
    again = km.post(f"/trajecten/{trajectory.id}/plan/goedkeuren")
    assert again.status_code == 409 and "kan niet worden goedgekeurd" in again.get_data(as_text=True)
    early = km.post(f"/trajecten/{trajectory.id}/beeindigen", data={"end": "01-01-2026", "reason": "work"})
    assert early.status_code == 422 and "vóór de start" in early.get_data(as_text=True)
    done = km.post(f"/trajecten/{trajectory.id}/beeindigen", data={"end": "01-06-2026", "reason": "work"})
    assert done.status_code == 302 and fresh(db, trajectory).status == "ended"


def test_the_klantmanager_returns_a_plan_with_feedback(db, tw, km):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="accepted", plan_status="submitted",
                                     plan_text="Een plan dat lang genoeg is.")
    db.commit()
    empty = km.post(f"/trajecten/{trajectory.id}/plan/terugsturen", data={"feedback": ""})
    assert empty.status_code == 422 and "Schrijf wat er aan het plan moet veranderen." in empty.get_data(as_text=True)
    assert km.post(f"/trajecten/{trajectory.id}/plan/terugsturen", data={"feedback": "Meer taal"}).status_code == 302
    assert fresh(db, trajectory).plan_status == "returned"


# ------------------------------------------------------------------ bureau

def test_the_inbox_and_accepting_or_declining(db, tw, bureau, today):
    first = f.create_trajectory(db, tw.contract, tw.municipality, status="referred", start=date(2026, 11, 1))
    second = f.create_trajectory(db, tw.contract, tw.municipality, status="referred", start=date(2026, 11, 1))
    db.commit()
    inbox = bureau.get("/aanmeldingen").get_data(as_text=True)
    assert display_ref(first.ref) in inbox and display_ref(second.ref) in inbox and "*****" in inbox
    assert bureau.post(f"/trajecten/{first.id}/accepteren", data={"start": "2026-11-09"}).status_code == 302
    assert (fresh(db, first).status, fresh(db, first).start) == ("accepted", date(2026, 11, 9))
    no_reason = bureau.post(f"/trajecten/{second.id}/weigeren", data={"reason": ""})
    assert no_reason.status_code == 422 and "Geef een reden van weigering." in no_reason.get_data(as_text=True)
    assert bureau.post(f"/trajecten/{second.id}/weigeren", data={"reason": "Vol"}).status_code == 302
    assert fresh(db, second).status == "declined"


def test_write_and_submit_the_plan(db, tw, bureau):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="accepted")
    db.commit()
    short = bureau.post(f"/trajecten/{trajectory.id}/plan", data={"text": "kort"})
    assert short.status_code == 422 and "Trajectplan: tussen 20 en 20.000 tekens." in short.get_data(as_text=True)
    assert bureau.post(f"/trajecten/{trajectory.id}/plan", data={"text": "Werkfit maken en matchen."}).status_code == 302
    assert fresh(db, trajectory).plan_status == "submitted"


def test_claim_with_an_upload_and_a_refused_upload_leaves_nothing(db, tw, bureau, today):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 2, 1))
    db.commit()
    html_as_pdf = {"type": "intake", "happened": "03-02-2026", "evidence_kind": "attendance_list",
                   "files": [(io.BytesIO(b"<html><body>hoi</body></html>"), "x.pdf", "application/pdf")]}
    refused = bureau.post(f"/trajecten/{trajectory.id}/declareren", data=html_as_pdf,
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and "is geen PDF, PNG of JPEG" in refused.get_data(as_text=True)
    assert count(db, MilestoneClaim) == 0 and count(db, StoredBlob) == 0
    good = dict(html_as_pdf, files=[(io.BytesIO(f.PNG_BYTES), "scan.pdf", "application/pdf"),
                                    (io.BytesIO(f.PDF_BYTES), "lijst.pdf", "application/pdf")])
    response = bureau.post(f"/trajecten/{trajectory.id}/declareren", data=good, content_type="multipart/form-data")
    assert response.status_code == 302
    claim = db.scalar(select(MilestoneClaim))
    assert sorted((e.filename, e.content_type) for e in claim.evidence) == [
        ("lijst.pdf", "application/pdf"), ("scan.png", "image/png")]
    page = bureau.get(f"/trajecten/{trajectory.id}").get_data(as_text=True)
    evidence_id = claim.evidence[0].id
    assert f'href="/bewijs/{evidence_id}"' in page and "In behandeling" in page and "04-04-2026" in page


def test_claim_form_errors_are_dutch_and_name_the_field(db, tw, bureau, today):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 2, 1))
    db.commit()
    response = bureau.post(f"/trajecten/{trajectory.id}/declareren",
                           data={"type": "intake", "happened": "21-11-2026", "evidence_kind": "payslip"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "De datum van de mijlpaal ligt in de toekomst." in html
    response = bureau.post(f"/trajecten/{trajectory.id}/declareren",
                           data={"type": "intake", "happened": "03-02-2026", "evidence_kind": "payslip"})
    assert "Voeg minstens één bewijsstuk toe" in response.get_data(as_text=True)


def test_register_a_placement_through_the_form(db, tw, bureau, today):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 2, 1))
    db.commit()
    data = {"employer_name": "Bakkerij Het Zuiden", "employer_kvk": "1234", "start_date": "01-05-2026",
            "contract_type": "vast", "hours_per_week": "61", "gross_wage": "2.150,00", "benefit_ends": "partly",
            "evidence_kind": "employment_contract",
            "files": [(io.BytesIO(f.PDF_BYTES), "contract.pdf", "application/pdf")]}
    bad = bureau.post(f"/trajecten/{trajectory.id}/plaatsing", data=data, content_type="multipart/form-data")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "KvK-nummer: Een KvK-nummer bestaat uit precies 8 cijfers." in html
    assert "Uren per week: meer dan 0 en hoogstens 60." in html and count(db, Placement) == 0
    data.update(employer_kvk="34123456", hours_per_week="36,5",
                files=[(io.BytesIO(f.PDF_BYTES), "contract.pdf", "application/pdf")])
    good = bureau.post(f"/trajecten/{trajectory.id}/plaatsing", data=data, content_type="multipart/form-data")
    assert good.status_code == 302
    placement = db.scalar(select(Placement))
    assert (str(placement.hours_per_week), str(placement.gross_wage)) == ("36.50", "2150.00")
    assert bureau.get(f"/trajecten/{trajectory.id}/declareren").status_code == 200


def test_the_trajectory_page_shows_reviews_and_whats_next(db, tw, bureau, today):
    from portal import clock
    from portal.models import Review
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 2, 1))
    rejected = f.create_claim(db, trajectory, "intake", review="rejected", happened=date(2026, 10, 1))
    db.add(Review(claim_id=rejected.id, decision="rejected", reason_code="EVIDENCE_MISSING",
                  reason_text="Presentielijst ontbreekt.", decided_on=date(2026, 10, 15), decided_at=clock.now()))
    db.commit()
    html = bureau.get(f"/trajecten/{trajectory.id}").get_data(as_text=True)
    assert "Presentielijst ontbreekt." in html and "Afgekeurd" in html
    assert "Intake opnieuw declareren met nieuw bewijs" in html and "30-11-2026" in html  # 1 Oct + 60 days
    assert "Trajectplan schrijven en indienen" in html


def test_other_tenants_get_a_404_and_wrong_roles_a_403(db, tw, client):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="referred")
    db.commit()
    login(client, tw.other_bureau)
    assert client.get(f"/trajecten/{trajectory.id}").status_code == 404
    assert client.post(f"/trajecten/{trajectory.id}/accepteren", data={"start": "2026-11-09"}).status_code == 404
    login(client, tw.other_klantmanager)
    assert client.get(f"/trajecten/{trajectory.id}").status_code == 404
    login(client, tw.klantmanager)
    assert client.post(f"/trajecten/{trajectory.id}/accepteren", data={"start": "2026-11-09"}).status_code == 403
    assert fresh(db, trajectory).status == "referred"


def test_the_list_page_filters_and_paginates(db, tw, bureau, app):
    app.config["PAGE_SIZE"] = 2
    for _ in range(3):
        f.create_trajectory(db, tw.contract, tw.municipality, status="referred")
    db.commit()
    html = bureau.get("/trajecten?status=referred&sort=ref&direction=desc").get_data(as_text=True)
    assert "Pagina 1 van 2 (3 resultaten)" in html and 'rel="next"' in html and "status=referred" in html
    assert '<th scope="col">Traject</th>' in html and "wacht op u" in html
    bad = bureau.get("/trajecten?status=bogus")
    assert bad.status_code == 400 and "Ongeldige keuze" in bad.get_data(as_text=True)


def test_an_upload_over_10_mb_is_refused_in_dutch_and_leaves_nothing(db, tw, bureau, today):
    from portal.evidence.storage import MAX_EVIDENCE_BYTES
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 2, 1))
    db.commit()
    too_big = f.PDF_BYTES.ljust(MAX_EVIDENCE_BYTES + 1, b"0")
    response = bureau.post(f"/trajecten/{trajectory.id}/declareren", content_type="multipart/form-data", data={
        "type": "intake", "happened": "03-02-2026", "evidence_kind": "payslip",
        "files": [(io.BytesIO(f.PDF_BYTES), "klein.pdf", "application/pdf"),
                  (io.BytesIO(too_big), "groot.pdf", "application/pdf")]})
    assert response.status_code == 422 and "‘groot.pdf’ is groter dan 10 MB" in response.get_data(as_text=True)
    assert count(db, MilestoneClaim) == 0 and count(db, StoredBlob) == 0
