"""Files in a folder: written once under <dir>/<key[:2]>/<key>, read-only, removed again if the transaction rolls back.

A file is written as soon as it is put, before the transaction that refers to it commits. If that
transaction rolls back, the file is removed again (see the session hooks at the bottom), so a
refused or failed upload leaves neither a row nor a file. Only one node sees the folder, unless it
is a shared volume: prefer the database backend for several nodes.
"""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from . import CHUNK_SIZE

_PENDING = "storage.files_written_in_transaction"


def blob_path(root: str | Path, key: str) -> Path:
    """Return where the content under this key (a SHA-256 hex digest) lives: <dir>/<key[:2]>/<key>."""
    if not re.fullmatch(r"[0-9a-f]{64}", key):
        raise ValueError("not a SHA-256 hex digest")
    return Path(root) / key[:2] / key


class FileStorage:
    """The filesystem backend (STORAGE_BACKEND=filesystem), rooted at EVIDENCE_DIR."""

    name = "filesystem"

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return blob_path(self.root, key)

    def put(self, session: Session, key: str, data: bytes) -> None:
        """Write the content atomically and read-only; content already stored is never touched again."""
        path = self.path(key)
        if path.exists():
            return
        # Readable by the application's own user only: evidence holds payslips and contracts.
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o400)
            try:
                # link() fails if the name exists, so two uploads of the same content never overwrite each other.
                os.link(temporary, path)
            except FileExistsError:
                return
            except OSError:
                os.replace(temporary, path)  # a file system without hard links
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        session.info.setdefault(_PENDING, []).append(path)

    def size(self, session: Session, key: str) -> int | None:
        path = self.path(key)
        return path.stat().st_size if path.is_file() else None

    def chunks(self, session: Session, key: str, start: int = 0) -> Iterator[bytes]:
        with self.path(key).open("rb") as stored:
            stored.seek(start)
            while piece := stored.read(CHUNK_SIZE):
                yield piece

    def delete(self, session: Session, key: str) -> None:
        _unlink(self.path(key))

    def keys(self) -> Iterator[str]:
        """Every key stored in the folder (what `flask storage move-to-database` copies)."""
        for path in sorted(self.root.glob("??/*")):
            if re.fullmatch(r"[0-9a-f]{64}", path.name) and path.parent.name == path.name[:2]:
                yield path.name


def _unlink(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
        os.unlink(path)
    except FileNotFoundError:
        pass


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    # Only the session's outermost transaction decides; after a commit the list is already gone.
    if transaction.parent is not None:
        return
    for path in session.info.pop(_PENDING, []):
        _unlink(path)
