"""Engine and per-request session: one request, one transaction."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, pool_size: int = 5, *, prepared_statements: bool = True) -> Engine:
    """Create an engine; SQLite gets foreign keys and a busy timeout.

    Behind PgBouncer in transaction pooling mode, consecutive transactions may run on different
    server connections, so psycopg's server-side prepared statements must be off
    (`prepared_statements=False`, config DATABASE_PREPARED_STATEMENTS=0).

    `hide_parameters`: a database error's text (logged with the traceback of a 500) must not carry the
    statement's values, which may be a client's name or birth date (AVG; README "Privacy (AVG)").
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        make_sqlite_transactional(engine)
        return engine
    connect_args = {} if prepared_statements else {"prepare_threshold": None}
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size,
                         connect_args=connect_args, hide_parameters=True)


def make_sqlite_transactional(engine: Engine) -> None:
    """Give SQLite real transactions and savepoints (pysqlite's own BEGIN handling breaks them)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


class Database:
    """Holds the engine and the session factory of one app."""

    def __init__(self, url: str, pool_size: int = 5, *, prepared_statements: bool = True):
        self.engine = make_engine(url, pool_size, prepared_statements=prepared_statements)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)

    def bind(self, connection) -> None:
        """Run every session on one connection inside its transaction (tests roll it back)."""
        self.session_factory = sessionmaker(bind=connection, expire_on_commit=False,
                                            join_transaction_mode="create_savepoint")


def init_app(app: Flask) -> Database:
    database = Database(app.config["DATABASE_URL"], app.config["DATABASE_POOL_SIZE"],
                        prepared_statements=app.config.get("DATABASE_PREPARED_STATEMENTS", True))
    app.extensions["database"] = database

    @app.teardown_appcontext
    def _close_session(exc):
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            if exc is not None or session.in_transaction():
                session.rollback()
            session.close()

    return database


def get_session() -> Session:
    """Return this request's session (created on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["database"].session_factory()
    return g.db_session
