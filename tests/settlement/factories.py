"""Small factories for settlement facts: sensible defaults, override what a test is about."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from settlement import (
    ContractSettlement,
    Contract,
    FundingShare,
    Milestone,
    Norm,
    StaffelStep,
    Trajectory,
    Tranche,
    evaluate_contract,
    one_decision,
)

D = Decimal

#: "Niet halen is niet betalen".
ALL_OR_NOTHING = (StaffelStep(min_ratio=D("0"), pay=D("0")), StaffelStep(min_ratio=D("1"), pay=D("1")))
#: Per-result payment regardless of the norm.
ALWAYS = (StaffelStep(min_ratio=D("0"), pay=D("1")),)

INTAKE = Tranche(code="intake", milestone="intake", share=D("20"), result=False)
PLACEMENT = Tranche(code="plaatsing", milestone="placement", share=D("30"), result=True)
SUSTAINED = Tranche(code="duurzaam", milestone="sustained_placement", share=D("50"), result=True)
HALF_HALF = (FundingShare(source="ESF", share=D("50")), FundingShare(source="WERKDEEL", share=D("50")))


def make_norm(**overrides) -> Norm:
    """A 35 % placement norm over 12-month cohorts with a 12-month window."""
    fields = dict(
        milestone="placement",
        rate=D("35"),
        measurement_months=12,
        window_months=12,
        excluded_end_reasons=("moved", "deceased"),
        staffel=ALL_OR_NOTHING,
    )
    fields.update(overrides)
    return Norm(**fields)


def make_contract(**overrides) -> Contract:
    """Contract C1 for 2026: € 4000, intake 20 %, placement 30 % (result), 60-day deadline, 50/50 funding."""
    fields = dict(
        code="C1",
        provider="P1",
        segment="directe_bemiddeling",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        price=D("4000.00"),
        vat_rate=D("21"),
        tranches=(INTAKE, PLACEMENT, SUSTAINED),
        norm=make_norm(),
        submission_deadline_days=60,
        funding=HALF_HALF,
    )
    fields.update(overrides)
    return Contract(**fields)


def make_trajectory(ref: str = "T1", start: date = date(2026, 2, 1), **overrides) -> Trajectory:
    """A trajectory of contract C1 in Alkmaar (0361)."""
    fields = dict(ref=ref, contract="C1", municipality="0361", start=start)
    fields.update(overrides)
    return Trajectory(**fields)


def make_claim(
    ref: str,
    trajectory: str = "T1",
    type: str = "intake",  # noqa: A002 - the format's word
    day: date = date(2026, 2, 3),
    submitted: date | None = None,
    review: str = "approved",
    reviewed: date | None = None,
) -> Milestone:
    """A milestone claimed a week after it happened and reviewed five days later (one decision)."""
    submitted = day + timedelta(days=7) if submitted is None else submitted
    if reviewed is None and review != "pending":
        reviewed = submitted + timedelta(days=5)
    return Milestone(ref=ref, trajectory=trajectory, type=type, date=day, submitted=submitted,
                     reviews=one_decision(review, reviewed))


def settle(contract: Contract | None = None, trajectories=(), claims=(), as_of: date = date(2028, 12, 31)
           ) -> ContractSettlement:
    """Evaluate a contract (default make_contract()) as of a date."""
    return evaluate_contract(contract or make_contract(), trajectories, claims, as_of)


def line_of(result: ContractSettlement, milestone: str):
    """Return the line of a milestone, failing the test if there is none."""
    line = result.line(milestone)
    assert line is not None, f"no line for {milestone}; no_line={dict(result.no_line)}"
    return line


def placed_cohort(n: int, placed: int, start: date = date(2026, 2, 1), prefix: str = "T"):
    """n trajectories starting on one day, the first `placed` with an approved in-time placement."""
    trajectories = [make_trajectory(f"{prefix}{i:03d}", start) for i in range(n)]
    claims = [make_claim(f"M{prefix}{i:03d}", f"{prefix}{i:03d}", "placement", start + timedelta(days=30))
              for i in range(placed)]
    return trajectories, claims
