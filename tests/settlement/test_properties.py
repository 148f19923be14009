"""Properties that hold for every scenario, checked on generated ones (hypothesis)."""
from __future__ import annotations

import json
import os
import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from settlement import (
    Consortium,
    Contract,
    FundingShare,
    Invoiced,
    Milestone,
    Municipality,
    Norm,
    Provider,
    ReviewDecision,
    Scenario,
    StaffelStep,
    Trajectory,
    Tranche,
    issue_run,
    dump_scenario,
    evaluate,
    parse_scenario,
    settlement_document,
)
from settlement.dates import add_months

D = Decimal
BASE = date(2026, 1, 1)
MUNICIPALITIES = ("0361", "0373", "0383")
TYPES = ("intake", "plan", "placement", "sustained_placement")
FUNDINGS = [(), ("100",), ("50", "50"), ("33.33", "33.33", "33.34"), ("12.5", "87.5"), ("0.01", "99.99")]
# Pay never falls as achievement rises (the monotonicity property needs that).
STAFFELS = [
    (("0", "0"), ("1", "1")),
    (("0", "1"),),
    (("0", "0"), ("0.5", "0.333"), ("0.8", "0.75"), ("1", "1")),
    (("0", "0.1"), ("1", "0.9")),
]
# A few seconds by default; SETTLEMENT_EXAMPLES=2000 for a deeper search.
FAST = settings(max_examples=int(os.environ.get("SETTLEMENT_EXAMPLES", "30")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def days(draw, low: int, high: int) -> timedelta:
    return timedelta(days=draw(st.integers(low, high)))


@st.composite
def contracts(draw, code: str) -> Contract:
    start = BASE + days(draw, 0, 60)
    end = start + days(draw, 20, 500)
    price = D(draw(st.sampled_from(["4000.00", "3333.33", "0.05", "1800.00", "999.99"])))
    tranches = [Tranche(code="start", milestone="intake", share=D("25"), result=False)]
    if draw(st.booleans()):
        tranches.append(Tranche(code="res", milestone="placement", share=D(draw(st.sampled_from(["30", "75", "33.3"]))),
                                result=draw(st.booleans())))
    if draw(st.booleans()):
        tranches.append(Tranche(code="duur", milestone="sustained_placement", amount=D("1500.00"), result=True))
    norm = None
    if draw(st.booleans()):
        norm = Norm(
            milestone=draw(st.sampled_from(["placement", "sustained_placement", "plan"])),
            rate=D(draw(st.sampled_from(["10", "35", "50", "100", "33.33"]))),
            measurement_months=draw(st.integers(1, 12)),
            window_months=draw(st.integers(0, 12)),
            excluded_end_reasons=tuple(draw(st.sets(st.sampled_from(["moved", "deceased", "medical"])))),
            staffel=tuple(StaffelStep(min_ratio=D(m), pay=D(p)) for m, p in draw(st.sampled_from(STAFFELS))),
        )
    funding = draw(st.sampled_from(FUNDINGS))
    return Contract(
        code=code,
        provider="P1",
        segment="directe_bemiddeling",
        start=start,
        end=end,
        price=price,
        vat_rate=D(draw(st.sampled_from(["21", "9", "0"]))),
        tranches=tuple(tranches),
        norm=norm,
        max_trajectories=draw(st.none() | st.integers(0, 6)),
        municipality_caps=draw(st.none() | st.dictionaries(st.sampled_from(MUNICIPALITIES), st.integers(0, 3))),
        submission_deadline_days=draw(st.none() | st.integers(0, 90)),
        funding=tuple(FundingShare(source=f"F{i}", share=D(s)) for i, s in enumerate(funding)),
    )


@st.composite
def review_histories(draw, submitted: date) -> tuple[ReviewDecision, ...]:
    """A valid review history: none to four decisions, dates never going back, revoked only after approved."""
    history: list[ReviewDecision] = []
    day = submitted
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 3, 4]))):
        day += days(draw, 0, 200)
        allowed = ["approved", "approved", "rejected"]
        if history and history[-1].decision == "approved":
            allowed.append("revoked")
        history.append(ReviewDecision(draw(st.sampled_from(allowed)), day))
    return tuple(history)


@st.composite
def scenarios(draw) -> Scenario:
    contract_list = [draw(contracts(f"C{i}")) for i in range(draw(st.integers(1, 2)))]
    trajectories = []
    for i in range(draw(st.integers(0, 10))):
        contract = draw(st.sampled_from(contract_list))
        start = contract.start + days(draw, -20, (contract.end - contract.start).days + 20)
        ended = draw(st.booleans())
        trajectories.append(Trajectory(
            ref=f"T{i:02d}",
            contract=contract.code,
            municipality=draw(st.sampled_from(MUNICIPALITIES)),
            start=start,
            end=start + days(draw, -5, 400) if ended else None,
            end_reason=draw(st.sampled_from(["moved", "work", "deceased", "dropout"])) if ended else None,
        ))
    milestones = []
    if trajectories:
        for i in range(draw(st.integers(0, 20))):
            trajectory = draw(st.sampled_from(trajectories))
            day = trajectory.start + days(draw, -10, 450)
            submitted = day + days(draw, 0, 100)
            milestones.append(Milestone(ref=f"M{i:03d}", trajectory=trajectory.ref, type=draw(st.sampled_from(TYPES)),
                                        date=day, submitted=submitted, reviews=draw(review_histories(submitted))))
    return Scenario(
        as_of=BASE + days(draw, 0, 1300),
        consortium=Consortium(code="NK", name="Noord-Kennemerland"),
        municipalities=tuple(Municipality(code=c, name=c) for c in MUNICIPALITIES),
        providers=(Provider(code="P1", name="Bureau"),),
        contracts=tuple(contract_list),
        trajectories=tuple(trajectories),
        milestones=tuple(milestones),
    )


@FAST
@given(scenarios())
def test_every_line_adds_up_and_its_funding_is_its_payable(scenario):
    for result in evaluate(scenario).contracts:
        sources = [f.source for f in result.contract.funding]
        for line in result.lines:
            assert line.payable + line.withheld + line.pending == line.amount
            assert min(line.payable, line.withheld, line.pending) >= 0
            assert line.pending == (line.amount if line.status == "pending" else 0)
            assert (line.reason is None) == (line.status == "payable")
            assert list(line.funding) == sources
            if sources:
                assert sum(line.funding.values()) == line.payable
            assert all(part >= 0 for part in line.funding.values())


@FAST
@given(scenarios())
def test_totals_are_the_sums_of_the_lines(scenario):
    for result in evaluate(scenario).contracts:
        lines, totals = result.lines, result.totals
        assert totals.payable == sum((line.payable for line in lines), D(0))
        assert totals.withheld == sum((line.withheld for line in lines), D(0))
        assert totals.pending == sum((line.pending for line in lines), D(0))
        municipalities = sorted({line.municipality for line in lines})
        assert list(totals.by_municipality) == municipalities
        for code, sums in totals.by_municipality.items():
            mine = [line for line in lines if line.municipality == code]
            assert sums.payable == sum((line.payable for line in mine), D(0))
            assert sums.withheld == sum((line.withheld for line in mine), D(0))
            assert sums.pending == sum((line.pending for line in mine), D(0))
        assert list(totals.by_funding) == [f.source for f in result.contract.funding]
        for source, amount in totals.by_funding.items():
            assert amount == sum((line.funding[source] for line in lines), D(0))
        assert [i.municipality for i in result.invoices] == [c for c in municipalities
                                                             if totals.by_municipality[c].payable > 0]
        for invoice in result.invoices:
            assert invoice.subtotal == totals.by_municipality[invoice.municipality].payable
            assert invoice.total == invoice.subtotal + invoice.vat


@FAST
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_order_of_the_input_does_not_matter(scenario, rng: random.Random):
    shuffled = replace(
        scenario,
        contracts=tuple(rng.sample(scenario.contracts, len(scenario.contracts))),
        trajectories=tuple(rng.sample(scenario.trajectories, len(scenario.trajectories))),
        milestones=tuple(rng.sample(scenario.milestones, len(scenario.milestones))),
    )
    assert settlement_document(evaluate(shuffled)) == settlement_document(evaluate(scenario))


@FAST
@given(scenarios(), st.data())
def test_an_approved_in_time_in_window_result_never_lowers_what_is_payable(scenario, data):
    norms = {c.code: c.norm for c in scenario.contracts}
    candidates = [t for t in scenario.trajectories if t.start <= scenario.as_of and norms[t.contract] is not None]
    if not candidates:
        return
    trajectory = data.draw(st.sampled_from(candidates))
    contract = next(c for c in scenario.contracts if c.code == trajectory.contract)
    norm = contract.norm
    last = min(add_months(trajectory.start, norm.window_months), scenario.as_of)
    day = trajectory.start + timedelta(days=data.draw(st.integers(0, (last - trajectory.start).days)))
    deadline = contract.submission_deadline_days
    submitted = min(day + timedelta(days=data.draw(st.integers(0, deadline if deadline is not None else 30))),
                    scenario.as_of)
    reviewed = submitted + timedelta(days=data.draw(st.integers(0, (scenario.as_of - submitted).days)))
    claim = Milestone(ref="MNEW", trajectory=trajectory.ref, type=norm.milestone, date=day, submitted=submitted,
                      reviews=(ReviewDecision("approved", reviewed),))
    before = evaluate(scenario).contract(contract.code)
    after = evaluate(replace(scenario, milestones=(*scenario.milestones, claim))).contract(contract.code)
    assert after.totals.payable >= before.totals.payable
    for old, new in zip(before.cohorts, after.cohorts):
        assert new.numerator >= old.numerator
        if old.final and new.final:
            old_pay = sum((line.payable for line in before.lines if line.cohort == old.index), D(0))
            new_pay = sum((line.payable for line in after.lines if line.cohort == new.index), D(0))
            assert new_pay >= old_pay


@FAST
@given(scenarios())
def test_nothing_is_payable_before_any_trajectory_starts(scenario):
    if not scenario.trajectories:
        return
    as_of = min(t.start for t in scenario.trajectories) - timedelta(days=1)
    settlement = evaluate(scenario, as_of)
    assert all(result.lines == () and result.totals.payable == 0 and result.invoices == ()
               for result in settlement.contracts)
    assert all(cohort.trajectories == 0 for result in settlement.contracts for cohort in result.cohorts)


@FAST
@given(scenarios())
def test_a_dry_run_with_nothing_invoiced_gives_the_evaluation(scenario):
    for result in evaluate(scenario).contracts:
        run = issue_run(result, {})
        assert [(rl.milestone, rl.tranche, rl.status, rl.line_reason) for rl in run.lines] == \
            [(line.milestone, line.tranche, line.status, line.reason) for line in result.lines]
        assert [rl.amount or D(0) for rl in run.lines] == [line.payable for line in result.lines]
        assert all(rl.reason is None for rl in run.lines)
        assert [(d.municipality, d.subtotal, d.vat, d.total) for d in run.documents] == \
            [(i.municipality, i.subtotal, i.vat, i.total) for i in result.invoices]
        assert all(d.kind == "invoice" for d in run.documents)


@FAST
@given(scenarios())
def test_dump_then_parse_gives_the_same_scenario(scenario):
    dumped = json.loads(json.dumps(dump_scenario(scenario)))
    assert parse_scenario(dumped) == scenario


@FAST
@given(scenarios())
def test_reissuing_a_run_after_it_was_invoiced_has_nothing_to_pay(scenario):
    for result in evaluate(scenario).contracts:
        invoiced = {(line.milestone, line.tranche): Invoiced(amount=line.payable, municipality=line.municipality,
                                                             status=line.status) for line in result.lines}
        run = issue_run(result, invoiced)
        assert all(rl.amount is None for rl in run.lines) and run.documents == ()
