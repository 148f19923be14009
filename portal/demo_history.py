"""Demo history: issued runs, a revocation after an issued run, an upheld objection of each kind, more runs.

Called once from demo.build_demo after the trajectories exist, so that `settlement replay --all`,
the diff between runs and the corrections page have real material. Deterministic like the rest
of the demo: it picks the first fitting line of each kind, in line order.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .finance.facts import load_contract
from .finance.issuing import approve_run
from .finance.runs import start_run, submit_run
from .demo import _unique_bsn
from .models import MilestoneClaim, Municipality, SettlementRun, Trajectory, User
from .objections.service import (AMENDMENT_NEEDED, CHOSEN_CORRECTION, CORRECTED_FIELD, ObjectionError, choices_for,
                                 correction_for, decide_objection, file_objection, objectable)
from .review.service import ReviewError, approve_claim, revoke_approval
from .trajectories.clients import register_client

MOTIVATION = "Wij hebben aangetoond dat deze regel ten onrechte is ingehouden; zie de bijgevoegde stukken."
RUN_DATES = (date(2026, 6, 30), date(2026, 9, 30))
CONTRACTS = ("NK-DB-2025-WKN", "NK-DB-2025-STV")


def build_history_demo(session: Session, logins: dict[str, User]) -> None:
    """Issue two runs per contract with a revocation and upheld objections in between (flushes, never commits)."""
    finance, second = logins["financien@nk.example"], logins["financien2@nk.example"]
    reviewer = logins["contractmanager@nk.example"]
    for code in CONTRACTS:
        contract = load_contract(session, code)
        bureau = next(u for u in logins.values() if u.provider_id == contract.provider_id)
        if code == CONTRACTS[0]:
            _withheld_cases(session, contract, bureau, reviewer)
        first = _issue(session, contract, finance, second, RUN_DATES[0])
        _revoke_one_paid_claim(session, reviewer, first, RUN_DATES[0] + timedelta(days=15))
        _uphold_one_of_each_kind(session, bureau, reviewer, first)
        run = _issue(session, contract, finance, second, RUN_DATES[1])
        # One more objection after the last run, so the finance start page shows a correction to come.
        _uphold_one_of_each_kind(session, bureau, reviewer, run, limit=1)


def _withheld_cases(session: Session, contract, bureau: User, reviewer: User) -> None:
    """Trajectories whose intake the first run withholds for each reason an objection can correct."""
    rng = random.Random(10)
    alkmaar = session.scalar(select(Municipality).where(Municipality.cbs_code == "0361"))
    numbers = iter(range(9001, 9100))

    def trajectory(start: date, municipality=alkmaar) -> Trajectory:
        number = next(numbers)
        client = register_client(session, None, bsn=_unique_bsn(session, rng), municipality_id=municipality.id,
                                 ref=f"C{number:04d}", first_name="Demo", last_name=f"Geschiedenis {number}",
                                 target_group="overig", benefit="participatiewet")
        row = Trajectory(ref=f"T{number:04d}", contract_id=contract.id, provider_id=contract.provider_id,
                         segment=contract.segment, client_id=client.id, municipality_id=municipality.id,
                         status="active", referred_on=min(start, contract.start), start=start)
        session.add(row)
        session.flush()
        return row

    def intake(row: Trajectory, happened: date, submitted: date) -> None:
        claim = MilestoneClaim(ref=f"M9{next(numbers):04d}", trajectory_id=row.id, type="intake", date=happened,
                               submitted=submitted, submitted_by_id=bureau.id, review="pending")
        session.add(claim)
        session.flush()
        approve_claim(session, reviewer, claim, decided_on=submitted + timedelta(days=3))

    # A second intake of the same trajectory: DUPLICATE_CLAIM.
    twice = trajectory(date(2025, 9, 1))
    intake(twice, date(2025, 9, 3), date(2025, 9, 8))
    intake(twice, date(2025, 9, 4), date(2025, 9, 9))
    # A start before the contract began: OUTSIDE_CONTRACT_PERIOD.
    intake(trajectory(contract.start - timedelta(days=10)), contract.start + timedelta(days=2),
           contract.start + timedelta(days=5))
    # An intake dated before its trajectory started: OUTSIDE_WINDOW.
    intake(trajectory(date(2025, 10, 1)), date(2025, 9, 26), date(2025, 10, 6))
    # Alkmaar's cap is full by the first run: the last one in is OVER_VOLUME.
    cap = next(c.cap for c in contract.municipality_caps if c.municipality_id == alkmaar.id)
    start = RUN_DATES[0] - timedelta(days=10)
    admitted = session.scalar(select(func.count()).select_from(Trajectory).where(
        Trajectory.contract_id == contract.id, Trajectory.municipality_id == alkmaar.id, Trajectory.start <= start))
    for _ in range(max(cap - admitted, 0) + 1):
        intake(trajectory(start), start + timedelta(days=2), start + timedelta(days=4))


def _issue(session: Session, contract, preparer: User, approver: User, as_of: date) -> SettlementRun:
    run = start_run(session, preparer, contract, as_of)
    submit_run(session, preparer, run)
    approve_run(session, approver, run.id)
    return run


def _revoke_one_paid_claim(session: Session, reviewer: User, run: SettlementRun, on: date) -> None:
    """An audit finding after the run: the approval of a paid result claim is withdrawn (a new decision)."""
    for line in run.lines:
        if line.status == "payable" and line.claim_id:
            claim = session.get(MilestoneClaim, line.claim_id)
            if claim.review == "approved" and claim.reviewed <= run.as_of:
                revoke_approval(session, reviewer, claim, decided_on=on,
                                reason_text="Auditbevinding: de loonstrook hoort bij een ander dienstverband.")
                return


def _uphold_one_of_each_kind(session: Session, bureau: User, reviewer: User, run: SettlementRun,
                             limit: int | None = None) -> None:
    done: set[str] = set()
    for line in run.lines:
        if limit is not None and len(done) >= limit:
            return
        reason = line.reason or "REVOKED"
        if reason in done or not objectable(line):
            continue
        if reason not in CORRECTED_FIELD and reason not in CHOSEN_CORRECTION and reason not in AMENDMENT_NEEDED:
            continue
        savepoint = session.begin_nested()  # a line whose correction does not fit is skipped, nothing half-stored
        try:
            _object_and_decide(session, bureau, reviewer, line, reason)
        except (ObjectionError, ReviewError):
            savepoint.rollback()
            continue
        savepoint.commit()
        done.add(reason)


def _object_and_decide(session: Session, bureau: User, reviewer: User, line, reason: str) -> None:
    objection = file_objection(session, bureau, line, MOTIVATION)
    claim = session.get(MilestoneClaim, objection.claim_id)
    if reason in AMENDMENT_NEEDED:
        decide_objection(session, reviewer, objection, uphold=True,
                         reason="Gegrond: het plafond wordt verhoogd met een contractwijziging (Beheer).")
        return
    correction = correction_for(objection, claim)
    if correction is not None:
        corrected = correction.earliest if correction.field != "date" else correction.latest
        decide_objection(session, reviewer, objection, uphold=True, corrected_date=corrected,
                         reason="Gegrond: de juiste datum is aangetoond.")
        return
    choices = choices_for(session, objection, claim)
    decide_objection(session, reviewer, objection, uphold=True, choice=choices[0].value if choices else None,
                     reason="Gegrond: de feiten zijn gecorrigeerd.")
