"""Grid rows of the client facts (issue 9); the SETUP hook puts a placement and a proposed ladder measurement on
trajectory_a. A client or trajectory of the other tenant is a 404."""
from datetime import date, datetime, timezone
from decimal import Decimal

from portal.models import LadderMeasurement, Placement

from .rows import STAFF, Row
from .rows_trajectories import (BUREAU, KLANTMANAGER, OTHER_BUREAU, OTHER_KLANTMANAGER, client, trajectory)
from .world import SETUP

ADMIN = frozenset({"admin"})
BOTH = BUREAU | KLANTMANAGER
OTHERS = OTHER_BUREAU | OTHER_KLANTMANAGER


def _placement_and_measurement_on_trajectory_a(world, db) -> None:
    placement = Placement(trajectory_id=world.trajectory_a.id, employer_name="Bakkerij", start_date=date(2026, 3, 1),
                          contract_type="vast", hours_per_week=Decimal("32"), gross_wage=Decimal("2400.00"),
                          benefit_ends="fully")
    measurement = LadderMeasurement(trajectory_id=world.trajectory_a.id, rung=3, measured_on=date(2026, 4, 1),
                                    status="proposed", proposed_at=datetime(2026, 4, 1, tzinfo=timezone.utc))
    db.add_all([placement, measurement])
    db.flush()
    world.extra["placement_a"], world.extra["measurement_a"] = placement, measurement


SETUP.append(_placement_and_measurement_on_trajectory_a)


def _change(w):
    return f"/trajecten/{w.trajectory_a.id}/plaatsingen/{w.extra['placement_a'].id}/wijziging"


ROWS = [
    Row("clients.facts", "GET", client("/feiten"), KLANTMANAGER, hidden=OTHER_KLANTMANAGER),
    Row("clients.facts", "POST", client("/feiten"), KLANTMANAGER, hidden=OTHER_KLANTMANAGER,
        data=lambda w: {"kind": "target_group", "value": "jongere", "valid_from": "2026-03-01"}),
    Row("clients.ladder_page", "GET", trajectory("/ladder"), BOTH | STAFF, hidden=OTHERS),
    Row("clients.measure", "POST", trajectory("/ladder"), BOTH, hidden=OTHERS,
        data=lambda w: {"rung": "4", "measured_on": "2026-05-01"}),
    Row("clients.decide", "POST", lambda w: f"/trajecten/{w.trajectory_a.id}/ladder/{w.extra['measurement_a'].id}/besluit",
        KLANTMANAGER, hidden=OTHER_KLANTMANAGER, data=lambda w: {"decision": "confirm"}),
    Row("clients.activation_result", "GET", trajectory("/activering"), BUREAU, hidden=OTHER_BUREAU),
    Row("clients.activation_result", "POST", trajectory("/activering"), BUREAU, hidden=OTHER_BUREAU,
        data=lambda w: {"kind": "volunteering", "start": "2026-03-01"}),
    Row("clients.placement_change", "GET", _change, BOTH, hidden=OTHERS),
    Row("clients.placement_change", "POST", _change, BOTH, hidden=OTHERS,
        data=lambda w: {"kind": "ended_early", "changed_on": "2026-05-01"}),
    Row("clients.esf_facts", "GET", trajectory("/esf"), KLANTMANAGER, hidden=OTHER_KLANTMANAGER),
    Row("clients.esf_facts", "POST", trajectory("/esf"), KLANTMANAGER, hidden=OTHER_KLANTMANAGER,
        data=lambda w: {"gender": "vrouw", "isced": "3", "labour_status": "unemployed"}),
    Row("clients.profiles", "GET", lambda w: "/beheer/clientprofielen", ADMIN),
    Row("clients.profiles", "POST", lambda w: "/beheer/clientprofielen", ADMIN,
        data=lambda w: {"code": "p1", "name": "Profiel 1"}),
    Row("clients.durable_terms", "GET", lambda w: f"/beheer/contracten/{w.contract_a.id}/duurzame-uitstroom", ADMIN),
    Row("clients.durable_terms", "POST", lambda w: f"/beheer/contracten/{w.contract_a.id}/duurzame-uitstroom", ADMIN,
        data=lambda w: {"months": "6", "benefit_must_end": "y"}),
]
