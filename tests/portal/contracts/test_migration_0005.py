"""Migration 0005: every existing contract gets version 1 of its terms; forward and back with data, both engines."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from portal import migrate
from portal.contracts.terms import parse_terms, snapshot_of
from portal.finance.facts import load_contract
from portal.models import ContractTermsVersion, MunicipalityCap, Tranche
from ...conftest import ENGINES, fresh_database_url
from ... import factories as f


@pytest.fixture(params=ENGINES)
def empty_url(request, tmp_path_factory):
    return fresh_database_url(request.param, request, tmp_path_factory)


def test_existing_contracts_get_version_1_and_the_migration_goes_back(empty_url):
    migrate.upgrade(empty_url)
    engine = create_engine(empty_url, poolclass=NullPool)
    with Session(engine) as db:
        consortium = f.create_consortium(db)
        alkmaar = f.create_municipality(db, consortium)
        with_norm = f.create_contract(db, consortium, f.create_provider(db))
        with_norm.municipality_caps = [MunicipalityCap(municipality_id=alkmaar.id, cap=12)]
        with_norm.max_trajectories = 40
        plain = f.create_contract(db, consortium, f.create_provider(db), norm=False, price="1234.50")
        plain.funding, plain.tranches = [], []
        db.flush()
        plain.tranches = [Tranche(position=0, code="vast", milestone_type="intake", amount=Decimal("1234.50"),
                                  result=False)]
        db.flush()
        codes, cbs = [with_norm.code, plain.code], alkmaar.cbs_code
        db.commit()
    migrate.downgrade(empty_url, "0004")
    assert "contract_terms_version" not in inspect(engine).get_table_names()
    migrate.upgrade(empty_url)
    with Session(engine) as db:
        for code in codes:
            contract = load_contract(db, code)
            version = db.scalar(select(ContractTermsVersion).where(ContractTermsVersion.contract_id == contract.id))
            assert (version.number, version.status, version.proposed_by_id) == (1, "approved", None)
            assert version.decided_at is not None
            assert version.terms == snapshot_of(contract)
            parse_terms(version.terms)  # valid for the engine
            if code == codes[0]:
                assert version.terms["municipality_caps"] == {cbs: 12}
                assert version.terms["max_trajectories"] == 40 and version.terms["norm"]["rate"] == "35"
            else:
                assert "norm" not in version.terms and "funding" not in version.terms
                assert version.terms["tranches"] == [{"code": "vast", "milestone": "intake", "amount": "1234.50",
                                                      "result": False}]
    migrate.downgrade(empty_url, "0004")
    migrate.upgrade(empty_url, "0005")
    engine.dispose()
