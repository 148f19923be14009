"""BSN look-ups (search and registration): limited per user in the database, audited without the BSN.

The limit is counted from `bsn_lookup` rows, so it holds across workers and nodes; the user's
row is locked while counting (PostgreSQL) so two parallel requests cannot both take the last one.
A BSN known in another municipality gets one neutral answer that says nothing about where.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import clock
from ..access import consortium_of
from ..audit import record
from ..bsn_vault import bsn_hash
from ..identifiers import clean_bsn
from ..models import BsnLookup, Client, User

#: The one answer for a BSN that belongs to a client of another municipality (or consortium).
NEUTRAL = ("Dit BSN kunt u hier niet openen of registreren. Neem contact op met de functioneel beheerder "
           "van uw gemeente; die zoekt uit waar de cliënt hoort en regelt zo nodig de overdracht.")
WINDOW = timedelta(hours=1)
KEPT = timedelta(days=1)


class LookupThrottled(Exception):
    """Too many BSN look-ups by this user in the last hour; nothing was looked up."""

    status = 429

    def __init__(self, limit: int):
        super().__init__(f"U heeft het afgelopen uur al {limit} keer een BSN opgezocht; dat is het maximum. "
                         "Probeer het later opnieuw of neem contact op met de functioneel beheerder.")


@dataclass(frozen=True)
class Lookup:
    client: Client | None
    outcome: str  # "own" (the user's municipality), "elsewhere", "unknown"
    bsn: str      # the cleaned BSN, for the registration form that follows an unknown one


def bsn_reference(bsn: str) -> str:
    """Return a pseudonymous reference of a BSN for the audit trail: the keyed hash's first 12 hex digits."""
    return bsn_hash(clean_bsn(bsn))[:12]


def look_up(session: Session, actor: User, bsn: str, purpose: str) -> Lookup:
    """Find a client by BSN for a klantmanager (or admin): count it against the limit and audit it, or refuse."""
    now = clock.now()
    limit = current_app.config["BSN_LOOKUPS_PER_HOUR"]
    # Serialise this user's look-ups (FOR UPDATE is a no-op on SQLite, where writers are serial anyway).
    session.execute(select(User.id).where(User.id == actor.id).with_for_update())
    session.execute(delete(BsnLookup).where(BsnLookup.user_id == actor.id, BsnLookup.at < now - KEPT))
    recent = session.scalar(select(func.count()).select_from(BsnLookup)
                            .where(BsnLookup.user_id == actor.id, BsnLookup.at > now - WINDOW))
    if recent >= limit:
        record(session, actor, "client.bsn_lookup_refused", "user", actor.id,
               after={"purpose": purpose, "limit": limit})
        raise LookupThrottled(limit)
    cleaned = clean_bsn(bsn)
    hashed = bsn_hash(cleaned)
    client = session.scalar(select(Client).where(Client.bsn_hash == hashed))
    if client is None:
        outcome = "unknown"
    elif client.municipality_id == actor.municipality_id or (
            actor.has_role("admin") and client.municipality.consortium_id == consortium_of(actor)):
        outcome = "own"  # the admin's own consortium; elsewhere is as neutral for an admin as for a klantmanager
    else:
        outcome = "elsewhere"
    session.add(BsnLookup(user_id=actor.id, at=now, purpose=purpose))
    record(session, actor, "client.bsn_lookup", "client", client.id if client else "-",
           after={"purpose": purpose, "outcome": outcome, "bsn_ref": hashed[:12]})
    return Lookup(client if outcome == "own" else None, outcome, cleaned)
