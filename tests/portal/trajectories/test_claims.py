"""Claiming milestones and placements: the rules, the evidence, and nothing half-saved on a refusal."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.evidence.storage import EvidenceRefused, Upload
from portal.models import AuditEvent, EvidenceFile, MilestoneClaim, Placement, Tranche
from portal.trajectories.claims import (ClaimRefused, PlacementFacts, claimable_types, register_placement,
                                        submit_claim)
from portal.trajectories.service import NotAllowed

from ... import factories as f
from .conftest import TODAY, pdf, stored_keys

START = date(2026, 2, 1)


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def trajectory(db, tw):
    return f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=START)


def claim(db, tw, trajectory, storage, type="intake", happened=date(2026, 2, 3), uploads=None, **kw):
    return submit_claim(db, tw.bureau, trajectory, type=type, happened=happened,
                        uploads=[pdf()] if uploads is None else uploads, evidence_kind="attendance_list",
                        storage=storage, today=TODAY, **kw)


def facts(**overrides) -> PlacementFacts:
    values = dict(employer_name="Bakkerij Het Zuiden", employer_kvk="3412 3456", start_date=date(2026, 5, 1),
                  contract_type="bepaalde_tijd", hours_per_week=Decimal("32"), gross_wage=Decimal("2150.00"),
                  benefit_ends="fully")
    values.update(overrides)
    return PlacementFacts(**values)


def place(db, tw, trajectory, storage, **overrides):
    return register_placement(db, tw.bureau, trajectory, facts(**overrides), uploads=[pdf("contract.pdf")],
                              evidence_kind="employment_contract", storage=storage, today=TODAY)


def test_a_claim_with_evidence_is_stored_with_one_audit_event(db, tw, trajectory, storage):
    c = claim(db, tw, trajectory, storage, note="Intakegesprek gevoerd")
    assert (c.type, c.review, c.submitted, c.submitted_by_id) == ("intake", "pending", TODAY, tw.bureau.id)
    assert c.ref == f"M{c.id:06d}" and c.submitted_at is not None
    [evidence] = c.evidence
    assert (evidence.content_type, evidence.filename, evidence.kind) == ("application/pdf", "loonstrook.pdf",
                                                                         "attendance_list")
    assert stored_keys(db) == [evidence.sha256]
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "claim.submitted"))
    assert event.after["evidence"][0]["sha256"] == evidence.sha256
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "milestone_claim")) == 1


def test_only_milestones_of_the_contract_can_be_claimed(db, tw, trajectory, storage):
    assert claimable_types(trajectory) == ["intake", "sustained_placement"]
    with pytest.raises(ClaimRefused, match="betaalt geen mijlpaal ‘Afronding’") as refused:
        claim(db, tw, trajectory, storage, type="completion")
    assert refused.value.field == "type"


def test_the_plan_only_once_it_is_approved(db, tw, storage):
    contract = f.create_contract(db, tw.consortium, tw.provider, segment="arbeidsritme")
    contract.tranches.append(Tranche(position=3, code="plan", milestone_type="plan", share=Decimal("0"), result=False))
    db.flush()
    trajectory = f.create_trajectory(db, contract, tw.municipality, status="accepted", plan_status="submitted",
                                     plan_text="Een plan van voldoende lengte.")
    assert "plan" not in claimable_types(trajectory)
    with pytest.raises(ClaimRefused, match="pas worden gedeclareerd als de klantmanager"):
        claim(db, tw, trajectory, storage, type="plan")
    trajectory.plan_status = "approved"
    assert "plan" in claimable_types(trajectory)
    assert claim(db, tw, trajectory, storage, type="plan").type == "plan"


@pytest.mark.parametrize("happened, message", [(date(2026, 11, 21), "in de toekomst"),
                                               (date(2026, 1, 31), "vóór de start van het traject")])
def test_the_milestone_date_is_not_in_the_future_nor_before_the_start(db, tw, trajectory, storage, happened,
                                                                      message):
    with pytest.raises(ClaimRefused, match=message) as refused:
        claim(db, tw, trajectory, storage, happened=happened)
    assert refused.value.field == "happened"


def test_at_least_one_evidence_file(db, tw, trajectory, storage):
    with pytest.raises(ClaimRefused, match="minstens één bewijsstuk"):
        claim(db, tw, trajectory, storage, uploads=[])
    assert count(db, MilestoneClaim) == 0


def test_a_refused_upload_leaves_no_claim_no_row_and_no_file(db, tw, trajectory, storage):
    with pytest.raises(EvidenceRefused, match="geen PDF, PNG of JPEG"):
        claim(db, tw, trajectory, storage, uploads=[pdf(), Upload("x.pdf", b"<html><script>1</script>")])
    assert (count(db, MilestoneClaim), count(db, EvidenceFile)) == (0, 0)
    assert stored_keys(db) == []


def test_no_second_claim_while_one_is_pending_or_approved(db, tw, trajectory, storage):
    first = claim(db, tw, trajectory, storage)
    with pytest.raises(ClaimRefused, match="al gedeclareerd .* nog in behandeling"):
        claim(db, tw, trajectory, storage, uploads=[pdf("ander.pdf", f.PDF_BYTES + b"2")])
    first.review, first.reviewed = "approved", TODAY
    db.flush()
    with pytest.raises(ClaimRefused, match="al goedgekeurd"):
        claim(db, tw, trajectory, storage, uploads=[pdf("ander.pdf", f.PDF_BYTES + b"2")])


def test_a_rejected_claim_is_claimed_again_and_the_history_stays(db, tw, trajectory, storage):
    first = claim(db, tw, trajectory, storage)
    first.review, first.reviewed = "rejected", TODAY
    db.flush()
    second = claim(db, tw, trajectory, storage, uploads=[Upload("nieuw.png", f.PNG_BYTES)])
    assert second.id != first.id and first.review == "rejected" and second.review == "pending"
    assert [e.content_type for e in second.evidence] == ["image/png"]
    assert count(db, MilestoneClaim) == 2


def test_another_bureau_cannot_claim(db, tw, trajectory, storage):
    with pytest.raises(NotAllowed):
        submit_claim(db, tw.other_bureau, trajectory, type="intake", happened=date(2026, 2, 3), uploads=[pdf()],
                     evidence_kind="other", storage=storage, today=TODAY)


def test_nothing_can_be_claimed_on_a_referral(db, tw, storage):
    referred = f.create_trajectory(db, tw.contract, tw.municipality, status="referred")
    with pytest.raises(ClaimRefused, match="Dit traject is aangemeld"):
        claim(db, tw, referred, storage)


def test_a_placement_records_its_facts_and_its_claim(db, tw, trajectory, storage):
    c = place(db, tw, trajectory, storage)
    placement = c.placement
    assert (c.type, c.date, c.placement_id) == ("placement", date(2026, 5, 1), placement.id)
    assert (placement.employer_kvk, placement.hours_per_week, placement.gross_wage) == (
        "34123456", Decimal("32.00"), Decimal("2150.00"))
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "claim.submitted"))
    assert event.after["placement"]["employer_name"] == "Bakkerij Het Zuiden"


@pytest.mark.parametrize("overrides, field, message", [
    ({"hours_per_week": Decimal("0")}, "hours_per_week", "meer dan 0 en hoogstens 60"),
    ({"hours_per_week": Decimal("60.5")}, "hours_per_week", "meer dan 0 en hoogstens 60"),
    ({"hours_per_week": Decimal("32.125")}, "hours_per_week", "twee cijfers achter de komma"),
    ({"employer_kvk": "1234"}, "employer_kvk", "precies 8 cijfers"),
    ({"employer_name": " "}, "employer_name", "naam van de werkgever"),
    ({"gross_wage": Decimal("-1")}, "gross_wage", "niet negatief"),
    ({"contract_type": "zzp"}, "contract_type", "soort arbeidscontract"),
    ({"benefit_ends": "maybe"}, "benefit_ends", "uitkering"),
    ({"start_date": date(2026, 12, 1)}, "start_date", "in de toekomst"),
])
def test_placement_facts_are_checked(db, tw, trajectory, storage, overrides, field, message):
    with pytest.raises(ClaimRefused, match=message) as refused:
        place(db, tw, trajectory, storage, **overrides)
    assert refused.value.field == field
    assert (count(db, Placement), count(db, MilestoneClaim)) == (0, 0)


def test_hours_on_the_boundary_are_accepted(db, tw, trajectory, storage):
    assert place(db, tw, trajectory, storage, hours_per_week=Decimal("60")).placement.hours_per_week == 60


def test_a_sustained_placement_counts_from_the_placement_start_plus_the_contracts_months(db, tw, trajectory,
                                                                                        storage):
    placement = place(db, tw, trajectory, storage, start_date=date(2026, 3, 31)).placement
    # 31 March + 6 months = 30 September (relativedelta keeps the month end).
    with pytest.raises(ClaimRefused, match="vanaf 30-09-2026") as refused:
        claim(db, tw, trajectory, storage, type="sustained_placement", happened=date(2026, 9, 29),
              placement=placement)
    assert refused.value.field == "happened"
    sustained = claim(db, tw, trajectory, storage, type="sustained_placement", happened=date(2026, 9, 30),
                      placement=placement, uploads=[pdf("loonstrook-sep.pdf", f.PDF_BYTES + b"sep")])
    assert sustained.placement_id == placement.id


def test_a_sustained_placement_needs_a_placement_of_this_trajectory(db, tw, trajectory, storage):
    other = f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=START)
    foreign = place(db, tw, other, storage).placement
    for placement in (None, foreign):
        with pytest.raises(ClaimRefused, match="Kies de plaatsing"):
            claim(db, tw, trajectory, storage, type="sustained_placement", happened=date(2026, 11, 2),
                  placement=placement)


def test_a_placement_claim_goes_through_the_placement_form(db, tw, trajectory, storage):
    with pytest.raises(ClaimRefused, match="plaatsingsformulier"):
        claim(db, tw, trajectory, storage, type="placement")


def test_after_the_end_only_a_sustained_placement_may_be_dated_later(db, tw, storage):
    ended = f.create_trajectory(db, tw.contract, tw.municipality, status="ended", start=START,
                                end=date(2026, 6, 1), end_reason="work")
    placement = place(db, tw, ended, storage, start_date=date(2026, 4, 1)).placement
    with pytest.raises(ClaimRefused, match="na het einde van het traject"):
        claim(db, tw, ended, storage, type="intake", happened=date(2026, 7, 1))
    assert claim(db, tw, ended, storage, type="sustained_placement", happened=date(2026, 10, 1),
                 placement=placement, uploads=[pdf("x.pdf", f.PDF_BYTES + b"x")]).review == "pending"
