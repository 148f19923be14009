"""Evidence: checked by content, then stored once under its SHA-256 through the app's storage (`portal.storage`).

A file is stored only after its upload passed every check, in the same transaction as its row:
if that transaction rolls back, neither the row nor the file remains.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy.orm import Session

from .. import clock
from ..models import EvidenceFile, MilestoneClaim, User
from ..models.enums import EVIDENCE_KINDS
from ..storage import Storage

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

# Magic bytes at the start of the content decide the type, never the name or the browser's content type.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


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


def attach_evidence(session: Session, actor: User | None, claim: MilestoneClaim, checked: CheckedFile, *,
                    kind: str, storage: Storage) -> EvidenceFile:
    """Store a checked file for a claim: the content once under its SHA-256 and one row; the caller records the audit event."""
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
    storage.put(session, checked.sha256, checked.data)
    return evidence


def _display_name(filename: str) -> str:
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return name.strip(" .")[:150]


def _stored_name(filename: str, extension: str) -> str:
    """Keep the user's name, but let the extension tell the truth about the content."""
    stem = _display_name(filename)
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return (stem or "bewijsstuk") + extension
