"""Files in the database: one `stored_blob` row per key, inserted in the caller's transaction."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import clock
from ..models import StoredBlob
from . import CHUNK_SIZE


class DatabaseStorage:
    """The default backend: every node sees the files, and a database backup holds them."""

    name = "database"

    def put(self, session: Session, key: str, data: bytes) -> None:
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        # ON CONFLICT DO NOTHING: two nodes storing the same content at once both succeed, one row remains.
        session.execute(insert(StoredBlob).values(
            key=key, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data,
            created_at=clock.now()).on_conflict_do_nothing(index_elements=["key"]))

    def size(self, session: Session, key: str) -> int | None:
        return session.scalar(select(StoredBlob.size).where(StoredBlob.key == key))

    def chunks(self, session: Session, key: str, start: int = 0) -> Iterator[bytes]:
        size = self.size(session, key) or 0
        # One slice per query (substr counts from 1), so a 10 MB file never sits in memory whole.
        for offset in range(start, size, CHUNK_SIZE):
            yield bytes(session.scalar(select(func.substr(StoredBlob.data, offset + 1, CHUNK_SIZE))
                                       .where(StoredBlob.key == key)))

    def delete(self, session: Session, key: str) -> None:
        session.execute(delete(StoredBlob).where(StoredBlob.key == key))
