"""Bulk import: a bureau's claims and placements from its own system, checked in full, stored all or nothing.

`check` reads every row, then tries every row through the very services the forms use
(`submit_claim`, `register_placement`) inside a savepoint that is always rolled back, so a
row is judged by the same rules as a form (dates, duplicates, the contract's milestones,
evidence by content); its evidence goes to a scratch folder. `store` does the same and,
only when no row has an error, does it again for real and keeps it. Both return a Report
with one entry per row and field; the caller commits. Evidence cannot be in a CSV: every row
names its files (column `bewijsstukken`), which are uploaded with it.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..storage import Storage, get_storage
from ..storage.filesystem import FileStorage
from ..evidence.storage import EvidenceRefused, Upload
from ..formatting import label
from ..models import Placement, Provider, Trajectory, User
from ..trajectories.claims import PlacementFacts, register_placement, submit_claim
from ..trajectories.states import TrajectoryError
from . import parsing
from .parsing import FieldError

# The services name the form field a refusal belongs to; the report names the CSV column.
FIELD_COLUMNS = {"type": "soort", "happened": "datum", "start_date": "datum", "placement_id": "plaatsing_start",
                 "employer_name": "werkgever", "employer_kvk": "kvk_werkgever", "contract_type": "contractsoort",
                 "hours_per_week": "uren_per_week", "gross_wage": "bruto_maandloon",
                 "benefit_ends": "uitkering_stopt", "evidence_kind": "soort_bewijs", "files": "bewijsstukken"}


@dataclass(frozen=True)
class RowError:
    line: int | None     # the line in the file (header = 1); None for the file as a whole
    column: str | None
    message: str


@dataclass(frozen=True)
class StoredRow:
    line: int
    trajectory: str
    type: str
    claim: str


@dataclass
class Report:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    stored: list[StoredRow] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"rows": self.rows, "saved": self.saved, "errors": [asdict(e) for e in self.errors],
                "stored": [asdict(s) for s in self.stored]}


@dataclass(frozen=True)
class _Row:
    line: int
    trajectory: Trajectory
    type: str
    happened: object
    evidence_kind: str
    uploads: list[Upload]
    note: str | None
    facts: PlacementFacts | None = None
    placement_start: object = None


def check(session: Session, bureau: Provider, data: bytes, actor: User, files: dict[str, bytes] | None = None, *,
          progress=None) -> Report:
    """Judge every row as the forms would; nothing is stored."""
    with tempfile.TemporaryDirectory(prefix="import-check-") as scratch:
        return _run(session, bureau, data, actor, files or {}, FileStorage(scratch), keep=False, progress=progress)


def store(session: Session, bureau: Provider, data: bytes, actor: User, files: dict[str, bytes] | None = None, *,
          storage: Storage, progress=None) -> Report:
    """Check every row; only if none has an error, store them all (the caller commits)."""
    report = check(session, bureau, data, actor, files, progress=progress)
    if not report.ok:
        return report
    report = _run(session, bureau, data, actor, files or {}, storage, keep=True, progress=progress)
    if report.ok:
        record(session, actor, "bulk_import.stored", "provider", bureau.id,
               after={"rows": report.rows, "claims": [s.claim for s in report.stored]})
    return report


def _run(session, bureau, data, actor, files, storage: Storage, *, keep: bool, progress) -> Report:
    report = Report()
    if actor.provider_id != bureau.id:
        report.errors.append(RowError(None, None, "U kunt alleen voor uw eigen bureau importeren."))
        return report
    try:
        csv_rows = parsing.read_rows(data)
    except FieldError as error:
        report.errors.append(RowError(None, error.column, str(error)))
        return report
    report.rows = len(csv_rows)
    rows = _parse(session, bureau, csv_rows, files, report)
    _phase(progress, "Regels opslaan" if keep else "Regels controleren", len(csv_rows))
    outer = session.begin_nested()
    try:
        for row in rows:
            _apply(session, actor, row, storage, report)
            _step(progress)
    finally:
        if keep and report.ok:
            outer.commit()
            report.saved = True
        else:
            outer.rollback()
            report.stored.clear()  # rolled back: those claim numbers do not exist
    return report


def _parse(session, bureau, csv_rows, files, report) -> list[_Row]:
    refs = {r.values.get("traject", "") for r in csv_rows}
    trajectories = {t.ref: t for t in session.scalars(
        select(Trajectory).where(Trajectory.provider_id == bureau.id, Trajectory.ref.in_(refs)))}
    parsed = []
    for csv_row in csv_rows:
        errors_before = len(report.errors)
        row = _parse_row(csv_row, trajectories, files, lambda column, message: report.errors.append(
            RowError(csv_row.line, column, message)))
        if len(report.errors) == errors_before and row is not None:
            parsed.append(row)
    return parsed


def _parse_row(csv_row, trajectories, files, error: Callable[[str, str], None]) -> _Row | None:
    v = csv_row.values
    values = {}

    def read(column: str, reader, required: bool = True):
        text = v.get(column, "")
        if not text:
            if required:
                error(column, "Vul dit veld in.")
            return None
        try:
            values[column] = reader(text)
        except FieldError as failed:
            error(failed.column or column, str(failed))
        return values.get(column)

    trajectory = trajectories.get(v.get("traject", ""))
    if not v.get("traject"):
        error("traject", "Vul dit veld in.")
    elif trajectory is None:
        error("traject", f"Traject ‘{v['traject']}’ bestaat niet of is niet van uw bureau.")
    type_ = read("soort", parsing.milestone_type)
    happened = read("datum", lambda t: parsing.parse_date(t, "datum"))
    kind = read("soort_bewijs", parsing.evidence_kind)
    names = [n.strip() for n in v.get("bewijsstukken", "").split("|") if n.strip()]
    if not names:
        error("bewijsstukken", "Noem minstens één bewijsstuk en stuur het bestand mee.")
    missing = [n for n in names if n not in files]
    if missing:
        error("bewijsstukken", "Niet meegestuurd: " + ", ".join(missing) + ".")
    facts = placement_start = None
    if type_ == "placement":
        employer = read("werkgever", str)
        contract = read("contractsoort", parsing.contract_type)
        hours = read("uren_per_week", lambda t: parsing.parse_decimal(t, "uren_per_week"))
        wage = read("bruto_maandloon", lambda t: parsing.parse_decimal(t, "bruto_maandloon"))
        benefit = read("uitkering_stopt", parsing.benefit_ending)
        if None not in (employer, contract, hours, wage, benefit, happened):
            facts = PlacementFacts(employer, v.get("kvk_werkgever") or None, happened, contract, hours, wage, benefit)
    elif type_ == "sustained_placement":
        placement_start = read("plaatsing_start", lambda t: parsing.parse_date(t, "plaatsing_start"))
    if trajectory is None or None in (type_, happened, kind) or missing or not names:
        return None
    if type_ == "placement" and facts is None:
        return None
    if type_ == "sustained_placement" and placement_start is None:
        return None
    return _Row(csv_row.line, trajectory, type_, happened, kind, [Upload(n, files[n]) for n in names],
                v.get("toelichting") or None, facts, placement_start)


def _apply(session: Session, actor: User, row: _Row, storage: Storage, report: Report) -> None:
    """Run one row through the form's service in its own savepoint; a refusal becomes the row's error."""
    savepoint = session.begin_nested()
    try:
        if row.type == "placement":
            claim = register_placement(session, actor, row.trajectory, row.facts, uploads=row.uploads,
                                       evidence_kind=row.evidence_kind, storage=storage, note=row.note)
        else:
            claim = submit_claim(session, actor, row.trajectory, type=row.type, happened=row.happened,
                                 uploads=row.uploads, evidence_kind=row.evidence_kind, storage=storage,
                                 note=row.note, placement=_placement(session, row))
    except TrajectoryError as refused:
        savepoint.rollback()
        report.errors.append(RowError(row.line, FIELD_COLUMNS.get(refused.field or "", None), str(refused)))
        return
    except EvidenceRefused as refused:
        savepoint.rollback()
        report.errors.append(RowError(row.line, "bewijsstukken", str(refused)))
        return
    savepoint.commit()
    report.stored.append(StoredRow(row.line, row.trajectory.ref, label(row.type), claim.ref))


def _placement(session: Session, row: _Row) -> Placement | None:
    if row.type != "sustained_placement":
        return None
    return session.scalar(select(Placement).where(Placement.trajectory_id == row.trajectory.id,
                                                  Placement.start_date == row.placement_start)
                          .order_by(Placement.id).limit(1))


def _phase(progress, text: str, total: int) -> None:
    if progress is not None:
        progress.phase(text, total=total)


def _step(progress) -> None:
    if progress is not None:
        progress.step()


# ---------------------------------------------------------------- as a job (portal.jobs.kinds)

def run_job(session: Session, job, actor: User, progress, config):
    """The bulk_import job: its upload is on the job; errors fail the job with the report, nothing stored."""
    import base64
    import json

    from ..jobs.kinds import JobRefused, Outcome
    payload = json.loads(job.input_data.decode("utf-8"))
    data = base64.b64decode(payload["csv"])
    files = {name: base64.b64decode(content) for name, content in payload["files"].items()}
    bureau = session.get(Provider, job.provider_id)
    if job.params.get("dry_run"):
        report = check(session, bureau, data, actor, files, progress=progress)
    else:
        report = store(session, bureau, data, actor, files, storage=get_storage(), progress=progress)
    if not report.ok:
        count = len(report.errors)
        raise JobRefused(f"Er is niets opgeslagen: {count} {'fout' if count == 1 else 'fouten'} in het bestand. "
                         "Verbeter het bestand en lever het opnieuw aan.", {"report": report.as_dict()})
    if job.params.get("dry_run"):
        return Outcome(f"Het bestand is in orde: {report.rows} regels. Er is nog niets opgeslagen.",
                       (("Bestand opnieuw aanleveren om op te slaan", "bulk_import.index", {}),),
                       report=report.as_dict())
    return Outcome(f"{report.rows} regels zijn opgeslagen als declaraties; ze wachten op beoordeling.",
                   (("Naar de trajecten", "trajectories.index", {}),), report=report.as_dict())


def job_input(data: bytes, files: dict[str, bytes]) -> bytes:
    """Pack an upload for the job row (so a worker on another machine can read it)."""
    import base64
    import json
    return json.dumps({"csv": base64.b64encode(data).decode("ascii"),
                       "files": {n: base64.b64encode(c).decode("ascii") for n, c in files.items()}}).encode("utf-8")
