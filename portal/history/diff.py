"""The difference between two runs of a contract (or the last issued run and a new preview), line by line,
and why each line changed: the decisions and corrections recorded in between, or a cohort made final.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import clock
from .. import models as m
from ..formatting import label, nl_date
from ..finance.preview import preview

ZERO = Decimal("0.00")
FIELD_LABELS = {"start": "startdatum van het traject", "end": "einddatum van het traject",
                "end_reason": "beëindigingsreden", "municipality": "gemeente", "date": "datum van de mijlpaal",
                "submitted": "indieningsdatum"}
DECISION_LABELS = {"approved": "goedgekeurd", "rejected": "afgekeurd", "revoked": "goedkeuring ingetrokken"}


@dataclass(frozen=True)
class Side:
    """One side of a diff: a run (frozen lines) or a preview (evaluated now)."""

    label: str
    as_of: date
    moment: datetime  # when its facts were recorded (a run's draft, a preview's now)
    lines: dict  # (milestone, tranche) -> (trajectory, status, payable, reason)
    run_id: int | None = None


@dataclass
class DiffLine:
    milestone: str
    tranche: str
    trajectory: str
    old: tuple | None  # (status, payable, reason) or None when the line was not there
    new: tuple | None
    why: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """A recorded decision or correction that can explain a changed line."""

    claim: str | None
    trajectory: str
    recorded_at: datetime
    text: str


def run_side(session: Session, run: m.SettlementRun) -> Side:
    # A line the engine no longer had (kept only to take back what was invoiced) is absent on this side.
    lines = {(line.milestone_ref, line.tranche_code): (line.trajectory_ref, line.status, line.payable, line.reason)
             for line in run.lines if line.milestone_type is not None}
    return Side(f"afrekening {run.id} (peildatum {nl_date(run.as_of)})", run.as_of, run.prepared_at, lines, run.id)


def preview_side(session: Session, contract: m.Contract, as_of: date) -> Side:
    result = preview(session, contract, as_of)
    lines = {(line.milestone, line.tranche): (line.trajectory, line.status, line.payable, line.reason)
             for line in result.lines}
    return Side(f"voorbeeld (peildatum {nl_date(as_of)})", as_of, clock.now(), lines)


def diff_sides(session: Session, contract: m.Contract, old: Side, new: Side) -> list[DiffLine]:
    """Return every line whose status, payable amount or reason differs, with why in Dutch."""
    changes = _changes(session, contract, old, new)
    amendments = _amendments(session, contract, old, new)
    periods = _period_of(session, contract)
    by_claim: dict[str, list[Change]] = {}
    by_trajectory: dict[str, list[Change]] = {}
    for change in changes:
        if change.claim is not None:
            by_claim.setdefault(change.claim, []).append(change)
        by_trajectory.setdefault(change.trajectory, []).append(change)
    claims = {ref: (happened, submitted) for ref, happened, submitted in session.execute(
        select(m.MilestoneClaim.ref, m.MilestoneClaim.date, m.MilestoneClaim.submitted)
        .join(m.Trajectory, m.Trajectory.id == m.MilestoneClaim.trajectory_id)
        .where(m.Trajectory.contract_id == contract.id))}
    result = []
    for key in sorted(old.lines.keys() | new.lines.keys()):
        before, after = old.lines.get(key), new.lines.get(key)
        if before is not None and after is not None and before[1:] == after[1:]:
            continue
        trajectory = (after or before)[0]
        line = DiffLine(key[0], key[1], trajectory, before and before[1:], after and after[1:])
        own = [c.text for c in by_claim.get(key[0], [])]
        own += [c.text for c in by_trajectory.get(trajectory, []) if c.claim is None]
        if before is None and key[0] in claims:
            happened, submitted = claims[key[0]]
            if max(happened, submitted) > old.as_of:
                own.insert(0, f"{key[0]}: nieuwe declaratie (mijlpaal {nl_date(happened)}, ingediend "
                              f"{nl_date(submitted)}), na de peildatum {nl_date(old.as_of)}.")
        line.why = own or _why_without_own(contract, line, old, new, periods, by_trajectory, amendments)
        result.append(line)
    return result


def _why_without_own(contract, line: DiffLine, old: Side, new: Side, periods, by_trajectory,
                     amendments: list[str]) -> list[str]:
    why = _cohort_reasons(contract, line, old, new, periods, by_trajectory)
    if amendments:
        why = amendments + [w for w in why if not w.startswith(NOTHING_OWN)]
    return why


NOTHING_OWN = "Geen eigen besluit of correctie vastgelegd"


def _amendments(session: Session, contract: m.Contract, old: Side, new: Side) -> list[str]:
    """Contract amendments approved between the two sides (a run uses the terms recorded before its draft)."""
    rows = session.execute(
        select(m.ContractTermsVersion, m.User.name)
        .outerjoin(m.User, m.User.id == m.ContractTermsVersion.decided_by_id)
        .where(m.ContractTermsVersion.contract_id == contract.id, m.ContractTermsVersion.status == "approved",
               m.ContractTermsVersion.decided_at > old.moment, m.ContractTermsVersion.decided_at <= new.moment)
        .order_by(m.ContractTermsVersion.number)).all()
    return [f"Contractwijziging versie {version.number} ({version.reason}), goedgekeurd "
            f"{nl_date(version.decided_at)} door {name or 'onbekend'}." for version, name in rows]


def _cohort_reasons(contract, line: DiffLine, old: Side, new: Side, periods, by_trajectory) -> list[str]:
    why = []
    period = periods.get(line.trajectory)
    if contract.norm_milestone is not None and period is not None:
        final_on = _final_on(contract, period)
        if old.as_of < final_on <= new.as_of:
            why.append(f"De peildatum {nl_date(new.as_of)} maakte het cohort van dit traject definitief "
                       f"(definitief vanaf {nl_date(final_on)}).")
        same = [c.text for ref, items in by_trajectory.items() if ref != line.trajectory
                and periods.get(ref) == period for c in items]
        if same:
            shown = same[:5] + ([f"En {len(same) - 5} andere wijzigingen in het cohort."] if len(same) > 5 else [])
            why.append("Het cohort van dit traject veranderde: " + " ".join(shown))
    if not why:
        why.append(f"{NOTHING_OWN}; de peildatum ging van {nl_date(old.as_of)} naar "
                   f"{nl_date(new.as_of)}.")
    return why


def _changes(session: Session, contract: m.Contract, old: Side, new: Side) -> list[Change]:
    """Decisions and corrections recorded between the two sides, or in force only on the newer side's date."""
    lo, hi = old.moment, new.moment
    reviews = session.execute(
        select(m.Review, m.MilestoneClaim.ref, m.Trajectory.ref, m.User.name)
        .join(m.MilestoneClaim, m.MilestoneClaim.id == m.Review.claim_id)
        .join(m.Trajectory, m.Trajectory.id == m.MilestoneClaim.trajectory_id)
        .outerjoin(m.User, m.User.id == m.Review.reviewer_id)
        .where(m.Trajectory.contract_id == contract.id,
               or_(m.Review.decided_at.between(lo, hi),
                   m.Review.decided_on.between(min(old.as_of, new.as_of), max(old.as_of, new.as_of))))
        .order_by(m.Review.decided_at, m.Review.id)).all()
    changes = []
    for review, claim_ref, trajectory_ref, name in reviews:
        if not (lo < review.decided_at <= hi or old.as_of < review.decided_on <= new.as_of):
            continue
        source = f" (bezwaar {review.objection_id})" if review.objection_id else ""
        text = (f"{claim_ref}: besluit ‘{DECISION_LABELS.get(review.decision, review.decision)}’ per "
                f"{nl_date(review.decided_on)}, vastgelegd {nl_date(review.decided_at)} door "
                f"{name or 'onbekend'}{source}.")
        if review.decided_at <= lo:
            text = text[:-1] + f"; dat besluit gold pas na de peildatum {nl_date(old.as_of)}."
        changes.append(Change(claim_ref, trajectory_ref, review.decided_at, text))
    for subject, join_on, ref_column, is_claim in (
            (m.FactVersion.trajectory_id, m.Trajectory.id == m.FactVersion.trajectory_id, None, False),
            (m.FactVersion.claim_id, m.MilestoneClaim.id == m.FactVersion.claim_id, m.MilestoneClaim.ref, True)):
        query = select(m.FactVersion, m.Trajectory.ref, ref_column if is_claim else m.Trajectory.ref, m.User.name)
        query = query.select_from(m.FactVersion)
        if is_claim:
            query = query.join(m.MilestoneClaim, join_on).join(m.Trajectory,
                                                              m.Trajectory.id == m.MilestoneClaim.trajectory_id)
        else:
            query = query.join(m.Trajectory, join_on)
        rows = session.execute(query.outerjoin(m.User, m.User.id == m.FactVersion.recorded_by_id).where(
            m.Trajectory.contract_id == contract.id, m.FactVersion.recorded_at > lo, m.FactVersion.recorded_at <= hi,
            m.FactVersion.previous_value.is_not(None)).order_by(m.FactVersion.recorded_at, m.FactVersion.id)).all()
        for version, trajectory_ref, ref, name in rows:
            source = f" (bezwaar {version.objection_id})" if version.objection_id else ""
            kind = "correctie" if version.source == "correction" else "wijziging"
            text = (f"{ref}: {kind} van de {FIELD_LABELS[version.field]} van {_shown(version.field, version.previous_value)} "
                    f"naar {_shown(version.field, version.value)}, vastgelegd {nl_date(version.recorded_at)} door "
                    f"{name or 'onbekend'}{source}.")
            changes.append(Change(ref if is_claim else None, trajectory_ref, version.recorded_at, text))
    return changes


def _shown(field_name: str, value: str | None) -> str:
    if value is None:
        return "leeg"
    if field_name == "end_reason":
        return f"‘{label(value)}’"
    if field_name in ("start", "end", "date", "submitted"):
        return nl_date(date.fromisoformat(value))
    return value


def _period_of(session: Session, contract: m.Contract) -> dict[str, int]:
    """Trajectory ref -> index of the measurement period its start falls in (settlement.md section 5)."""
    if contract.norm_milestone is None:
        return {}
    rows = session.execute(select(m.Trajectory.ref, m.Trajectory.start).where(
        m.Trajectory.contract_id == contract.id, m.Trajectory.start.is_not(None))).all()
    months = contract.norm_measurement_months
    periods = {}
    for ref, start in rows:
        k = ((start.year - contract.start.year) * 12 + start.month - contract.start.month) // months
        while k > 0 and contract.start + relativedelta(months=k * months) > start:
            k -= 1
        while contract.start + relativedelta(months=(k + 1) * months) <= start:
            k += 1
        periods[ref] = k
    return periods


def _final_on(contract: m.Contract, k: int) -> date:
    months = contract.norm_measurement_months
    period_end = min(contract.start + relativedelta(months=(k + 1) * months) - relativedelta(days=1), contract.end)
    return (period_end + relativedelta(months=contract.norm_window_months)
            + relativedelta(days=contract.submission_deadline_days or 0))


def diff_rows(lines: list[DiffLine]) -> list[dict]:
    """Flat rows for CSV and JSON."""
    rows = []
    for line in lines:
        old = line.old or (None, None, None)
        new = line.new or (None, None, None)
        rows.append({"milestone": line.milestone, "tranche": line.tranche, "trajectory": line.trajectory,
                     "old_status": old[0], "old_amount": str(old[1]) if old[1] is not None else None,
                     "old_reason": old[2], "new_status": new[0],
                     "new_amount": str(new[1]) if new[1] is not None else None, "new_reason": new[2],
                     "why": " ".join(line.why)})
    return rows


class DiffRefused(Exception):
    """The runs cannot be compared (another contract, unknown run); the message is Dutch."""


def last_issued_run(session: Session, contract: m.Contract) -> m.SettlementRun | None:
    return session.scalar(select(m.SettlementRun).where(
        m.SettlementRun.contract_id == contract.id, m.SettlementRun.status == "issued")
        .order_by(m.SettlementRun.approved_at.desc(), m.SettlementRun.id.desc()).limit(1))


def compare(session: Session, contract: m.Contract, from_run: m.SettlementRun, to_run: m.SettlementRun | None,
            as_of: date | None = None) -> tuple[Side, Side, list[DiffLine]]:
    """Compare a run with another run of the same contract, or (to_run None) with a preview as of a date."""
    if from_run.contract_id != contract.id or (to_run is not None and to_run.contract_id != contract.id):
        raise DiffRefused("Beide afrekeningen moeten bij hetzelfde contract horen.")
    old = run_side(session, from_run)
    if to_run is not None:
        new = run_side(session, to_run)
    else:
        if as_of is None:
            raise DiffRefused("Geef de peildatum van het voorbeeld.")
        new = preview_side(session, contract, as_of)
    return old, new, diff_sides(session, contract, old, new)
