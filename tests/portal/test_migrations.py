"""Migrations build the same schema as the models, and run forward and back, on both engines."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from portal import migrate
from portal.models import Base

from ..conftest import ENGINE_PARAMS, fresh_database_url
import pytest


@pytest.fixture(params=ENGINE_PARAMS)
def empty_url(request, tmp_path_factory):
    return fresh_database_url(request.param, request, tmp_path_factory)


def test_models_and_migrations_agree(empty_url):
    migrate.upgrade(empty_url)
    engine = create_engine(empty_url, poolclass=NullPool)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_migrations_run_down_and_up_again(empty_url):
    migrate.upgrade(empty_url)
    migrate.downgrade(empty_url, "base")
    engine = create_engine(empty_url, poolclass=NullPool)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(empty_url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
