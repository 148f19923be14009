"""Transfer a client to another municipality of the same consortium (the functioneel beheerder's action)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit import record
from ..models import Client, Municipality, Trajectory, User
from .retention import CLOSED


class TransferRefused(ValueError):
    """The transfer breaks a rule; nothing was changed. The message is Dutch and names its field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def transfer_client(session: Session, actor: User, client: Client, municipality_id: int | None) -> None:
    """Move the client to another municipality of their consortium; their trajectories stay where they were paid."""
    target = session.get(Municipality, municipality_id) if municipality_id else None
    if target is None or target.consortium_id != client.municipality.consortium_id:
        raise TransferRefused("Gemeente: kies een gemeente van hetzelfde samenwerkingsverband.", "municipality_id")
    if target.id == client.municipality_id:
        raise TransferRefused("Gemeente: de cliënt staat al bij deze gemeente ingeschreven.", "municipality_id")
    if client.anonymised_at is not None:
        raise TransferRefused("Deze cliënt is geanonimiseerd en kan niet worden overgedragen.")
    running = session.scalar(select(func.count()).select_from(Trajectory).where(
        Trajectory.client_id == client.id, Trajectory.status.not_in(CLOSED)))
    if running:
        raise TransferRefused("De cliënt heeft nog een lopend traject; rond dat eerst af (of laat het beëindigen) "
                              "en draag de cliënt daarna over.")
    before = {"municipality_id": client.municipality_id}
    client.municipality_id = target.id
    session.flush()
    session.expire(client, ["municipality"])
    record(session, actor, "client.transferred", "client", client.id, before=before,
           after={"municipality_id": target.id})
