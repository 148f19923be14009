"""Recording a client's dated facts: target groups, benefit, profile and Dutch language level.

The klantmanager of the client's municipality records them; each is a new row (history),
checked first: a known value, a date not before birth and not in the future.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record
from ..formatting import nl_date
from ..models import Client, ClientFact, ClientProfile, User
from ..models.client_enums import FACT_KINDS, LANGUAGE_LEVELS
from ..models.enums import BENEFITS, TARGET_GROUPS
from .errors import FactRefused
from .facts import UNDATED
from .labels import FACT_LABELS

FIELD_NAMES = {"target_group": "Doelgroep", "benefit": "Uitkering", "profile": "Cliëntprofiel",
               "language_level": "Taalniveau"}


def require_client_klantmanager(actor: User, client: Client) -> None:
    if not (actor.has_role("klantmanager") and actor.municipality_id == client.municipality_id):
        raise FactRefused("Alleen een klantmanager van de gemeente van deze cliënt kan dit vastleggen.")


def active_profiles(session: Session) -> list[ClientProfile]:
    return list(session.scalars(select(ClientProfile).where(ClientProfile.active)
                                .order_by(ClientProfile.position, ClientProfile.code)))


def check_fact_value(session: Session, kind: str, value: str | None, field: str | None = None) -> str:
    """Return the value when it is known for its kind; raise FactRefused naming the field otherwise."""
    field = field or kind
    name = FIELD_NAMES.get(kind, kind)
    allowed = {"target_group": TARGET_GROUPS, "benefit": BENEFITS, "language_level": LANGUAGE_LEVELS}.get(kind)
    if kind not in FACT_KINDS:
        raise FactRefused(f"Onbekend soort gegeven ‘{kind}’.", "kind")
    if not value:
        raise FactRefused(f"{name}: kies een waarde.", field)
    if kind == "profile":
        allowed = [p.code for p in active_profiles(session)]
    if value not in allowed:
        raise FactRefused(f"{name}: ‘{value}’ is geen bekende waarde (kies uit de lijst).", field)
    return value


def check_fact_date(client: Client, day: date | None, today: date, field: str, name: str) -> date:
    if day is None:
        raise FactRefused(f"{name}: vul een datum in.", field)
    if day > today:
        raise FactRefused(f"{name}: de datum {nl_date(day)} ligt in de toekomst.", field)
    if client.birth_date is not None and day < client.birth_date:
        raise FactRefused(f"{name}: de datum {nl_date(day)} ligt vóór de geboortedatum "
                          f"({nl_date(client.birth_date)}).", field)
    return day


def record_fact(session: Session, actor: User, client: Client, *, kind: str, value: str | None,
                valid_from: date | None, member: bool = True, today: date | None = None) -> ClientFact:
    """Record that a fact holds for the client from a date on (member=False: the client leaves a target group)."""
    today = today or clock.today()
    require_client_klantmanager(actor, client)
    value = check_fact_value(session, kind, value, "value")
    valid_from = check_fact_date(client, valid_from, today, "valid_from", "Geldig vanaf")
    if not member and kind != "target_group":
        raise FactRefused("Alleen een doelgroep kan worden beëindigd; leg anders de nieuwe waarde vast.", "member")
    fact = ClientFact(client_id=client.id, kind=kind, value=value, valid_from=valid_from, member=member,
                      recorded_at=clock.now(), recorded_by_id=actor.id)
    session.add(fact)
    session.flush()
    record(session, actor, "client.fact_recorded", "client", client.id,
           after={"kind": kind, "value": value, "valid_from": valid_from, "member": member,
                  "label": FACT_LABELS.get(value, value)})
    return fact


def initial_facts(session: Session, client: Client, *, target_group: str | None, benefit: str | None,
                  actor: User | None = None) -> None:
    """Store the target group and benefit given at registration as facts that hold from birth (undated)."""
    since = client.birth_date or UNDATED
    for kind, value in (("target_group", target_group), ("benefit", benefit)):
        if value is not None:
            session.add(ClientFact(client_id=client.id, kind=kind, value=value, valid_from=since, member=True,
                                   recorded_at=clock.now(), recorded_by_id=actor.id if actor else None))
    session.flush()
