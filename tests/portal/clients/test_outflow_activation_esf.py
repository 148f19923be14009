"""Durable outflow, placement changes, social-activation results and the ESF report's new columns."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.clients import activation, esf, outflow
from portal.clients.errors import FactRefused
from portal.clients.panels import review_panel
from portal.clients.service import record_fact
from portal.csv_export import csv_lines
from portal.finance.exports import esf_rows
from portal.models import ActivationResult, MilestoneClaim, PlacementChange
from portal.trajectories.claims import ClaimRefused, PlacementFacts, register_placement, submit_claim

from ... import factories as f
from ..trajectories.conftest import pdf

TODAY = date(2026, 11, 20)


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def trajectory(db, tw):
    return f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 2, 1))


def place(db, tw, trajectory, storage, benefit_ends="fully"):
    facts = PlacementFacts("Bakkerij", None, date(2026, 3, 1), "vast", Decimal("32"), Decimal("2400.00"), benefit_ends)
    return register_placement(db, tw.bureau, trajectory, facts, uploads=[pdf("c.pdf")],
                              evidence_kind="employment_contract", storage=storage, today=TODAY).placement


def claim_sustained(db, tw, trajectory, placement, storage, happened=date(2026, 9, 15)):
    return submit_claim(db, tw.bureau, trajectory, type="sustained_placement", happened=happened, uploads=[pdf()],
                        evidence_kind="payslip", storage=storage, placement=placement, today=TODAY)


def test_sustained_placement_only_when_the_conditions_hold_and_the_reviewer_sees_the_check(db, tw, trajectory,
                                                                                           storage):
    placement = place(db, tw, trajectory, storage)
    claim = claim_sustained(db, tw, trajectory, placement, storage)
    check = review_panel(db, claim).durable
    assert check.holds and check.durable_from == date(2026, 9, 1) and len(check.conditions) == 2


def test_a_partial_benefit_end_breaks_durability_when_the_contract_asks_a_full_end(db, tw, trajectory, storage):
    placement = place(db, tw, trajectory, storage, benefit_ends="partly")
    admin = f.create_user(db, "admin")
    outflow.set_terms(db, admin, tw.contract, months=6, benefit_must_end=True)
    with pytest.raises(ClaimRefused, match="uitkering moet volledig stoppen") as refused:
        claim_sustained(db, tw, trajectory, placement, storage)
    assert refused.value.field == "placement_id"
    outflow.set_terms(db, admin, tw.contract, months=6, benefit_must_end=False)
    assert claim_sustained(db, tw, trajectory, placement, storage).type == "sustained_placement"


@pytest.mark.parametrize("kind, hours", [("ended_early", None), ("fewer_hours", "16"), ("benefit_resumed", None)])
def test_a_change_within_the_period_breaks_durability(db, tw, trajectory, storage, kind, hours):
    placement = place(db, tw, trajectory, storage)
    outflow.record_change(db, tw.klantmanager, trajectory, placement, kind=kind, changed_on=date(2026, 6, 1),
                          hours_per_week=hours, today=TODAY)
    before = count(db, MilestoneClaim)
    with pytest.raises(ClaimRefused, match="Wijziging op 01-06-2026"):
        claim_sustained(db, tw, trajectory, placement, storage)
    assert count(db, MilestoneClaim) == before


def test_bad_placement_changes_are_refused(db, tw, trajectory, storage):
    placement = place(db, tw, trajectory, storage)
    for kwargs, field in [({"kind": "promoted", "changed_on": date(2026, 6, 1)}, "kind"),
                          ({"kind": "ended_early", "changed_on": date(2026, 12, 1)}, "changed_on"),
                          ({"kind": "ended_early", "changed_on": date(2026, 2, 1)}, "changed_on"),
                          ({"kind": "fewer_hours", "changed_on": date(2026, 6, 1), "hours_per_week": "40"},
                           "hours_per_week")]:
        with pytest.raises(FactRefused) as refused:
            outflow.record_change(db, tw.bureau, trajectory, placement, today=TODAY, **kwargs)
        assert refused.value.field == field
    with pytest.raises(FactRefused):
        outflow.record_change(db, tw.other_bureau, trajectory, placement, kind="ended_early",
                              changed_on=date(2026, 6, 1), today=TODAY)
    assert count(db, PlacementChange) == 0


def test_activation_results_are_recorded_and_counted(db, tw, trajectory):
    activation.record_result(db, tw.bureau, trajectory, kind="volunteering", start=date(2026, 4, 1), today=TODAY)
    activation.record_result(db, tw.bureau, trajectory, kind="language_course", start=date(2026, 5, 1),
                             end=date(2026, 8, 1), today=TODAY)
    assert activation.count_results(db, [trajectory.id], on=date(2026, 4, 15)) == {trajectory.id: 1}
    for kwargs, field in [({"kind": "sport", "start": date(2026, 4, 1)}, "kind"),
                          ({"kind": "mantelzorg", "start": date(2026, 12, 1)}, "start"),
                          ({"kind": "mantelzorg", "start": date(2026, 1, 1)}, "start"),
                          ({"kind": "mantelzorg", "start": date(2026, 4, 1), "end": date(2026, 3, 1)}, "end")]:
        with pytest.raises(FactRefused) as refused:
            activation.record_result(db, tw.bureau, trajectory, today=TODAY, **kwargs)
        assert refused.value.field == field
    assert count(db, ActivationResult) == 2


def test_the_esf_report_shows_the_participant_columns_and_never_the_bsn(db, tw, trajectory):
    client = trajectory.client
    client.birth_date = date(1970, 6, 1)
    record_fact(db, tw.klantmanager, client, kind="target_group", value="50plus", valid_from=date(2020, 6, 1),
                today=TODAY)
    esf.record_esf(db, tw.klantmanager, trajectory, gender="vrouw", isced="2", labour_status="long_term_unemployed")
    activation.record_result(db, tw.bureau, trajectory, kind="mantelzorg", start=date(2026, 4, 1), today=TODAY)
    rows = list(csv.reader(io.StringIO("".join(csv_lines(esf_rows(db, tw.contract))).lstrip("\ufeff")), delimiter=";"))
    row = dict(zip(rows[0], rows[1]))
    assert row["Doelgroep"] == "50-plusser, Overig" and row["Uitkering"] == "Participatiewet"
    assert (row["Geslacht"], row["Leeftijd bij start"], row["Arbeidsmarktstatus bij start"]) == (
        "Vrouw", "55 of ouder", "Langdurig werkloos")
    assert row["Opleidingsniveau (ISCED)"].startswith("ISCED 2") and row["Resultaten sociale activering"] == \
        "Mantelzorg (01-04-2026)"
    with pytest.raises(FactRefused, match="Resultaat bij uitstroom: pas vast te leggen"):
        esf.record_esf(db, tw.klantmanager, trajectory, gender="vrouw", isced="2", labour_status="inactive",
                       exit_result="in_work")
