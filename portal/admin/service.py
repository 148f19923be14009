"""Functional administration: users and the master data that documents depend on (audited)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..audit import record, snapshot
from ..auth.sessions import end_all_sessions
from ..identifiers import InvalidIdentifier, clean_iban, clean_kvk, clean_vat_id
from ..models import Municipality, Provider, User

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
            kind: str) -> None:
    before = snapshot(obj, *names)
    cleaned = {key: (values.get(key) or "").strip() or None for key in names}
    if not cleaned["name"]:
        raise AdminRefused("Vul de naam in.", "name")
    for key, cleaner in cleaners.items():
        cleaned[key] = _clean(key, cleaned[key], cleaner)
    for key, value in cleaned.items():
        setattr(obj, key, value)
    session.flush()
    record(session, actor, f"{kind}.updated", kind, obj.id, before=before, after=snapshot(obj, *names))


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
