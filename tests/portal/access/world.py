"""Two tenants side by side: bureau A and B, municipality A and B, and one user per role.

Every grid row asks for an object of tenant A; the grid says which roles may see it. A second consortium
holds its own staff (OTHER_CONSORTIUM): for them every object of consortium A is a 404.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from portal.models import Contract, MilestoneClaim, Municipality, Provider, Trajectory, User
from ... import factories as f

#: Staff of a second consortium, each with the role of consortium A's user it mirrors.
OTHER_CONSORTIUM = {"reviewer_other": "reviewer", "finance_other": "finance", "admin_other": "admin",
                    "auditor_other": "auditor", "klantmanager_other": "klantmanager_b"}
ROLES = ("anonymous", "provider_a", "provider_b", "klantmanager_a", "klantmanager_b", "reviewer", "finance", "admin",
         "auditor", *OTHER_CONSORTIUM)


@dataclass
class World:
    municipality_a: Municipality
    municipality_b: Municipality
    provider_a: Provider
    provider_b: Provider
    contract_a: Contract
    contract_b: Contract
    trajectory_a: Trajectory
    trajectory_b: Trajectory
    claim_a: MilestoneClaim
    claim_b: MilestoneClaim
    users: dict[str, User]
    # Objects that later areas add through SETUP hooks (evidence, runs, invoices, ...).
    extra: dict[str, object] = field(default_factory=dict)


# Functions (world, db) -> None that add an area's objects to the world; areas append to this list.
SETUP: list = []


def build_world(db: Session) -> World:
    consortium = f.create_consortium(db)
    municipality_a = f.create_municipality(db, consortium, "Alkmaar")
    municipality_b = f.create_municipality(db, consortium, "Bergen")
    provider_a = f.create_provider(db, "Bureau A")
    provider_b = f.create_provider(db, "Bureau B")
    contract_a = f.create_contract(db, consortium, provider_a)
    contract_b = f.create_contract(db, consortium, provider_b)
    trajectory_a = f.create_trajectory(db, contract_a, municipality_a)
    trajectory_b = f.create_trajectory(db, contract_b, municipality_b)
    claim_a = f.create_claim(db, trajectory_a, "intake", happened=date(2026, 2, 3))
    claim_b = f.create_claim(db, trajectory_b, "intake", happened=date(2026, 2, 3))
    users = {
        "provider_a": f.create_user(db, "provider", provider=provider_a),
        "provider_b": f.create_user(db, "provider", provider=provider_b),
        "klantmanager_a": f.create_user(db, "klantmanager", municipality=municipality_a),
        "klantmanager_b": f.create_user(db, "klantmanager", municipality=municipality_b),
        "reviewer": f.create_user(db, "reviewer", consortium=consortium),
        "finance": f.create_user(db, "finance", consortium=consortium),
        "admin": f.create_user(db, "admin", consortium=consortium),
        "auditor": f.create_user(db, "auditor", consortium=consortium),
    }
    other = f.create_consortium(db, "HR")
    other_municipality = f.create_municipality(db, other, "Leiden")
    f.create_contract(db, other, f.create_provider(db, "Bureau C"))
    for role, like in OTHER_CONSORTIUM.items():
        users[role] = (f.create_user(db, "klantmanager", municipality=other_municipality) if like == "klantmanager_b"
                       else f.create_user(db, like, consortium=other))
    world = World(municipality_a, municipality_b, provider_a, provider_b, contract_a, contract_b, trajectory_a,
                  trajectory_b, claim_a, claim_b, users)
    for setup in SETUP:
        setup(world, db)
    db.commit()
    return world
