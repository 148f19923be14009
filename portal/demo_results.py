"""Demo data for the results pages (meten): a finished contract period that tells a story.

Two bureaus competed in directe bemiddeling in 2024-2025 with different methods: Werkkracht
Noord places more people, mostly those closest to work (the creaming view flags it); Stap
Verder takes everyone and places fewer. De Brug ran a sociale activering contract with a norm
on ladder steps and a partial staffel. Eight quarters of starts give cohorts that met the
norm, that did not, and one still open on the demo's today, with a forecast.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock
from .evidence.storage import Upload, attach_evidence, check_upload
from .storage import get_storage
from .models import (Consortium, Contract, ExcludedEndReason, FundingShare, MilestoneClaim, Municipality,
                     MunicipalityBudget, Placement, Provider, Review, StaffelStep, Tranche, Trajectory, User)
from .trajectories.clients import register_client

START, END = date(2024, 1, 1), date(2025, 12, 31)
CLOSEST_TO_WORK = ("jongere", "overig")
GROUPS = ["statushouder", "50plus", "jongere", "arbeidsbeperking", "overig"]
# The consortium's € 1.6 M a year, split by the municipalities' share of referrals.
BUDGET_SHARES = {"0361": 40, "0373": 8, "0383": 10, "0365": 4, "0398": 16, "0399": 8, "0416": 10, "0458": 4}


@dataclass(frozen=True)
class Plan:
    code: str
    provider: str
    segment: str
    price: str
    result_type: str
    norm_rate: str
    staffel: tuple[tuple[str, str], ...]
    trajectories: int
    chance_closest: float  # chance of a result for the groups closest to work
    chance_others: float


PLANS = [
    Plan("NK-DB-2024-WKN", "WKN", "directe_bemiddeling", "4000.00", "placement", "35", (("0", "0"), ("1", "1")),
         96, 0.70, 0.24),
    Plan("NK-DB-2024-STV", "STV", "directe_bemiddeling", "4000.00", "placement", "35", (("0", "0"), ("1", "1")),
         96, 0.30, 0.27),
    Plan("NK-SA-2024-BRG", "BRG", "sociale_activering", "1800.00", "participation_step", "50",
         (("0", "0"), ("0.8", "0.5"), ("1", "1")), 48, 0.60, 0.50),
]


def add_results_demo(session: Session, today: date) -> None:
    """Add the 2024-2025 contracts with their trajectories and the municipalities' budgets (flushes)."""
    rng = random.Random(8)
    consortium = session.scalar(select(Consortium))
    providers = {p.code: p for p in session.scalars(select(Provider))}
    municipalities = list(session.scalars(select(Municipality).order_by(Municipality.cbs_code)))
    reviewer = session.scalar(select(User).where(User.email == "contractmanager@nk.example"))
    weights = [BUDGET_SHARES.get(m.cbs_code, 1) for m in municipalities]
    number = 0
    for plan in PLANS:
        contract = _contract(session, consortium, providers[plan.provider], plan)
        bureau_user = session.scalar(select(User).where(User.provider_id == contract.provider_id))
        for i in range(plan.trajectories):
            number += 1
            municipality = rng.choices(municipalities, weights=weights)[0]
            start = START + timedelta(days=int(i * (END - START).days / plan.trajectories) + rng.randint(0, 6))
            _trajectory(session, rng, plan, contract, municipality, number, start, today, reviewer, bureau_user)
    for year in (2025, 2026):
        for municipality in municipalities:
            share = Decimal(BUDGET_SHARES.get(municipality.cbs_code, 0))
            session.add(MunicipalityBudget(municipality_id=municipality.id, year=year,
                                           amount=(Decimal("1600000") * share / 100).quantize(Decimal("0.01"))))
    session.flush()


def _contract(session, consortium, provider, plan: Plan) -> Contract:
    contract = Contract(code=plan.code, consortium_id=consortium.id, provider_id=provider.id, segment=plan.segment,
                        start=START, end=END, price=Decimal(plan.price), vat_rate=Decimal("21"),
                        submission_deadline_days=60, sustained_after_months=6,
                        norm_milestone=plan.result_type, norm_rate=Decimal(plan.norm_rate),
                        norm_measurement_months=6, norm_window_months=9)
    contract.staffel = [StaffelStep(min_ratio=Decimal(m), pay=Decimal(p)) for m, p in plan.staffel]
    contract.excluded_end_reasons = [ExcludedEndReason(end_reason=r) for r in ("moved", "deceased", "medical")]
    if plan.result_type == "placement":
        tranches = [("intake", "intake", "20", False), ("plaatsing", "placement", "30", True),
                    ("duurzaam", "sustained_placement", "50", True)]
    else:
        tranches = [("intake", "intake", "30", False), ("activering", "participation_step", "70", True)]
    contract.tranches = [Tranche(position=i, code=c, milestone_type=t, share=Decimal(s), result=r)
                         for i, (c, t, s, r) in enumerate(tranches)]
    contract.funding = [FundingShare(position=0, source="ESF", share=Decimal("50")),
                        FundingShare(position=1, source="WERKDEEL", share=Decimal("50"))]
    session.add(contract)
    session.flush()
    return contract


def _trajectory(session, rng, plan: Plan, contract, municipality, number: int, start: date, today: date,
                reviewer, bureau_user) -> None:
    group = rng.choice(GROUPS)
    client = register_client(session, None, bsn=_bsn(number), municipality_id=municipality.id,
                             ref=f"CR{number:04d}", first_name="Demo", last_name=f"Cliënt {number}",
                             target_group=group, benefit=rng.choice(["participatiewet"] * 5 + ["anw", "none"]))
    referred_on = start - timedelta(days=rng.randint(3, 14))
    trajectory = Trajectory(ref=f"TR{number:04d}", contract_id=contract.id, provider_id=contract.provider_id,
                            segment=contract.segment, client_id=client.id, municipality_id=municipality.id,
                            status="referred", referred_on=referred_on, plan_status="none")
    session.add(trajectory)
    session.flush()
    if rng.random() < 0.06:
        trajectory.status, trajectory.decline_reason = "declined", "Past niet bij onze aanpak."
        return
    trajectory.status, trajectory.start, trajectory.plan_status = "active", start, "approved"
    claims = [("intake", start + timedelta(days=rng.randint(1, 10)))]
    ended = None
    chance = plan.chance_closest if group in CLOSEST_TO_WORK else plan.chance_others
    if rng.random() < chance:
        happened = start + timedelta(days=rng.randint(40, 230))
        claims.append((plan.result_type, happened))
        if plan.result_type == "placement" and rng.random() < 0.6:
            sustained = happened + relativedelta(months=6)
            claims.append(("sustained_placement", sustained))
            ended = (sustained + timedelta(days=1), "work")
    elif rng.random() < 0.4:
        ended = (start + timedelta(days=rng.randint(30, 250)), rng.choice(["dropout", "dropout", "moved", "other"]))
    for i, (kind, happened) in enumerate(claims):
        if happened > today:
            continue
        submitted = min(happened + timedelta(days=rng.randint(3, 20)), today)
        reviewed = submitted + timedelta(days=rng.randint(2, 10))
        _claim(session, trajectory, f"MR{number:04d}{i}", kind, happened, submitted,
               reviewed if reviewed <= today else None, reviewer, bureau_user)
    if ended is not None and ended[0] <= today:
        trajectory.status, trajectory.end, trajectory.end_reason = "ended", ended[0], ended[1]


def _claim(session, trajectory, ref, kind, happened, submitted, reviewed, reviewer, bureau_user) -> None:
    from .demo import demo_pdf
    placement = None
    if kind == "placement":
        placement = Placement(trajectory_id=trajectory.id, employer_name="Zorggroep Noorderkwartier",
                              employer_kvk="37098765", start_date=happened, contract_type="bepaalde_tijd",
                              hours_per_week=Decimal(32), gross_wage=Decimal("2400.00"), benefit_ends="fully")
        session.add(placement)
        session.flush()
    claim = MilestoneClaim(ref=ref, trajectory_id=trajectory.id, type=kind, date=happened, submitted=submitted,
                           submitted_by_id=bureau_user.id if bureau_user else None,
                           placement_id=placement.id if placement else None, review="pending")
    session.add(claim)
    session.flush()
    checked = check_upload(Upload(f"bewijs-{ref}.pdf", demo_pdf(f"Bewijs {kind} - traject {trajectory.ref} (fictief)")))
    attach_evidence(session, bureau_user, claim, checked, kind="payslip" if "placement" in kind else "attendance_list",
                    storage=get_storage())
    if reviewed is not None:
        claim.review, claim.reviewed, claim.reviewed_by_id = "approved", reviewed, reviewer.id
        session.add(Review(claim_id=claim.id, decision="approved", decided_on=reviewed, decided_at=clock.now(),
                           reviewer_id=reviewer.id))


def _bsn(number: int) -> str:
    """A fictional BSN that passes the elfproef, unique per number (9xxxxxxxx, beyond the main demo's range)."""
    base = 900_000_000 + number * 1013
    for candidate in range(base, base + 100):
        digits = f"{candidate:09d}"[:8]
        check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check < 10:
            return digits + str(check)
    raise AssertionError("no BSN")
