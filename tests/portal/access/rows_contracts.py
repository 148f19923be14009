"""Grid rows of contract master data and amendments; the SETUP hook proposes an amendment (version 2) of contract_a."""
from __future__ import annotations

import dataclasses

from portal.contracts.amendments import propose_amendment
from portal.contracts.terms import parse_terms, snapshot_of
from .rows import Row
from .world import SETUP
from ... import factories as f

ADMIN = frozenset({"admin"})
DECIDERS = frozenset({"admin", "finance"})


def _proposal_on_contract_a(world, db) -> None:
    terms = dataclasses.replace(parse_terms(snapshot_of(world.contract_a)), max_trajectories=99)
    propose_amendment(db, f.create_user(db, "admin"), world.contract_a, terms, "Meer volume")


SETUP.append(_proposal_on_contract_a)

ROWS = [
    Row("contracts.new_contract", "GET", lambda w: "/beheer/contracten/nieuw", ADMIN),
    Row("contracts.new_contract", "POST", lambda w: "/beheer/contracten/nieuw", ADMIN),
    Row("contracts.propose", "GET", lambda w: f"/beheer/contracten/{w.contract_a.id}/wijzigen", ADMIN),
    Row("contracts.propose", "POST", lambda w: f"/beheer/contracten/{w.contract_a.id}/wijzigen", ADMIN),
    Row("contracts.approve", "POST", lambda w: f"/beheer/contracten/{w.contract_a.id}/versies/2/goedkeuren",
        DECIDERS),
    Row("contracts.reject", "POST", lambda w: f"/beheer/contracten/{w.contract_a.id}/versies/2/afwijzen",
        DECIDERS, data=lambda w: {"note": "Niet nodig"}),
    Row("admin.new_provider", "GET", lambda w: "/beheer/bureaus/nieuw", ADMIN),
    Row("admin.new_provider", "POST", lambda w: "/beheer/bureaus/nieuw", ADMIN),
    Row("admin.new_municipality", "GET", lambda w: "/beheer/gemeenten/nieuw", ADMIN),
    Row("admin.new_municipality", "POST", lambda w: "/beheer/gemeenten/nieuw", ADMIN),
]

ROWS.append(Row("contracts.index", "GET", lambda w: "/beheer/contracten", frozenset({"admin", "finance", "reviewer"})))
