"""The participatieladder: intake at referral, the bureau proposes, the klantmanager confirms, one step claim."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.clients import ladder
from portal.clients.errors import FactRefused
from portal.clients.panels import review_panel
from portal.clients.referral import record_referral_facts
from portal.models import ClientFact, EsfParticipant, LadderMeasurement, MilestoneClaim, ParticipationStep, Tranche
from portal.trajectories.claims import ClaimRefused, submit_claim
from portal.trajectories.referral import refer_client

from ... import factories as f
from ..trajectories.conftest import pdf

TODAY = date(2026, 11, 20)


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def contract(db, tw):
    contract = f.create_contract(db, tw.consortium, tw.provider, segment="sociale_activering", norm=False)
    contract.tranches.append(Tranche(position=3, code="trede", milestone_type="participation_step",
                                     share=Decimal("0"), amount=None, result=True))
    db.flush()
    return contract


def refer(db, tw, contract, **facts):
    client = f.create_client(db, tw.municipality, birth_date=date(1980, 1, 1))
    trajectory = refer_client(db, tw.klantmanager, client, contract, referred_on=date(2026, 3, 2))
    record_referral_facts(db, tw.klantmanager, client, trajectory, today=TODAY, **facts)
    return trajectory


def test_referral_in_sociale_activering_needs_the_ladder_at_intake(db, tw, contract):
    with pytest.raises(FactRefused, match="participatieladder bij intake verplicht") as refused:
        refer(db, tw, contract)
    assert refused.value.field == "ladder_rung"


def test_referral_records_profile_ladder_and_esf_facts(db, tw, contract):
    from portal.models import ClientProfile
    db.add(ClientProfile(code="p3", name="Profiel 3", position=3, active=True))
    db.flush()
    trajectory = refer(db, tw, contract, profile="p3", ladder_rung="2", gender="vrouw", isced="2",
                       labour_status="long_term_unemployed")
    intake = ladder.intake_measurement(db, trajectory.id)
    assert (intake.rung, intake.status, intake.measured_on, intake.decided_by_id) == (
        2, "confirmed", date(2026, 3, 2), tw.klantmanager.id)
    assert db.get(EsfParticipant, trajectory.id).labour_status == "long_term_unemployed"
    assert db.scalar(select(ClientFact.value).where(ClientFact.client_id == trajectory.client_id,
                                                    ClientFact.kind == "profile")) == "p3"


def test_bad_esf_value_is_refused_naming_the_field(db, tw, contract):
    with pytest.raises(FactRefused, match="Geslacht: kies uit de lijst") as refused:
        refer(db, tw, contract, ladder_rung="2", gender="onbekend", isced="2", labour_status="inactive")
    assert refused.value.field == "gender"


def started(db, tw, contract, rung="2"):
    trajectory = refer(db, tw, contract, ladder_rung=rung)
    trajectory.status, trajectory.start = "active", date(2026, 3, 9)
    db.flush()
    return trajectory


def claim_step(db, tw, trajectory, storage, happened=date(2026, 9, 1)):
    return submit_claim(db, tw.bureau, trajectory, type="participation_step", happened=happened, uploads=[pdf()],
                        evidence_kind="other", storage=storage, today=TODAY)


def test_a_step_needs_a_confirmed_higher_measurement_and_rests_on_both(db, tw, contract, storage):
    trajectory = started(db, tw, contract)
    with pytest.raises(ClaimRefused, match=r"hoger dan de meting bij intake \(trede 2\)") as refused:
        claim_step(db, tw, trajectory, storage)
    assert refused.value.field == "type" and count(db, MilestoneClaim) == 0
    proposal = ladder.record_measurement(db, tw.bureau, trajectory, rung=4, measured_on=date(2026, 8, 15),
                                         today=TODAY)
    assert proposal.status == "proposed"
    with pytest.raises(ClaimRefused):  # proposed is not confirmed
        claim_step(db, tw, trajectory, storage)
    ladder.decide(db, tw.klantmanager, trajectory, proposal, "confirm")
    with pytest.raises(ClaimRefused):  # the measurement is after the milestone's date
        claim_step(db, tw, trajectory, storage, happened=date(2026, 8, 1))
    claim = claim_step(db, tw, trajectory, storage)
    step = db.get(ParticipationStep, claim.id)
    assert (step.intake.rung, step.reached.rung) == (2, 4)
    panel = review_panel(db, claim)
    assert (panel.step.intake.rung, panel.step.reached.rung) == (2, 4)
    # A climb over several rungs is one result: a second claim is refused as long as this one stands.
    ladder.record_measurement(db, tw.klantmanager, trajectory, rung=6, measured_on=date(2026, 9, 10), today=TODAY)
    with pytest.raises(ClaimRefused, match="al gedeclareerd"):
        claim_step(db, tw, trajectory, storage, happened=date(2026, 9, 15))


def test_a_lower_or_equal_confirmed_measurement_is_no_step(db, tw, contract, storage):
    trajectory = started(db, tw, contract, rung="3")
    ladder.record_measurement(db, tw.klantmanager, trajectory, rung=3, measured_on=date(2026, 6, 1), today=TODAY)
    with pytest.raises(ClaimRefused, match="trede 3"):
        claim_step(db, tw, trajectory, storage)


def test_measurement_on_an_ended_trajectory_and_bad_values_are_refused(db, tw, contract):
    trajectory = started(db, tw, contract)
    before = count(db, LadderMeasurement)
    for kwargs, field, message in [
        ({"rung": 7, "measured_on": date(2026, 5, 1)}, "rung", "Trede: kies een trede van 1 tot en met 6"),
        ({"rung": "x", "measured_on": date(2026, 5, 1)}, "rung", "Trede"),
        ({"rung": 3, "measured_on": date(2026, 12, 1)}, "measured_on", "in de toekomst"),
        ({"rung": 3, "measured_on": date(1979, 1, 1)}, "measured_on", "geboortedatum"),
        ({"rung": 3, "measured_on": date(2026, 5, 1), "at_intake": True}, "rung", "al een bevestigde meting bij intake"),
    ]:
        with pytest.raises(FactRefused, match=message) as refused:
            ladder.record_measurement(db, tw.bureau, trajectory, today=TODAY, **kwargs)
        assert refused.value.field == field
    trajectory.status, trajectory.end, trajectory.end_reason = "ended", date(2026, 10, 1), "completed"
    db.flush()
    with pytest.raises(FactRefused, match="beëindigd: er kan geen meting"):
        ladder.record_measurement(db, tw.bureau, trajectory, rung=3, measured_on=date(2026, 9, 1), today=TODAY)
    assert count(db, LadderMeasurement) == before


def test_only_the_klantmanager_confirms_and_only_once(db, tw, contract):
    trajectory = started(db, tw, contract)
    proposal = ladder.record_measurement(db, tw.bureau, trajectory, rung=3, measured_on=date(2026, 5, 1), today=TODAY)
    for actor in (tw.bureau, tw.other_klantmanager):
        with pytest.raises(FactRefused, match="Alleen de klantmanager"):
            ladder.decide(db, actor, trajectory, proposal, "confirm")
    ladder.decide(db, tw.klantmanager, trajectory, proposal, "reject")
    with pytest.raises(FactRefused, match="al afgewezen"):
        ladder.decide(db, tw.klantmanager, trajectory, proposal, "confirm")
    with pytest.raises(FactRefused, match="Alleen het re-integratiebedrijf of de klantmanager"):
        ladder.record_measurement(db, tw.other_bureau, trajectory, rung=3, measured_on=date(2026, 5, 1), today=TODAY)


def test_a_proposed_measurement_waits_for_the_klantmanager_in_the_list(db, tw, contract):
    from portal.trajectories.listing import ListFilters, list_trajectories
    trajectory = started(db, tw, contract)
    waiting = lambda: [r.ref for r in list_trajectories(db, tw.klantmanager, ListFilters(waiting=True)).rows]  # noqa
    assert trajectory.ref not in waiting()
    proposal = ladder.record_measurement(db, tw.bureau, trajectory, rung=3, measured_on=date(2026, 5, 1), today=TODAY)
    assert trajectory.ref in waiting()
    ladder.decide(db, tw.klantmanager, trajectory, proposal, "confirm")
    assert trajectory.ref not in waiting()
