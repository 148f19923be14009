"""No personal data in logs: not in PostgreSQL's error log, not in a logged database error, not in SQL echo."""
from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal.db import make_engine

NAME = "Privacytest-Vermeulen"
PARAMS = {"hash": "f" * 64, "cipher": b"x", "name": NAME}


def _insert(municipality: str) -> text:
    """A client row that breaks a rule: PostgreSQL's DETAIL would list the whole row, name included."""
    return text("INSERT INTO client (ref, bsn_hash, bsn_encrypted, bsn_last4, first_name, last_name, municipality_id, "
                f"target_group, created_at) VALUES ('CLOG1', :hash, :cipher, '2333', 'Sanne', :name, {municipality}, "
                "'geen-doelgroep', CURRENT_TIMESTAMP)")


@pytest.mark.postgres
def test_postgresql_error_log_holds_no_client_name(pg_cluster, database_url, db):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's server log")
    from tests.factories import create_consortium, create_municipality
    create_municipality(db, create_consortium(db, "LOG"), "Logdorp")
    with pytest.raises(IntegrityError):
        with db.begin_nested():
            db.execute(_insert("(SELECT min(id) FROM municipality)"), PARAMS)
    time.sleep(0.2)
    log = pg_cluster.log_path.read_text(errors="replace")
    assert 'violates check constraint "ck_client_target_group"' in log  # the error itself is logged ...
    assert NAME not in log and "Failing row contains" not in log  # ... without the row or the statement
    assert "INSERT INTO client" not in log


def test_a_logged_database_error_and_the_sql_echo_carry_no_statement_values(app, database_url, caplog):
    caplog.set_level(logging.INFO)
    engine = make_engine(database_url)
    engine.echo = True
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM client WHERE last_name = :name"), {"name": NAME})
            connection.rollback()
            with pytest.raises(IntegrityError) as caught:
                connection.execute(_insert("NULL"), PARAMS)
    finally:
        engine.dispose()
    error = caught.value
    # What Flask logs for a 500: the traceback of the error, through the app's logger.
    app.logger.error("Exception on /clienten/nieuw [POST]", exc_info=(type(error), error, error.__traceback__))
    assert "INSERT INTO client" in caplog.text and "IntegrityError" in caplog.text
    assert any("SELECT count(*) FROM client" in r.getMessage() for r in caplog.records)
    assert NAME not in caplog.text
