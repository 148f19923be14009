"""Referral rules: one open trajectory per segment, the voortraject bureau, the contract period and its volume."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, MunicipalityCap, Trajectory
from portal.trajectories import referral
from portal.trajectories.referral import ReferralRefused, VolumeConfirmationNeeded, refer_client, volume_warnings

from ... import factories as f

ON = date(2026, 3, 2)


def test_referral_creates_a_referred_trajectory_with_one_audit_event(db, tw):
    client = f.create_client(db, tw.municipality)
    trajectory = refer_client(db, tw.klantmanager, client, tw.contract, referred_on=ON, note="Graag snel")
    assert (trajectory.status, trajectory.plan_status, trajectory.provider_id, trajectory.segment) == (
        "referred", "none", tw.provider.id, "directe_bemiddeling")
    assert trajectory.ref == f"T{trajectory.id:06d}" and trajectory.municipality_id == tw.municipality.id
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "trajectory.referred")).all()
    assert [e.object_id for e in events] == [str(trajectory.id)]
    assert events[0].after["contract"] == tw.contract.code and "bsn" not in events[0].after


def test_a_second_open_trajectory_in_the_same_segment_is_refused(db, tw):
    client = f.create_client(db, tw.municipality)
    refer_client(db, tw.klantmanager, client, tw.contract, referred_on=ON)
    with pytest.raises(ReferralRefused, match="al een open traject in het segment Directe bemiddeling") as refused:
        refer_client(db, tw.klantmanager, client, tw.other_contract, referred_on=ON)
    assert refused.value.field == "contract_id"


def test_after_the_first_trajectory_ended_or_was_declined_the_client_can_be_referred_again(db, tw):
    client = f.create_client(db, tw.municipality)
    first = refer_client(db, tw.klantmanager, client, tw.contract, referred_on=ON)
    first.status, first.decline_reason = "declined", "Geen plek"
    db.flush()
    again = refer_client(db, tw.klantmanager, client, tw.other_contract, referred_on=ON)
    assert again.status == "referred"


def test_the_database_index_is_the_last_line_when_the_check_misses(db, tw, monkeypatch):
    client = f.create_client(db, tw.municipality)
    refer_client(db, tw.klantmanager, client, tw.contract, referred_on=ON)
    monkeypatch.setattr(referral, "OPEN_STATES", ("active",))  # as if a parallel request slipped past the check
    with pytest.raises(ReferralRefused, match="al een open traject"):
        refer_client(db, tw.klantmanager, client, tw.other_contract, referred_on=ON)
    assert len(db.scalars(select(Trajectory).where(Trajectory.client_id == client.id)).all()) == 1


def test_the_voortraject_bureau_may_not_carry_out_a_later_segment(db, tw):
    voortraject = f.create_contract(db, tw.consortium, tw.provider, segment="voortraject")
    client = f.create_client(db, tw.municipality)
    done = refer_client(db, tw.klantmanager, client, voortraject, referred_on=ON)
    done.status, done.start, done.end, done.end_reason = "ended", ON, date(2026, 4, 1), "completed"
    db.flush()
    with pytest.raises(ReferralRefused, match="heeft het voortraject van deze cliënt gedaan"):
        refer_client(db, tw.klantmanager, client, tw.contract, referred_on=ON)
    # Another bureau may.
    assert refer_client(db, tw.klantmanager, client, tw.other_contract, referred_on=ON).provider_id == tw.other_provider.id


def test_a_declined_voortraject_does_not_bar_the_bureau(db, tw):
    voortraject = f.create_contract(db, tw.consortium, tw.provider, segment="voortraject")
    client = f.create_client(db, tw.municipality)
    declined = refer_client(db, tw.klantmanager, client, voortraject, referred_on=ON)
    declined.status, declined.decline_reason = "declined", "Vol"
    db.flush()
    assert refer_client(db, tw.klantmanager, client, tw.contract, referred_on=ON).status == "referred"


@pytest.mark.parametrize("on", [date(2025, 12, 31), date(2027, 1, 1)])
def test_a_referral_outside_the_contract_period_is_refused(db, tw, on):
    client = f.create_client(db, tw.municipality)
    with pytest.raises(ReferralRefused, match="loopt van 01-01-2026 tot en met 31-12-2026") as refused:
        refer_client(db, tw.klantmanager, client, tw.contract, referred_on=on)
    assert refused.value.field == "referred_on"


def test_a_full_contract_needs_an_explicit_confirmation(db, tw):
    full = f.create_contract(db, tw.consortium, tw.provider, segment="arbeidsritme", max_trajectories=1)
    f.create_trajectory(db, full, tw.other_municipality)
    client = f.create_client(db, tw.municipality)
    with pytest.raises(VolumeConfirmationNeeded, match=r"volume bereikt \(1 van 1 trajecten\)") as needed:
        refer_client(db, tw.klantmanager, client, full, referred_on=ON)
    assert len(needed.value.warnings) == 1
    trajectory = refer_client(db, tw.klantmanager, client, full, referred_on=ON, confirm_over_volume=True)
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "trajectory.referred",
                                               AuditEvent.object_id == str(trajectory.id)))
    assert event.after["over_volume"] is True


def test_declined_referrals_do_not_use_volume_and_the_municipality_cap_counts_only_its_own(db, tw):
    contract = f.create_contract(db, tw.consortium, tw.provider, segment="arbeidsritme", max_trajectories=2)
    db.add(MunicipalityCap(contract_id=contract.id, municipality_id=tw.municipality.id, cap=1))
    f.create_trajectory(db, contract, tw.other_municipality)
    f.create_trajectory(db, contract, tw.municipality, status="declined", decline_reason="Vol")
    db.flush()
    assert volume_warnings(db, contract, tw.municipality.id) == []
    f.create_trajectory(db, contract, tw.municipality, status="referred")
    warnings = volume_warnings(db, contract, tw.municipality.id)
    assert len(warnings) == 2 and "voor uw gemeente" in warnings[1] and "(1 van 1 trajecten)" in warnings[1]
    assert len(volume_warnings(db, contract, tw.other_municipality.id)) == 1  # only the total


def test_only_a_klantmanager_of_the_clients_municipality_may_refer(db, tw):
    client = f.create_client(db, tw.municipality)
    for actor in (tw.other_klantmanager, tw.bureau):
        with pytest.raises(ReferralRefused, match="Alleen een klantmanager van de gemeente"):
            refer_client(db, actor, client, tw.contract, referred_on=ON)


def test_a_contract_of_another_consortium_is_refused(db, tw):
    elsewhere = f.create_contract(db, f.create_consortium(db, "HR"), tw.provider)
    client = f.create_client(db, tw.municipality)
    with pytest.raises(ReferralRefused, match="hoort niet bij het samenwerkingsverband"):
        refer_client(db, tw.klantmanager, client, elsewhere, referred_on=ON)
