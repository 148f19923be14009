"""The data-subject export (inzageverzoek, AVG art. 15): everything the portal holds about one client.

One plain structure, `client_data`, feeds the JSON download and the PDF (the invoices' locked-down
WeasyPrint: its AssetFetcher refuses every URL; this document names none). Evidence files are
listed (kind, name, size, date); their contents are handed over separately on request.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import snapshot
from ..bsn_vault import decrypt_bsn
from ..invoicing.assets import TEMPLATE_DIR
from ..models import (ActivationResult, AuditEvent, Client, ClientFact, EsfParticipant, EvidenceFile, LadderMeasurement,
                      MilestoneClaim, Placement, Review, Trajectory)
from ..models.client_facts import PlacementChange


def _rows(session: Session, query, *fields: str) -> list[dict]:
    return [snapshot(obj, *fields) for obj in session.scalars(query)]


def client_data(session: Session, client: Client) -> dict[str, Any]:
    """Return all data about one client as JSON-ready sections (personal data, trajectories, claims, who saw it)."""
    trajectory_ids = select(Trajectory.id).where(Trajectory.client_id == client.id)
    claim_ids = select(MilestoneClaim.id).where(MilestoneClaim.trajectory_id.in_(trajectory_ids))
    placement_ids = select(Placement.id).where(Placement.trajectory_id.in_(trajectory_ids))
    anonymised = client.anonymised_at is not None
    trajectories = [
        dict(snapshot(t, "ref", "segment", "status", "referred_on", "start", "end", "end_reason", "referral_note",
                      "decline_reason", "end_note", "plan_status", "plan_text", "plan_feedback"),
             contract=t.contract.code, provider=t.contract.provider.name)
        for t in session.scalars(select(Trajectory).where(Trajectory.client_id == client.id).order_by(Trajectory.ref))]
    return {
        "client": dict(snapshot(client, "ref", "first_name", "last_name", "birth_date", "target_group", "benefit",
                                "created_at", "anonymised_at"),
                       bsn=None if anonymised else decrypt_bsn(client.bsn_encrypted),
                       municipality=client.municipality.name),
        "facts": _rows(session, select(ClientFact).where(ClientFact.client_id == client.id)
                       .order_by(ClientFact.valid_from, ClientFact.id), "kind", "value", "valid_from", "member",
                       "recorded_at"),
        "trajectories": trajectories,
        "claims": [dict(snapshot(c, "ref", "type", "date", "submitted", "review", "reviewed", "note"),
                        trajectory=c.trajectory.ref)
                   for c in session.scalars(select(MilestoneClaim).where(MilestoneClaim.id.in_(claim_ids))
                                            .order_by(MilestoneClaim.ref))],
        "reviews": _rows(session, select(Review).where(Review.claim_id.in_(claim_ids)).order_by(Review.id),
                         "claim_id", "decision", "reason_text"),
        "placements": _rows(session, select(Placement).where(Placement.id.in_(placement_ids)).order_by(Placement.id),
                            "employer_name", "start_date", "contract_type", "hours_per_week", "gross_wage",
                            "benefit_ends"),
        "placement_changes": _rows(session, select(PlacementChange).where(PlacementChange.placement_id.in_(placement_ids))
                                   .order_by(PlacementChange.id), "kind", "changed_on", "hours_per_week", "note"),
        "ladder_measurements": _rows(session, select(LadderMeasurement).where(
            LadderMeasurement.trajectory_id.in_(trajectory_ids)).order_by(LadderMeasurement.id),
            "rung", "measured_on", "status", "note"),
        "activation_results": _rows(session, select(ActivationResult).where(
            ActivationResult.trajectory_id.in_(trajectory_ids)).order_by(ActivationResult.id),
            "kind", "start", "end", "note"),
        "esf": _rows(session, select(EsfParticipant).where(EsfParticipant.trajectory_id.in_(trajectory_ids)),
                     "gender", "isced", "labour_status", "exit_result"),
        "evidence": _rows(session, select(EvidenceFile).where(EvidenceFile.claim_id.in_(claim_ids))
                          .order_by(EvidenceFile.id), "kind", "filename", "content_type", "size", "uploaded_at"),
        # Who did what with the client's record: registration, BSN views and look-ups, exports, transfers.
        "processing": _rows(session, select(AuditEvent).where(AuditEvent.object_type == "client",
                                                              AuditEvent.object_id == str(client.id))
                            .order_by(AuditEvent.occurred_at, AuditEvent.id), "occurred_at", "actor_label", "action"),
        "exported_at": clock.now().isoformat(timespec="seconds"),
    }


SECTION_TITLES = {
    "facts": "Gegevens met geldigheidsdatum", "trajectories": "Trajecten", "claims": "Gedeclareerde mijlpalen",
    "reviews": "Beoordelingen", "placements": "Plaatsingen", "placement_changes": "Wijzigingen van plaatsingen",
    "ladder_measurements": "Metingen participatieladder", "activation_results": "Resultaten sociale activering",
    "esf": "ESF-gegevens", "evidence": "Bewijsstukken (lijst)", "processing": "Verwerkingen (wie deed wat)",
}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_export_pdf(data: dict[str, Any]) -> bytes:
    """Render the export as a PDF from the same plain data as the JSON (no URLs: the AssetFetcher refuses all)."""
    html = _environment().get_template("client_export.html").render(data=data, titles=SECTION_TITLES)
    from weasyprint import HTML  # only when a PDF is made: the app starts without it (issue 11)

    from ..invoicing.pdf import AssetFetcher
    return HTML(string=html, base_url=None, url_fetcher=AssetFetcher()).write_pdf()
