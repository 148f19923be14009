"""Evidence on disk: checked by content, written once under its SHA-256, read-only, removed only when never committed.

A file is written only after its upload passed every check. If the transaction that
refers to a newly written file rolls back, the file is removed again (see the session
hooks at the bottom), so a refused or failed upload leaves neither a row nor a file.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from .. import clock
from ..models import EvidenceFile, MilestoneClaim, User
from ..models.enums import EVIDENCE_KINDS

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

# Magic bytes at the start of the content decide the type, never the name or the browser's content type.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)

_PENDING = "evidence.written_in_transaction"


class EvidenceRefused(ValueError):
    """The upload is not acceptable evidence; the message is Dutch and names the file."""


@dataclass(frozen=True)
class Upload:
    """An uploaded file as received: the name the user gave it and (at most 10 MB + 1 byte of) its content."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, with the type its content revealed."""

    filename: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def read_upload(filename: str | None, stream: BinaryIO) -> Upload:
    """Read an upload, one byte past the limit at most, so an oversized file is noticed without reading it all."""
    return Upload(filename or "", stream.read(MAX_EVIDENCE_BYTES + 1))


def sniff_content_type(data: bytes) -> tuple[str, str] | None:
    """Return (content type, extension) from the magic bytes, or None for anything else."""
    for magic, content_type, extension in SIGNATURES:
        if data.startswith(magic):
            return content_type, extension
    return None


def check_upload(upload: Upload) -> CheckedFile:
    """Accept a PDF, PNG or JPEG of at most 10 MB, judged by its content; raise EvidenceRefused otherwise."""
    shown = _display_name(upload.filename) or "zonder naam"
    if not upload.data:
        raise EvidenceRefused(f"Het bestand ‘{shown}’ is leeg.")
    if len(upload.data) > MAX_EVIDENCE_BYTES:
        raise EvidenceRefused(f"Het bestand ‘{shown}’ is groter dan 10 MB.")
    sniffed = sniff_content_type(upload.data)
    if sniffed is None:
        raise EvidenceRefused(f"Het bestand ‘{shown}’ is geen PDF, PNG of JPEG (de inhoud is gecontroleerd, "
                              "niet de naam).")
    content_type, extension = sniffed
    return CheckedFile(filename=_stored_name(upload.filename, extension), content_type=content_type,
                       data=upload.data, sha256=hashlib.sha256(upload.data).hexdigest())


def blob_path(evidence_dir: str | Path, sha256: str) -> Path:
    """Return where the content with this SHA-256 lives: <dir>/<sha[:2]>/<sha>."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256 hex digest")
    return Path(evidence_dir) / sha256[:2] / sha256


def attach_evidence(session: Session, actor: User | None, claim: MilestoneClaim, checked: CheckedFile, *,
                    kind: str, evidence_dir: str | Path) -> EvidenceFile:
    """Store a checked file for a claim: the content once on disk and one row; the caller records the audit event."""
    if kind not in EVIDENCE_KINDS:
        raise EvidenceRefused("Kies wat voor bewijsstuk het is.")
    if any(e.sha256 == checked.sha256 for e in claim.evidence):
        raise EvidenceRefused(f"Het bestand ‘{checked.filename}’ is twee keer bijgevoegd.")
    evidence = EvidenceFile(claim_id=claim.id, kind=kind, filename=checked.filename,
                            content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                            uploaded_at=clock.now(), uploaded_by_id=actor.id if actor is not None else None)
    session.add(evidence)
    claim.evidence.append(evidence)
    session.flush()
    _write_blob(session, blob_path(evidence_dir, checked.sha256), checked.data)
    return evidence


def _write_blob(session: Session, path: Path, data: bytes) -> None:
    """Write the content atomically and read-only; content already stored is never touched again."""
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


def _display_name(filename: str) -> str:
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return name.strip(" .")[:150]


def _stored_name(filename: str, extension: str) -> str:
    """Keep the user's name, but let the extension tell the truth about the content."""
    stem = _display_name(filename)
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return (stem or "bewijsstuk") + extension


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    # Only the session's outermost transaction decides; after a commit the list is already gone.
    if transaction.parent is not None:
        return
    for path in session.info.pop(_PENDING, []):
        try:
            os.chmod(path, 0o600)
            os.unlink(path)
        except FileNotFoundError:
            pass
