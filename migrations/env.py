"""Alembic environment: migrations run in batch mode so they work on SQLite and PostgreSQL alike."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from portal.models import Base

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Render the portal's own column types by import, not by repr."""
    if type_ == "type" and obj.__class__.__module__ == "portal.models.types":
        autogen_context.imports.add("import portal.models.types")
        if obj.__class__.__name__ == "ExactDecimal":
            return f"portal.models.types.ExactDecimal({obj.precision}, {obj.scale})"
        return f"portal.models.types.{obj.__class__.__name__}()"
    return False


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True, render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      render_item=render_item, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
