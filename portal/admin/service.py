"""Functional administration: users and the master data that documents depend on (audited)."""
from __future__ import annotations

import settlement
from settlement.glossary import SCENARIO_FORMAT
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record, snapshot
from ..auth.sessions import end_all_sessions
from ..contracts.validation import in_dutch
from ..identifiers import InvalidIdentifier, clean_iban, clean_kvk, clean_vat_id
from ..models import Consortium, Municipality, Provider, User

PROVIDER_FIELDS = ("name", "street", "postcode", "city", "email", "kvk", "vat_id", "iban")
MUNICIPALITY_FIELDS = ("name", "street", "postcode", "city", "kvk", "oin")


class AdminRefused(Exception):
    """An administrative change is not allowed; `field` names the input at fault (Dutch message)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _clean(field: str, value: str | None, cleaner) -> str | None:
    if not value or not value.strip():
        return None
    try:
        return cleaner(value)
    except InvalidIdentifier as invalid:
        raise AdminRefused(str(invalid), field) from None


def clean_oin(value: str) -> str:
    """An OIN (Organisatie-identificatienummer) has 20 digits."""
    compact = value.replace(" ", "")
    if not compact.isdigit() or len(compact) != 20:
        raise InvalidIdentifier("Een OIN bestaat uit precies 20 cijfers.")
    return compact


def update_provider(session: Session, actor: User, provider: Provider, values: dict) -> None:
    """Change a bureau's master data; KvK, btw-id and IBAN must be valid."""
    _update(session, actor, provider, values, PROVIDER_FIELDS,
            {"kvk": clean_kvk, "vat_id": clean_vat_id, "iban": clean_iban}, "provider")


def update_municipality(session: Session, actor: User, municipality: Municipality, values: dict) -> None:
    """Change a municipality's master data (its address and e-invoice identifiers)."""
    _update(session, actor, municipality, values, MUNICIPALITY_FIELDS, {"kvk": clean_kvk, "oin": clean_oin},
            "municipality")


def _update(session: Session, actor: User, obj, values: dict, names: tuple[str, ...], cleaners: dict,
            kind: str, action: str | None = None) -> None:
    before = None if action else snapshot(obj, *names)
    cleaned = {key: (values.get(key) or "").strip() or None for key in names}
    if not cleaned["name"]:
        raise AdminRefused("Vul de naam in.", "name")
    for key, cleaner in cleaners.items():
        cleaned[key] = _clean(key, cleaned[key], cleaner)
    for key, value in cleaned.items():
        setattr(obj, key, value)
    session.flush()
    record(session, actor, action or f"{kind}.updated", kind, obj.id, before=before, after=snapshot(obj, *names))


def set_user_active(session: Session, actor: User, user: User, active: bool) -> None:
    """Block or unblock a user's login; nobody blocks themselves."""
    if user.id == actor.id and not active:
        raise AdminRefused("U kunt uw eigen account niet blokkeren.")
    before = snapshot(user, "active")
    user.active = active
    if not active:
        end_all_sessions(user)
    session.flush()
    record(session, actor, "user.activated" if active else "user.blocked", "user", user.id, before=before,
           after=snapshot(user, "active"))


# -- new master data: the scenario import's rules first, then what the database adds ---------------

def _scenario_check(consortium: Consortium, municipalities: list[dict], providers: list[dict],
                    fields: dict[str, str]) -> None:
    """Validate master data with the engine's scenario parser; raise AdminRefused naming the field at fault."""
    document = {"format": SCENARIO_FORMAT, "as_of": "2000-01-01",
                "consortium": {"code": consortium.code, "name": consortium.name},
                "municipalities": municipalities, "providers": providers, "contracts": [], "trajectories": [],
                "milestones": []}
    try:
        settlement.parse_scenario(document)
    except settlement.ScenarioError as invalid:
        problem = invalid.problems[0]
        field = next((name for suffix, name in fields.items() if problem.path.endswith(suffix)), None)
        raise AdminRefused(in_dutch(problem.message), field) from None


def create_consortium(session: Session, actor: User | None, code: str, name: str, lead: str | None) -> Consortium:
    """Create a consortium (from the command line); the lead municipality is named by its CBS code."""
    consortium = Consortium(code=(code or "").strip(), name=(name or "").strip() or None,
                            lead_municipality_code=(lead or "").strip() or None)
    lead = consortium.lead_municipality_code
    _scenario_check(consortium, [], [], {"consortium.code": "code", "consortium.name": "name"})
    if len(consortium.code) > 20:
        raise AdminRefused("De code is te lang (hooguit 20 tekens).", "code")
    if lead is not None and not (len(lead) == 4 and lead.isdigit()):
        raise AdminRefused("De penvoerder wordt genoemd met de CBS-code van de gemeente: 4 cijfers.", "lead")
    if session.scalar(select(Consortium.id).where(Consortium.code == consortium.code)) is not None:
        raise AdminRefused(f"Er is al een consortium met code {consortium.code}.", "code")
    session.add(consortium)
    session.flush()
    record(session, actor, "consortium.created", "consortium", consortium.id,
           after=snapshot(consortium, "code", "name", "lead_municipality_code"))
    return consortium


def create_municipality(session: Session, actor: User, consortium: Consortium, values: dict) -> Municipality:
    """Add a municipality to a consortium: a 4-digit CBS code used nowhere else, a name, valid identifiers."""
    code = (values.get("cbs_code") or "").strip()
    existing = [{"code": mu.cbs_code, "name": mu.name} for mu in session.scalars(
        select(Municipality).where(Municipality.consortium_id == consortium.id).order_by(Municipality.cbs_code))]
    new = {"code": code, "name": (values.get("name") or "").strip() or None}
    _scenario_check(consortium, existing + [new], [], {".code": "cbs_code", ".name": "name"})
    if not (len(code) == 4 and code.isdigit()):
        raise AdminRefused("Een CBS-gemeentecode bestaat uit precies 4 cijfers (bijvoorbeeld 0361).", "cbs_code")
    if session.scalar(select(Municipality.id).where(Municipality.cbs_code == code)) is not None:
        raise AdminRefused(f"Gemeente {code} bestaat al (in een ander consortium).", "cbs_code")
    municipality = Municipality(consortium_id=consortium.id, cbs_code=code, name=new["name"])
    session.add(municipality)
    _update(session, actor, municipality, dict(values, cbs_code=code), ("cbs_code",) + MUNICIPALITY_FIELDS,
            {"kvk": clean_kvk, "oin": clean_oin}, "municipality", action="municipality.created")
    return municipality


def create_provider(session: Session, actor: User, values: dict) -> Provider:
    """Add a re-integration bureau: a code used nowhere else, a name, valid KvK, btw-id and IBAN."""
    code = (values.get("code") or "").strip()
    existing = [{"code": c, "name": n} for c, n in session.execute(select(Provider.code, Provider.name))]
    new = {"code": code, "name": (values.get("name") or "").strip() or None}
    consortium = Consortium(code="C", name="Consortium")  # providers belong to no consortium
    _scenario_check(consortium, [], existing + [new], {".code": "code", ".name": "name"})
    if len(code) > 20:
        raise AdminRefused("De code is te lang (hooguit 20 tekens).", "code")
    provider = Provider(code=code, name=new["name"])
    session.add(provider)
    _update(session, actor, provider, dict(values, code=code), ("code",) + PROVIDER_FIELDS,
            {"kvk": clean_kvk, "vat_id": clean_vat_id, "iban": clean_iban}, "provider", action="provider.created")
    return provider
