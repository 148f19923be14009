"""Tenancy across consortia: staff see only their own consortium's contracts, runs, invoices, objections,
queue, results, audit trail and users; accounts are tied to a consortium when they are created."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from portal import migrate
from portal.access import consortium_of
from portal.trajectories.listing import display_ref
from portal.auth.service import NoConsortium, create_user
from portal.models import Contract, User
from .. import factories as f
from .access.test_grid import ROWS  # noqa: F401 - imports every rows module, so the world's SETUP hooks run
from .access.world import build_world
from .test_migrations import empty_url  # noqa: F401 - fixture


def _page(app, user, path: str) -> str:
    client = app.test_client()
    f.log_in(client, user)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_finance_and_reviewer_of_another_consortium_do_not_see_its_contracts(app, db):
    """The finding: a finance or reviewer user of Noord-Kennemerland saw Holland Rijnland's contracts."""
    noord, rijnland = f.create_consortium(db, "NK"), f.create_consortium(db, "HR")
    bureau = f.create_provider(db)
    theirs, ours = f.create_contract(db, rijnland, bureau), f.create_contract(db, noord, bureau)
    for role in ("finance", "reviewer"):
        user = f.create_user(db, role, consortium=noord)
        db.commit()
        page = _page(app, user, "/beheer/contracten")
        assert ours.code in page
        assert theirs.code not in page, role


def test_list_pages_show_only_the_own_consortium(app, db):
    """Every staff list page: consortium A's user sees A's object, the same role of consortium B does not."""
    world = build_world(db)
    users = world.users
    own = db.scalar(select(Contract).where(Contract.consortium_id != world.contract_a.consortium_id))
    pages = [  # (path, role, what of consortium A the page shows to A's user)
        ("/beheer/contracten", "finance", world.contract_a.code),
        ("/beheer/contracten", "reviewer", world.contract_a.code),
        ("/afrekeningen", "finance", world.contract_a.code),
        ("/facturen", "finance", world.extra["invoice_a"].display_number),
        ("/facturen", "auditor", world.extra["invoice_a"].display_number),
        ("/bezwaren", "reviewer", world.contract_a.code),
        ("/beoordelen", "reviewer", world.claim_a.ref),
        ("/trajecten", "reviewer", display_ref(world.trajectory_a.ref)),
        ("/resultaten?segment=directe_bemiddeling", "reviewer", world.contract_a.code),
        ("/resultaten?segment=directe_bemiddeling", "klantmanager_a", world.contract_a.code),
        ("/controle/audittrail", "auditor", users["finance"].email),
        ("/beheer/", "admin", users["reviewer"].email),
        ("/beheer/", "admin", world.contract_a.code),
    ]
    other = {"finance": "finance_other", "reviewer": "reviewer_other", "auditor": "auditor_other",
             "admin": "admin_other", "klantmanager_a": "klantmanager_other"}
    for path, role, marker in pages:
        assert marker in _page(app, users[role], path), (path, role)
        assert marker not in _page(app, users[other[role]], path), (path, other[role])
    # ... and B's own contract is there for B: the pages are scoped, not empty.
    assert own.code in _page(app, users["finance_other"], "/beheer/contracten")
    assert own.code in _page(app, users["admin_other"], "/beheer/")


def test_staff_need_a_consortium_and_a_klantmanager_gets_their_municipality(db):
    consortium, other = f.create_consortium(db), f.create_consortium(db, "HR")
    municipality = f.create_municipality(db, consortium)
    values = {"name": "Nieuw", "password": f.PASSWORD}
    with pytest.raises(NoConsortium):
        create_user(db, email="fin@example.org", roles=["finance"], **values)
    with pytest.raises(NoConsortium):  # a klantmanager's consortium is their municipality's
        create_user(db, email="km@example.org", roles=["klantmanager"], municipality_id=municipality.id,
                    consortium_id=other.id, **values)
    with pytest.raises(NoConsortium):  # a bureau's staff belong to no consortium
        create_user(db, email="bureau@example.org", roles=["provider"], provider_id=f.create_provider(db).id,
                    consortium_id=consortium.id, **values)
    klantmanager = create_user(db, email="km@example.org", roles=["klantmanager"], municipality_id=municipality.id,
                               **values)
    assert klantmanager.consortium_id == consortium.id == consortium_of(klantmanager)


def test_an_admin_creates_staff_in_its_own_consortium(app, db):
    consortium, other = f.create_consortium(db), f.create_consortium(db, "HR")
    admin = f.create_user(db, "admin", consortium=other)
    db.commit()
    client = app.test_client()
    f.log_in(client, admin)
    response = client.post("/beheer/gebruikers/nieuw", data={
        "email": "nieuw@example.org", "name": "Nieuwe Reviewer", "password": "lantaarn paraplu fietsbel",
        "roles": ["reviewer"], "provider_id": 0, "municipality_id": 0})
    assert response.status_code == 302
    assert db.scalar(select(User.consortium_id).where(User.email == "nieuw@example.org")) == other.id != consortium.id


def test_create_user_command_needs_the_consortium_of_staff(app, db):
    consortium = f.create_consortium(db, "WF")
    db.commit()
    runner = app.test_cli_runner()
    args = ["create-user", "--email", "cm@example.org", "--name", "Cm", "--role", "reviewer",
            "--password", "lantaarn paraplu fietsbel"]
    refused = runner.invoke(args=args)
    assert refused.exit_code == 2 and "--consortium" in refused.output
    done = runner.invoke(args=[*args, "--consortium", consortium.code])
    assert done.exit_code == 0, done.output
    assert db.scalar(select(User.consortium_id).where(User.email == "cm@example.org")) == consortium.id


def test_migration_gives_existing_staff_the_one_consortium(empty_url):  # noqa: F811
    migrate.upgrade(empty_url, "0009")
    engine = create_engine(empty_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO consortium (id, code, name) VALUES (1, 'NK', 'Noord-Kennemerland')"))
        connection.execute(text("INSERT INTO municipality (id, consortium_id, cbs_code, name) "
                                "VALUES (1, 1, '0361', 'Alkmaar')"))
        connection.execute(text("INSERT INTO provider (id, code, name) VALUES (1, 'WKN', 'Werkkracht')"))
        for user_id, role, provider, municipality in ((1, "finance", None, None), (2, "provider", 1, None),
                                                      (3, "klantmanager", None, 1)):
            connection.execute(text(
                'INSERT INTO "user" (id, email, name, password_hash, active, provider_id, municipality_id, '
                "created_at) VALUES (:id, :email, 'x', 'x', :active, :provider, :municipality, :at)"),
                {"id": user_id, "email": f"u{user_id}@example.org", "active": True, "provider": provider,
                 "municipality": municipality, "at": "2026-01-01 00:00:00+00:00"})
            connection.execute(text("INSERT INTO role_grant (user_id, role) VALUES (:id, :role)"),
                               {"id": user_id, "role": role})
    migrate.upgrade(empty_url)
    with engine.connect() as connection:
        found = dict(connection.execute(text('SELECT id, consortium_id FROM "user" ORDER BY id')).all())
    engine.dispose()
    assert found == {1: 1, 2: None, 3: 1}
