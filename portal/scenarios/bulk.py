"""Set-based writes and look-ups for the scenario import: chunks of rows, never a query per row.

Rows go in with one executemany per chunk (SQLAlchemy batches them into multi-row INSERTs
of at most 1,000 rows, well under PostgreSQL's 65,535 parameters per statement) and come
back with their ids through RETURNING in the order they were given. Keyed look-ups take
their keys in chunks of CHUNK for the same reason.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import ARRAY, any_, bindparam, insert, select
from sqlalchemy.orm import Session

from .. import clock
from .. import models as m
from ..audit import record
from ..bsn_vault import bsn_encrypter, bsn_hasher
from ..clients.facts import UNDATED
from ..models.history import as_text

CHUNK = 5000
Progress = Callable[[str, int, int], None]
T = TypeVar("T")


def chunks(items: Sequence[T], size: int | None = None) -> Iterator[Sequence[T]]:
    """Yield consecutive slices of at most size (default CHUNK) items."""
    size = size or CHUNK
    for start in range(0, len(items), size):
        yield items[start:start + size]


def existing(session: Session, column, values: Iterable) -> set:
    """Return which of the values the column already holds (one query per chunk)."""
    values = list(values)
    found: set = set()
    for part in chunks(values):
        found.update(session.scalars(select(column).where(_among(session, column, part))))
    return found


def _among(session: Session, column, values: Sequence):
    # PostgreSQL takes the keys as one array parameter, not thousands of them.
    if session.connection().dialect.name == "postgresql":
        return column == any_(bindparam("keys", list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def insert_returning_ids(session: Session, model, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows that have a unique `ref` and return their new ids in the order of the rows."""
    # An insert and one keyed SELECT: RETURNING with ordered rows makes SQLite send one
    # statement per row, and the ORM's bulk insert splits rows per pattern of None values.
    if not rows:
        return []
    insert_rows(session, model, rows)
    refs = [row["ref"] for row in rows]
    ids = dict(session.execute(select(model.ref, model.id).where(_among(session, model.ref, refs))).all())
    return [ids[ref] for ref in refs]


def insert_rows(session: Session, model, rows: list[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys, every NOT NULL column given): COPY on PostgreSQL, else executemany."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(model.__table__), rows)
        return
    # psycopg sends an executemany as one INSERT per row; COPY streams the rows in one statement.
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f'COPY "{model.__table__.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])


def insert_first_versions(session: Session, subject: str, fields: dict[str, str], rows: list[dict[str, Any]],
                          ids: list[int]) -> None:
    """Write the first version of every versioned field the new rows give a value (as the ORM's flush hook does)."""
    now = clock.now()
    other = "claim_id" if subject == "trajectory_id" else "trajectory_id"
    insert_rows(session, m.FactVersion, [
        {subject: row_id, other: None, "field": field, "value": as_text(row[attribute]), "previous_value": None,
         "recorded_at": now, "source": "recorded"}
        for row, row_id in zip(rows, ids) for field, attribute in fields.items() if row[attribute] is not None])


def client_hashes(clients: Sequence) -> list[str]:
    """Return the keyed BSN hash of every scenario client, in order."""
    hasher = bsn_hasher()
    return [hasher(c.bsn) for c in clients]


def insert_clients(session: Session, clients: Sequence, hashes: Sequence[str], municipality_ids: dict[str, int],
                   default_municipality_id: int, actor: m.User | None, progress: Progress) -> dict[str, int]:
    """Register the scenario's clients (checked to be new) with their facts; return ref -> id.

    The one place where the import looks clients up and writes them, so that a change of what
    makes a client the same (its BSN) touches only this function and the conflict check.
    """
    encrypt = bsn_encrypter()
    now = clock.now()
    actor_id = actor.id if actor is not None else None
    ids: dict[str, int] = {}
    done = 0
    for part, part_hashes in zip(chunks(clients), chunks(hashes)):
        rows = [dict(ref=c.ref, bsn_hash=h, bsn_encrypted=encrypt(c.bsn), bsn_last4=c.bsn[-4:],
                     municipality_id=municipality_ids[c.municipality] if c.municipality else default_municipality_id,
                     target_group=c.target_group, benefit=c.benefit, created_at=now)
                for c, h in zip(part, part_hashes)]
        new_ids = insert_returning_ids(session, m.Client, rows)
        facts = []
        for c, client_id in zip(part, new_ids):
            ids[c.ref] = client_id
            # The registration facts (portal.clients.service.initial_facts: undated, a new client has no
            # birth date here), then the file's own facts that are not the same (a round trip adds nothing).
            initial = [fact for fact in (("target_group", c.target_group, UNDATED, True),
                                         ("benefit", c.benefit, UNDATED, True)) if fact[1] is not None]
            given = initial + [fact for fact in ((f.kind, f.value, f.valid_from, f.member) for f in c.facts or ())
                               if fact not in initial]
            facts += [dict(client_id=client_id, kind=kind, value=value, valid_from=valid_from, member=member,
                           recorded_at=now, recorded_by_id=actor_id) for kind, value, valid_from, member in given]
        insert_rows(session, m.ClientFact, facts)
        # One audit event per chunk names every client it registered (a BSN only masked, as the single one does).
        record(session, actor, "clients.imported", "client", f"{new_ids[0]}-{new_ids[-1]}",
               after={"clients": [{"ref": c.ref, "id": client_id, "bsn": "*****" + c.bsn[-4:]}
                                  for c, client_id in zip(part, new_ids)]})
        done += len(part)
        progress("clients", done, len(clients))
    return ids
