"""Invoice lines name the trajectory and the client's pseudonymous number; a correction names what it corrects."""
from __future__ import annotations

from sqlalchemy import select

from portal.models import Client, Trajectory

from .test_payments import credit_note, issued  # noqa: F401 (fixtures)


def test_a_line_names_the_client_by_its_pseudonymous_number_never_the_trajectory(db, issued):
    _, _, _, invoices = issued
    for invoice in invoices:
        for line in invoice.frozen["lines"]:
            client_ref = db.scalar(select(Client.ref).join(Trajectory, Trajectory.client_id == Client.id)
                                   .where(Trajectory.ref == line["trajectory_ref"]))
            assert line["client_label"] == client_ref != line["trajectory_ref"]
            assert line["trajectory_ref"] in line["description"]


def test_a_negative_line_names_the_invoice_it_corrects(db, issued, credit_note):
    _, _, _, invoices = issued
    numbers = {invoice.display_number for invoice in invoices}
    negative = [line for line in credit_note.frozen["lines"] if line["amount"].startswith("-")]
    assert negative
    for line in negative:
        assert line["corrects"] in numbers and line["description"].startswith(f"Correctie op {line['corrects']}: ")
    assert any(line.description.startswith("Correctie op ") for line in credit_note.lines)
