"""Contract amendments: numbered versions, four eyes, frozen once decided, and what a run then uses."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal import clock
from portal.contracts.amendments import approve_amendment, propose_amendment, reject_amendment
from portal.contracts.states import AmendmentRefused, InvalidTransition
from portal.contracts.terms import (current_version, parse_terms, record_first_version, recorded_contract_terms,
                                    snapshot_of, terms_version_at, versions)
from portal.finance.facts import contract_terms, load_contract
from portal.finance.runs import discard_run, start_run
from portal.models import AuditEvent, ContractTermsVersion
from portal.models.contract_terms import DecidedVersionIsFrozen
from ..finance.helpers import freeze_today, import_example
from ... import factories as f
from .helpers import amended, contract_with_cap


def test_a_snapshot_is_the_engines_contract(db):
    contract, municipality = contract_with_cap(db, cap=3)
    snapshot = snapshot_of(contract)
    assert snapshot["municipality_caps"] == {municipality.cbs_code: 3}
    assert snapshot["price"] == "4000.00" and snapshot["norm"]["rate"] == "35"
    assert parse_terms(snapshot) == contract_terms(contract, {municipality.id: municipality.cbs_code})


def test_propose_and_approve_raises_the_cap(db):
    contract, municipality = contract_with_cap(db, cap=1)
    proposer, approver = f.create_user(db, "admin"), f.create_user(db, "finance")
    version = propose_amendment(db, proposer, contract, amended(contract, municipality_caps={
        municipality.cbs_code: 4}, max_trajectories=40), "Ophoging na bezwaar over volume")
    assert (version.number, version.status) == (2, "proposed")
    assert [v.number for v in versions(db, contract.id)] == [2, 1]  # version 1 recorded on the way
    assert contract.municipality_caps[0].cap == 1  # nothing changes before approval
    approve_amendment(db, approver, version)
    assert (version.status, version.decided_by_id) == ("approved", approver.id)
    assert [(c.municipality_id, c.cap) for c in contract.municipality_caps] == [(municipality.id, 4)]
    assert contract.max_trajectories == 40
    assert current_version(db, contract.id).number == 2
    assert snapshot_of(contract) == version.terms
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "contract",
                                                         AuditEvent.object_id == str(contract.id))).all()
    assert {"contract_terms.proposed", "contract_terms.approved"} <= set(actions)


def test_reject_keeps_the_terms_and_needs_a_reason(db):
    contract, municipality = contract_with_cap(db, cap=1)
    proposer, decider = f.create_user(db, "admin"), f.create_user(db, "admin")
    version = propose_amendment(db, proposer, contract, amended(contract, price=contract.price + 100), "Indexatie")
    with pytest.raises(AmendmentRefused, match="reden"):
        reject_amendment(db, decider, version, " ")
    reject_amendment(db, decider, version, "Indexatie pas volgend jaar")
    assert (version.status, version.decision_note) == ("rejected", "Indexatie pas volgend jaar")
    assert str(contract.price) == "4000.00" and current_version(db, contract.id).number == 1
    with pytest.raises(InvalidTransition):
        approve_amendment(db, decider, version)


def test_four_eyes_the_proposer_cannot_decide(db):
    contract, municipality = contract_with_cap(db)
    proposer = f.create_user(db, "admin", "finance")
    version = propose_amendment(db, proposer, contract, amended(contract, max_trajectories=7), "Meer volume")
    with pytest.raises(AmendmentRefused, match="Vier ogen"):
        approve_amendment(db, proposer, version)
    with pytest.raises(AmendmentRefused, match="Vier ogen"):
        reject_amendment(db, proposer, version, "toch niet")
    assert version.status == "proposed"
    with pytest.raises(AmendmentRefused, match="beslist"):
        approve_amendment(db, f.create_user(db, "reviewer"), version)


def test_only_admin_proposes_one_at_a_time_and_something_must_change(db):
    contract, municipality = contract_with_cap(db)
    with pytest.raises(AmendmentRefused, match="functioneel beheer"):
        propose_amendment(db, f.create_user(db, "finance"), contract, amended(contract, max_trajectories=7), "x")
    admin = f.create_user(db, "admin")
    with pytest.raises(AmendmentRefused, match="gelijk"):
        propose_amendment(db, admin, contract, amended(contract), "niets")
    with pytest.raises(AmendmentRefused, match="reden"):
        propose_amendment(db, admin, contract, amended(contract, max_trajectories=7), "")
    propose_amendment(db, admin, contract, amended(contract, max_trajectories=7), "Meer volume")
    with pytest.raises(AmendmentRefused, match="wacht al"):
        propose_amendment(db, admin, contract, amended(contract, max_trajectories=8), "Nog meer")


def test_an_approved_version_never_changes_orm_guard(db):
    contract, _ = contract_with_cap(db)
    version = record_first_version(db, contract, f.create_user(db, "admin"))
    version.terms = dict(version.terms, price="1.00")
    with pytest.raises(DecidedVersionIsFrozen):
        db.flush()
    db.rollback()


def test_an_approved_version_never_changes_database_trigger(db):
    contract, _ = contract_with_cap(db)
    version = record_first_version(db, contract, f.create_user(db, "admin"))
    db.commit()
    for statement in ("UPDATE contract_terms_version SET reason = 'anders' WHERE id = :id",
                      "UPDATE contract_terms_version SET status = 'proposed', decided_at = NULL WHERE id = :id",
                      "DELETE FROM contract_terms_version WHERE id = :id"):
        with pytest.raises(DBAPIError):
            with db.begin_nested():
                db.execute(text(statement), {"id": version.id})
    db.expire_all()
    assert db.get(ContractTermsVersion, version.id).reason == version.reason


def test_a_proposal_may_still_be_decided_in_the_database(db):
    # The trigger freezes decided versions only: approving a proposal is an UPDATE it lets through.
    contract, municipality = contract_with_cap(db)
    version = propose_amendment(db, f.create_user(db, "admin"), contract, amended(contract, max_trajectories=9), "x")
    db.commit()
    approve_amendment(db, f.create_user(db, "finance"), version)
    db.commit()
    assert db.get(ContractTermsVersion, version.id).status == "approved"


def test_terms_as_recorded_at_a_moment(db):
    contract, municipality = contract_with_cap(db, cap=1)
    version = propose_amendment(db, f.create_user(db, "admin"), contract,
                                amended(contract, municipality_caps={municipality.cbs_code: 5}), "Ophoging")
    first = terms_version_at(db, contract.id, version.proposed_at)
    approve_amendment(db, f.create_user(db, "finance"), version)
    assert first.number == 1
    # Version 1 holds the original terms: in force also before it was recorded.
    assert terms_version_at(db, contract.id, first.decided_at - timedelta(days=400)).number == 1
    assert terms_version_at(db, contract.id, version.decided_at).number == 2
    before = recorded_contract_terms(contract, version.decided_at - timedelta(microseconds=1))
    after = recorded_contract_terms(contract, version.decided_at)
    assert before.municipality_caps[municipality.cbs_code] == 1 and after.municipality_caps[municipality.cbs_code] == 5


def test_a_contract_without_versions_is_settled_with_its_current_terms(db):
    contract, municipality = contract_with_cap(db, cap=2)
    assert terms_version_at(db, contract.id, clock.now()) is None
    terms = recorded_contract_terms(contract, clock.now())
    assert terms.municipality_caps == {municipality.cbs_code: 2}


def test_a_run_drafted_after_an_amendment_uses_the_new_caps(db, monkeypatch):
    freeze_today(monkeypatch, date(2027, 1, 15))
    _, contract = import_example(db, "04-volume-caps")
    admin, finance = f.create_user(db, "admin"), f.create_user(db, "finance")
    assert db.scalar(select(ContractTermsVersion.number).where(
        ContractTermsVersion.contract_id == contract.id)) == 1  # the import records version 1
    before = start_run(db, finance, contract, date(2026, 12, 31))
    over_volume = [line for line in before.lines if line.reason == "OVER_VOLUME"]
    assert over_volume, "the example has lines over the cap"
    discard_run(db, finance, before)
    version = propose_amendment(db, admin, contract, amended(contract, municipality_caps={"0361": 9},
                                                            max_trajectories=20), "Plafond Alkmaar verhoogd")
    approve_amendment(db, finance, version)
    db.expire_all()
    after = start_run(db, finance, load_contract(db, contract.code), date(2026, 12, 31))
    assert [line for line in after.lines if line.reason == "OVER_VOLUME"] == []
    assert after.total_payable > before.total_payable
