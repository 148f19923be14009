"""Where the application keeps files: one interface, the database by default, a folder on disk as an option.

Every node of the application must see the same files, and one backup should hold everything, so
the default backend keeps the bytes in the database (`stored_blob`). `STORAGE_BACKEND=filesystem`
keeps them in `EVIDENCE_DIR` instead (one node, or a shared volume). Keys are content addresses
(evidence: the SHA-256 of its bytes), so a file is written once and never changed.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy.orm import Session

#: How much of a file one read returns; a download streams it in pieces of this size.
CHUNK_SIZE = 1024 * 1024
BACKENDS = ("database", "filesystem")


class Storage(Protocol):
    """Files under a key, written and removed within the caller's transaction."""

    def put(self, session: Session, key: str, data: bytes) -> None:
        """Store the bytes under the key unless that key is already stored (content never changes)."""

    def size(self, session: Session, key: str) -> int | None:
        """Return the stored size in bytes, or None when nothing is stored under the key."""

    def chunks(self, session: Session, key: str, start: int = 0) -> Iterator[bytes]:
        """Yield the stored bytes from `start` on, in pieces of at most CHUNK_SIZE."""

    def delete(self, session: Session, key: str) -> None:
        """Remove what is stored under the key (nothing happens when there is nothing)."""


def make_storage(config: dict) -> Storage:
    """Build the backend the configuration names (STORAGE_BACKEND: database or filesystem)."""
    backend = config.get("STORAGE_BACKEND", "database")
    if backend == "database":
        from .database import DatabaseStorage
        return DatabaseStorage()
    if backend == "filesystem":
        from .filesystem import FileStorage
        return FileStorage(config["EVIDENCE_DIR"])
    raise ValueError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


def init_app(app: Flask) -> Storage:
    storage = make_storage(app.config)
    app.extensions["storage"] = storage
    return storage


def get_storage() -> Storage:
    """Return the current app's storage."""
    return current_app.extensions["storage"]
