"""Migration 0003 turns the one undated target group and benefit into dated facts, and back."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from portal import migrate

from ...conftest import ENGINES, fresh_database_url


@pytest.fixture(params=ENGINES)
def empty_url(request, tmp_path_factory):
    return fresh_database_url(request.param, request, tmp_path_factory)


def test_undated_values_become_facts_from_birth_and_nug_becomes_a_target_group(empty_url):
    migrate.upgrade(empty_url, "0002")
    engine = create_engine(empty_url, poolclass=NullPool)
    with engine.begin() as c:
        c.execute(text("INSERT INTO consortium (id, code, name, lead_municipality_code) VALUES (1, 'NK', 'NK', '0361')"))
        c.execute(text("INSERT INTO municipality (id, consortium_id, cbs_code, name) VALUES (1, 1, '0361', 'Alkmaar')"))
        for id_, birth, group, benefit in ((1, "1990-05-01", "jongere", "nug"), (2, None, "overig", "anw")):
            c.execute(text("INSERT INTO client (id, ref, bsn_hash, bsn_encrypted, bsn_last4, birth_date, "
                           "municipality_id, target_group, benefit, created_at) VALUES (:id, :ref, :hash, :enc, "
                           "'1234', :birth, 1, :group, :benefit, :at)"),
                      {"id": id_, "ref": f"C{id_}", "hash": f"h{id_}", "enc": b"x", "birth": birth, "group": group,
                       "benefit": benefit, "at": "2026-01-01 10:00:00+00:00"})
    migrate.upgrade(empty_url)
    with engine.connect() as c:
        facts = sorted(tuple(str(v) for v in row) for row in c.execute(text(
            "SELECT client_id, kind, value, valid_from FROM client_fact")))
        benefits = dict(c.execute(text("SELECT id, benefit FROM client")).all())
    assert facts == [("1", "benefit", "none", "1990-05-01"), ("1", "target_group", "jongere", "1990-05-01"),
                     ("1", "target_group", "nug", "1990-05-01"), ("2", "benefit", "anw", "1900-01-01"),
                     ("2", "target_group", "overig", "1900-01-01")]
    assert benefits == {1: "none", 2: "anw"}
    migrate.downgrade(empty_url, "0002")
    with engine.connect() as c:
        assert dict(c.execute(text("SELECT id, benefit FROM client")).all()) == {1: "nug", 2: "anw"}
    engine.dispose()
