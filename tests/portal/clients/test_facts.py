"""Client facts with history: the set-based helper, recording, and refusals that store nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.clients.errors import FactRefused
from portal.clients.facts import (benefit_on, clients_in_target_group, clients_with_benefit, facts_on,
                                  target_groups_on)
from portal.clients.service import record_fact
from portal.models import AuditEvent, ClientFact, ClientProfile

from ... import factories as f

TODAY = date(2026, 11, 20)


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def client(db, tw):
    return f.create_client(db, tw.municipality, birth_date=date(2000, 5, 1), target_group="statushouder",
                           benefit="participatiewet")


def test_registration_facts_hold_from_birth_and_later_facts_from_their_date(db, tw, client):
    record_fact(db, tw.klantmanager, client, kind="target_group", value="jongere", valid_from=date(2026, 3, 1),
                today=TODAY)
    # The client turns 27 and leaves the group; the benefit ends.
    record_fact(db, tw.klantmanager, client, kind="target_group", value="jongere", valid_from=date(2027, 5, 1),
                member=False, today=date(2027, 6, 1))
    record_fact(db, tw.klantmanager, client, kind="benefit", value="none", valid_from=date(2026, 9, 1), today=TODAY)
    other = f.create_client(db, tw.municipality, target_group="50plus", benefit="ww")
    ids = [client.id, other.id]
    assert target_groups_on(db, ids, date(2026, 1, 1)) == {client.id: frozenset({"statushouder"}),
                                                          other.id: frozenset({"50plus"})}
    assert target_groups_on(db, ids, date(2026, 3, 1))[client.id] == {"statushouder", "jongere"}
    assert target_groups_on(db, ids, date(2027, 5, 1))[client.id] == {"statushouder"}
    assert benefit_on(db, ids, date(2026, 8, 31)) == {client.id: "participatiewet", other.id: "ww"}
    assert benefit_on(db, ids, date(2026, 9, 1))[client.id] == "none"
    assert benefit_on(db, [client.id], date(1999, 1, 1)) == {client.id: None}  # before birth: nothing recorded
    assert facts_on(db, {client.id: date(2026, 4, 1), other.id: date(2026, 4, 1)})[client.id].target_groups == {
        "statushouder", "jongere"}
    jongeren = set(db.scalars(clients_in_target_group("jongere", date(2026, 4, 1))))
    assert client.id in jongeren and other.id not in jongeren
    assert client.id not in set(db.scalars(clients_in_target_group("jongere", date(2027, 6, 1))))
    assert client.id in set(db.scalars(clients_with_benefit("none", date(2026, 10, 1))))
    assert client.id not in set(db.scalars(clients_with_benefit("participatiewet", date(2026, 10, 1))))


def test_a_correction_on_the_same_date_wins(db, tw, client):
    record_fact(db, tw.klantmanager, client, kind="benefit", value="ww", valid_from=date(2026, 2, 1), today=TODAY)
    record_fact(db, tw.klantmanager, client, kind="benefit", value="ioaw", valid_from=date(2026, 2, 1), today=TODAY)
    assert benefit_on(db, [client.id], date(2026, 2, 1)) == {client.id: "ioaw"}
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "client.fact_recorded")).all()
    assert [e.after["value"] for e in events] == ["ww", "ioaw"]


def test_profile_and_language_level(db, tw, client):
    db.add(ClientProfile(code="p2", name="Profiel 2: met begeleiding", position=2, active=True))
    db.flush()
    record_fact(db, tw.klantmanager, client, kind="profile", value="p2", valid_from=date(2026, 2, 1), today=TODAY)
    record_fact(db, tw.klantmanager, client, kind="language_level", value="a2", valid_from=date(2026, 2, 1),
                today=TODAY)
    facts = facts_on(db, {client.id: TODAY})[client.id]
    assert (facts.profile, facts.language_level) == ("p2", "a2")


@pytest.mark.parametrize("kind, value, valid_from, field, message", [
    ("target_group", "pensionado", date(2026, 2, 1), "value", "Doelgroep: ‘pensionado’ is geen bekende waarde"),
    ("benefit", "bijstand", date(2026, 2, 1), "value", "Uitkering: ‘bijstand’ is geen bekende waarde"),
    ("profile", "p9", date(2026, 2, 1), "value", "Cliëntprofiel: ‘p9’ is geen bekende waarde"),
    ("language_level", "b1", date(2026, 12, 1), "valid_from", "Geldig vanaf: de datum 01-12-2026 ligt in de toekomst"),
    ("target_group", "jongere", date(1999, 12, 31), "valid_from", "vóór de geboortedatum"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(db, tw, client, kind, value, valid_from,
                                                                     field, message):
    before = count(db, ClientFact)
    with pytest.raises(FactRefused, match=message) as refused:
        record_fact(db, tw.klantmanager, client, kind=kind, value=value, valid_from=valid_from, today=TODAY)
    assert refused.value.field == field and count(db, ClientFact) == before


def test_only_the_klantmanager_of_the_clients_municipality_records(db, tw, client):
    for actor in (tw.other_klantmanager, tw.bureau):
        with pytest.raises(FactRefused, match="Alleen een klantmanager"):
            record_fact(db, actor, client, kind="benefit", value="ww", valid_from=date(2026, 2, 1), today=TODAY)


def test_facts_at_gives_each_trajectory_the_facts_on_its_own_date(db, tw, client):
    from portal.clients.facts import facts_at
    record_fact(db, tw.klantmanager, client, kind="benefit", value="none", valid_from=date(2026, 9, 1), today=TODAY)
    facts = facts_at(db, [("T1", client.id, date(2026, 2, 1)), ("T2", client.id, date(2026, 10, 1))])
    assert (facts["T1"].benefit, facts["T2"].benefit) == ("participatiewet", "none")
    assert facts_at(db, []) == {}
