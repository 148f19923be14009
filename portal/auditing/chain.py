"""Verify the audit hash chain: recompute every link and report the first one that does not hold."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from ..audit import GENESIS, event_columns, link_hash
from ..models import AuditAnchor, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class Verdict:
    checked: int
    unchained: int                 # events from before the chain existed (migration 0007)
    head_seq: int
    head_hash: str
    broken_event_id: int | None = None
    broken_seq: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None

    def describe(self) -> str:
        if self.intact:
            return (f"Keten intact: {self.checked} gebeurtenissen gecontroleerd, kop op positie {self.head_seq} "
                    f"({self.head_hash[:16]}…); {self.unchained} gebeurtenissen van vóór de keten.")
        where = f"gebeurtenis {self.broken_event_id}" if self.broken_event_id is not None else "de kop"
        return f"Keten gebroken bij positie {self.broken_seq}, {where}: {self.problem}"


def verify_chain(session: Session, batch: int = 5000) -> Verdict:
    """Recompute the chain from the first sealed event and compare it with what is stored."""
    head = session.execute(select(AuditChainHead.last_seq, AuditChainHead.last_hash)).one_or_none()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head is not None else (0, GENESIS)
    first_sealed_id = session.scalar(select(AuditEvent.id).where(AuditEvent.chain_seq == 1))
    unchained = session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.chain_seq.is_(None),
        AuditEvent.id < first_sealed_id if first_sealed_id is not None else true()))
    anchors = dict(session.execute(select(AuditAnchor.chain_seq, AuditAnchor.chain_hash)).all())
    if anchors.get(0, GENESIS) != GENESIS:
        return Verdict(0, unchained, head_seq, head_hash, None, 0, "een anker op het begin van de keten klopt niet")

    def broken(row, seq, problem):
        return Verdict(seq - 1, unchained, head_seq, head_hash, row.id if row is not None else None, seq, problem)

    prev, seq, last_seq = GENESIS, 0, 0
    columns = [*event_columns(), AuditEvent.chain_seq, AuditEvent.prev_hash, AuditEvent.hash]
    while True:
        rows = session.execute(select(*columns).where(AuditEvent.chain_seq > last_seq)
                               .order_by(AuditEvent.chain_seq).limit(batch)).all()
        for row in rows:
            seq += 1
            if row.chain_seq != seq:
                return broken(row, seq, f"positie {seq} ontbreekt (volgende is {row.chain_seq}): "
                                        "een gebeurtenis is verwijderd")
            if row.prev_hash != prev:
                return broken(row, seq, "de verwijzing naar de vorige gebeurtenis klopt niet")
            expected = link_hash(prev, row, seq)
            if row.hash != expected:
                return broken(row, seq, "de inhoud past niet bij de opgeslagen hash: de gebeurtenis is gewijzigd")
            if seq in anchors and anchors[seq] != row.hash:
                return broken(row, seq, "de keten wijkt af van het anker in een uitgegeven afrekening: "
                                        "de keten is herschreven")
            prev = row.hash
        if len(rows) < batch:
            break
        last_seq = rows[-1].chain_seq
    if seq != head_seq or prev != head_hash:
        return broken(None, seq + 1, f"de kop staat op positie {head_seq}, de keten eindigt op {seq}: "
                                     "gebeurtenissen aan het eind zijn verwijderd")
    if any(anchor_seq > seq for anchor_seq in anchors):
        return broken(None, seq + 1, "een anker verwijst voorbij het eind van de keten")
    late = session.scalar(select(AuditEvent.id).where(AuditEvent.chain_seq.is_(None),
                                                      AuditEvent.id > first_sealed_id).limit(1)) \
        if first_sealed_id is not None else None
    if late is not None:
        return Verdict(seq, unchained, head_seq, head_hash, late, None,
                       "een gebeurtenis zonder plaats in de keten is buiten de applicatie om toegevoegd")
    return Verdict(seq, unchained, head_seq, head_hash)
