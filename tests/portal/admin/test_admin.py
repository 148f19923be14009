"""Beheer: users and master data, validated and audited."""
from __future__ import annotations


import pytest
from sqlalchemy import select

from portal.admin.service import AdminRefused, set_user_active, update_municipality, update_provider
from portal.models import AuditEvent, User
from ... import factories as f
from tests.factories import log_in


def login_as(client, user) -> None:
    log_in(client, user)


def test_provider_master_data_is_validated_and_audited(db):
    admin, provider = f.create_user(db, "admin"), f.create_provider(db)
    with pytest.raises(AdminRefused) as refused:
        update_provider(db, admin, provider, {"name": "X", "kvk": "1234", "iban": "NL91ABNA0417164300"})
    assert refused.value.field == "kvk"
    update_provider(db, admin, provider, {"name": "Werkkracht", "kvk": "3412 3456", "vat_id": "nl123456782b01",
                                          "iban": "NL91 ABNA 0417 1643 00", "city": "Alkmaar"})
    assert (provider.kvk, provider.vat_id, provider.iban) == ("34123456", "NL123456782B01", "NL91ABNA0417164300")
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "provider.updated"))
    assert event.after["kvk"] == "34123456" and event.actor_id == admin.id


def test_municipality_oin_has_twenty_digits(db):
    admin = f.create_user(db, "admin")
    municipality = f.create_municipality(db, f.create_consortium(db))
    with pytest.raises(AdminRefused, match="20 cijfers"):
        update_municipality(db, admin, municipality, {"name": "Alkmaar", "oin": "123"})
    update_municipality(db, admin, municipality, {"name": "Alkmaar", "oin": "00000001001234567000",
                                                  "street": "Postbus 53", "postcode": "1800 BC", "city": "Alkmaar"})
    assert municipality.oin == "00000001001234567000"


def test_nobody_blocks_themselves(db):
    admin, other = f.create_user(db, "admin"), f.create_user(db, "finance")
    with pytest.raises(AdminRefused):
        set_user_active(db, admin, admin, False)
    set_user_active(db, admin, other, False)
    assert other.active is False


def test_create_user_through_the_form(client, db):
    admin = f.create_user(db, "admin")
    provider = f.create_provider(db)
    db.commit()
    login_as(client, admin)
    missing_bureau = client.post("/beheer/gebruikers/nieuw", data={
        "email": "nieuw@bureau.example", "name": "Nieuw", "password": "lang-genoeg-wachtwoord", "roles": ["provider"],
        "provider_id": "0", "municipality_id": "0"})
    assert missing_bureau.status_code == 400
    assert "Kies het re-integratiebedrijf" in missing_bureau.get_data(as_text=True)
    created = client.post("/beheer/gebruikers/nieuw", data={
        "email": "Nieuw@Bureau.example", "name": "Nieuw", "password": "lang-genoeg-wachtwoord", "roles": ["provider"],
        "provider_id": str(provider.id), "municipality_id": "0"})
    assert created.status_code == 302
    user = db.scalar(select(User).where(User.email == "nieuw@bureau.example"))
    assert user.provider_id == provider.id and user.roles == {"provider"}


def test_invalid_kvk_comes_back_on_the_form_in_dutch(client, db):
    admin, provider = f.create_user(db, "admin"), f.create_provider(db)
    db.commit()
    login_as(client, admin)
    response = client.post(f"/beheer/bureaus/{provider.id}", data={"name": "Bureau", "kvk": "12"})
    assert response.status_code == 400
    assert "Een KvK-nummer bestaat uit precies 8 cijfers." in response.get_data(as_text=True)
