"""Set-ups for contract terms tests: a contract with a cap, terms changed through the engine's Contract."""
from __future__ import annotations

import dataclasses
from types import MappingProxyType

from portal.contracts.terms import parse_terms, snapshot_of
from ... import factories as f


def contract_with_cap(db, cap: int = 1):
    """A contract of a fresh consortium whose first municipality has a cap; returns (contract, municipality)."""
    consortium = f.create_consortium(db)
    municipality = f.create_municipality(db, consortium, "Alkmaar")
    contract = f.create_contract(db, consortium, f.create_provider(db))
    from portal.models import MunicipalityCap
    contract.municipality_caps = [MunicipalityCap(municipality_id=municipality.id, cap=cap)]
    db.flush()
    return contract, municipality


def amended(contract, **changes):
    """The contract's current terms as the engine's Contract, with some fields replaced."""
    terms = parse_terms(snapshot_of(contract))
    if "municipality_caps" in changes:
        changes["municipality_caps"] = MappingProxyType(changes["municipality_caps"])
    return dataclasses.replace(terms, **changes)
