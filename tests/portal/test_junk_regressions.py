"""Server errors that tests/portal/test_junk_input.py found, each pinned by the smallest request that caused it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.models import Municipality, Trajectory
from .. import factories as f


@pytest.fixture
def tenant(db):
    consortium = f.create_consortium(db)
    municipality = f.create_municipality(db, consortium)
    contract = f.create_contract(db, consortium, f.create_provider(db))
    return consortium, municipality, contract


@pytest.mark.parametrize("end", [" ", [" ", " "], "\t"])
def test_a_blank_end_date_is_a_form_error_not_a_500(app, db, tenant, end):
    _, municipality, contract = tenant
    trajectory = f.create_trajectory(db, contract, municipality)
    klantmanager = f.create_user(db, "klantmanager", municipality=municipality)
    db.commit()
    client = app.test_client()
    f.log_in(client, klantmanager)
    response = client.post(f"/trajecten/{trajectory.id}/beeindigen", data={"end": end, "reason": "work"})
    assert response.status_code == 422
    assert "Einddatum" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Trajectory, trajectory.id).status == "active"


@pytest.mark.parametrize("consortium_id", [str(2**31), str(2**63), "9" * 30, "0", "-1"])
def test_a_consortium_id_beyond_the_integer_range_is_a_form_error(app, db, tenant, consortium_id):
    admin = f.create_user(db, "admin")
    db.commit()
    client = app.test_client()
    f.log_in(client, admin)
    before = db.scalar(select(func.count()).select_from(Municipality))
    response = client.post("/beheer/gemeenten/nieuw", data={
        "consortium_id": consortium_id, "cbs_code": "0399", "name": "Heiloo", "street": "Raadhuisplein 1",
        "postcode": "1851 JA", "city": "Heiloo", "kvk": "12345678", "oin": "00000001001234567000"})
    assert response.status_code in (200, 400)
    assert "Consortium" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Municipality)) == before


@pytest.mark.parametrize("url", ["/beoordelen?contract=2147483648", "/beoordelen?bureau=99999999999999999999",
                                 "/beoordelen?page=9223372036854775808", "/bezwaren?contract=2147483648",
                                 "/trajecten?page=2147483648"])
def test_an_id_or_page_beyond_the_integer_range_in_a_query_string_is_ignored(app, db, url):
    reviewer = f.create_user(db, "reviewer")
    db.commit()
    client = app.test_client()
    f.log_in(client, reviewer)
    assert client.get(url).status_code == 200
