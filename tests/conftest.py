"""Test fixtures: every database test runs on SQLite and on a real PostgreSQL, each in a rolled-back transaction."""
from __future__ import annotations

import os
import uuid

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from portal import create_app, migrate
from portal.db import make_sqlite_transactional
from portal.auth.passwords import use_fast_hashing_for_tests

from .pgcluster import Cluster

use_fast_hashing_for_tests()
# On a busy 2-core machine generating examples can be slow; that is not a finding, so properties never fail on the
# clock (each keeps its own max_examples).
settings.register_profile("portal", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("portal")
ENGINES = [e for e in os.environ.get("TEST_ENGINES", "sqlite,postgresql").split(",") if e]
#: The engines as fixture parameters: the PostgreSQL variant of every test carries the `postgres` marker,
#: so `-m "not postgres"` leaves them out and `-m postgres` runs only them.
ENGINE_PARAMS = [pytest.param(e, marks=pytest.mark.postgres) if e == "postgresql" else e for e in ENGINES]


@pytest.fixture(scope="session")
def pg_cluster():
    """The throwaway PostgreSQL cluster (one per test session)."""
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


def fresh_database_url(kind: str, request, tmp_path_factory) -> str:
    """Return the URL of a new, empty database of this kind."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database(f"test_{uuid.uuid4().hex[:10]}")


@pytest.fixture(scope="session", params=ENGINE_PARAMS)
def database_url(request, tmp_path_factory):
    """A migrated database per engine, shared by the tests of a session."""
    url = fresh_database_url(request.param, request, tmp_path_factory)
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = create_engine(database_url, poolclass=NullPool)
    if database_url.startswith("sqlite"):
        make_sqlite_transactional(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app(engine, database_url, tmp_path):
    """The portal bound to one connection whose transaction is rolled back after the test."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                      "EVIDENCE_DIR": str(tmp_path / "evidence")})
    connection = engine.connect()
    transaction = connection.begin()
    app.extensions["database"].bind(connection)
    yield app
    transaction.rollback()
    connection.close()
    app.extensions["database"].engine.dispose()


@pytest.fixture
def db(app):
    """The test's session (the same one the request handlers use within an app context)."""
    from portal.db import get_session
    with app.app_context():
        yield get_session()


@pytest.fixture
def client(app):
    return app.test_client()
