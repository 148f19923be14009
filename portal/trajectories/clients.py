"""Clients: registered with a checked BSN, stored encrypted, found by keyed hash, shown masked."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record
from ..clients.errors import FactRefused
from ..clients.service import initial_facts, require_client_klantmanager
from ..bsn_vault import bsn_hash, decrypt_bsn, encrypt_bsn
from ..identifiers import clean_bsn
from ..models import Client, User
from ..models.enums import BENEFITS, TARGET_GROUPS


class ClientExists(ValueError):
    """A client with this BSN is already registered."""

    def __init__(self, client: Client):
        super().__init__("Er is al een cliënt met dit BSN.")
        self.client = client


def find_client_by_bsn(session: Session, bsn: str) -> Client | None:
    return session.scalar(select(Client).where(Client.bsn_hash == bsn_hash(clean_bsn(bsn))))


def register_client(session: Session, actor: User | None, *, bsn: str, municipality_id: int, ref: str | None = None,
                    first_name: str | None = None, last_name: str | None = None, birth_date: date | None = None,
                    target_group: str | None = None, benefit: str | None = None) -> Client:
    """Register a client; the BSN must pass the elfproef and be new."""
    bsn = clean_bsn(bsn)
    # Refused here, not by the database's CHECK: PostgreSQL would log the failing row, names and all.
    if target_group is not None and target_group not in TARGET_GROUPS:
        raise ValueError("Doelgroep: kies uit de lijst.")
    if benefit is not None and benefit not in BENEFITS:
        raise ValueError("Uitkering: kies uit de lijst.")
    existing = session.scalar(select(Client).where(Client.bsn_hash == bsn_hash(bsn)))
    if existing is not None:
        raise ClientExists(existing)
    client = Client(ref=ref or "pending", bsn_hash=bsn_hash(bsn), bsn_encrypted=encrypt_bsn(bsn), bsn_last4=bsn[-4:],
                    first_name=first_name, last_name=last_name, birth_date=birth_date,
                    municipality_id=municipality_id, target_group=target_group, benefit=benefit,
                    created_at=clock.now())
    session.add(client)
    session.flush()
    if ref is None:
        client.ref = f"C{client.id:06d}"
    initial_facts(session, client, target_group=target_group, benefit=benefit, actor=actor)
    record(session, actor, "client.registered", "client", client.id,
           after={"ref": client.ref, "municipality_id": municipality_id, "target_group": target_group,
                  "benefit": benefit, "bsn": client.masked_bsn})
    return client


def reveal_bsn(session: Session, actor: User, client: Client) -> str:
    """Return the full BSN and record that this user saw it (an anonymised client has none left)."""
    if client.anonymised_at is not None:
        return client.masked_bsn
    record(session, actor, "client.bsn_viewed", "client", client.id)
    return decrypt_bsn(client.bsn_encrypted)


#: What the klantmanager may change about a client; the BSN is fixed (a wrong BSN is a new registration).
EDITABLE = ("first_name", "last_name", "phone", "email")


def update_client_details(session: Session, actor: User, client: Client, **details: str | None) -> list[str]:
    """Change a client's name and contact details as their municipality's klantmanager; return what changed."""
    require_client_klantmanager(actor, client)
    unknown = set(details) - set(EDITABLE)
    if unknown:
        raise FactRefused(f"Dit kan niet worden gewijzigd: {', '.join(sorted(unknown))}.")
    changed = [name for name in EDITABLE if name in details
               and ((details[name] or "").strip() or None) != getattr(client, name)]
    for name in changed:
        setattr(client, name, (details[name] or "").strip() or None)
    session.flush()
    if changed:
        # Which fields changed, not their values: the trail must not become a copy of personal data.
        record(session, actor, "client.updated", "client", client.id, after={"changed": changed})
    return changed
