"""The results cache: a cached figure is served, and after any change to a contract's facts never a stale one."""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
import settlement
from sqlalchemy import select, text

from portal.clients.service import record_fact
from portal.contracts.amendments import approve_amendment, propose_amendment
from portal.contracts.terms import parse_terms, snapshot_of
from portal.models import ContractDataVersion, MilestoneClaim, ResultsCache, Trajectory
from portal.results.dashboard import bureau_figures
from portal.results.document import results_document
from portal.results.filters import parse_filters
from portal.results.service import compute_results, counts_by, load_contracts, results_for
from portal.review.service import approve_claim
from portal.trajectories.service import end_trajectory

from ... import factories as f
from .conftest import AS_OF, as_if_committed, login

PEILDATUM = AS_OF.strftime("%d-%m-%Y")


@pytest.fixture
def evaluations(monkeypatch):
    """Count the engine's evaluations, per contract code."""
    counted: list[str] = []
    evaluate = settlement.evaluate_contract

    def counting(contract, *args, **kwargs):
        counted.append(contract.code)
        return evaluate(contract, *args, **kwargs)

    monkeypatch.setattr(settlement, "evaluate_contract", counting)
    return counted


def read(db, segment):
    """Both contracts' results as of AS_OF, by contract code, as the pages read them."""
    contracts = load_contracts(db, [segment.contract_a.id, segment.contract_b.id])
    return {r.contract.code: r for r in results_for(db, contracts, AS_OF)}


def version(db, contract) -> int:
    return db.scalar(select(ContractDataVersion.version).where(ContractDataVersion.contract_id == contract.id)) or 0


def test_a_cached_figure_is_served_and_equals_the_engines(db, segment, evaluations):
    first = read(db, segment)
    assert sorted(evaluations) == sorted([segment.contract_a.code, segment.contract_b.code])
    evaluations.clear()
    second = read(db, segment)
    assert evaluations == []  # both from the cache
    fresh = {r.contract.code: r for r in compute_results(db, load_contracts(db), AS_OF)}
    filters = parse_filters({"peildatum": PEILDATUM})
    for code, cached in second.items():
        assert results_document(cached) == results_document(first[code]) == results_document(fresh[code])
        for name in ("as_of", "cohorts", "forecasts", "by_municipality", "members", "rows", "approved", "money",
                     "refused"):
            assert getattr(cached, name) == getattr(fresh[code], name), name
        ours, engine = bureau_figures(cached, filters), bureau_figures(fresh[code], filters)
        assert (ours.counted, ours.outcomes, ours.earned, ours.pending, ours.placements) == (
            engine.counted, engine.outcomes, engine.earned, engine.pending, engine.placements)
    assert second[segment.contract_a.code].cohorts[0].numerator == 3
    # A page that reads cohorts only leaves the per-trajectory detail undecoded until it is used.
    contracts = load_contracts(db, [segment.contract_a.id])
    evaluations.clear()
    summary_only = results_for(db, contracts, AS_OF, detail=False)[0]
    assert summary_only._detail is None and evaluations == []
    assert summary_only.rows == fresh[segment.contract_a.code].rows and evaluations == []


def _new_claim(db, segment, users):
    trajectory = db.scalars(select(Trajectory).where(Trajectory.contract_id == segment.contract_a.id)
                            .order_by(Trajectory.id)).all()[5]
    f.create_claim(db, trajectory, "placement", happened=date(2026, 5, 1), submitted=date(2026, 5, 5))
    return lambda r: r.cohorts[0].awaiting_review == 1


def _review_decision(db, segment, users):
    approve_claim(db, users["reviewer"], db.get(MilestoneClaim, users["pending_claim"]), decided_on=date(2026, 5, 8))
    return lambda r: (r.cohorts[0].numerator, r.cohorts[0].awaiting_review) == (4, 0)


def _trajectory_end(db, segment, users):
    trajectory = db.scalars(select(Trajectory).where(Trajectory.contract_id == segment.contract_a.id)
                            .order_by(Trajectory.id)).all()[4]  # in Alkmaar, no result yet
    end_trajectory(db, users["klantmanager_alkmaar"], trajectory, end=date(2026, 6, 1), reason="dropout")
    return lambda r: r.forecasts[0].can_deliver == 6


def _amendment(db, segment, users):
    contract = segment.contract_a
    terms = parse_terms(snapshot_of(contract))
    terms = dataclasses.replace(terms, norm=dataclasses.replace(terms.norm, rate=Decimal("50")))
    version_ = propose_amendment(db, f.create_user(db, "admin"), contract, terms, "Hogere norm")
    approve_amendment(db, f.create_user(db, "finance"), version_)
    return lambda r: r.cohorts[0].norm == Decimal("50") and r.forecasts[0].needed == 2


def _target_group(db, segment, users):
    trajectory = db.scalars(select(Trajectory).where(Trajectory.contract_id == segment.contract_a.id)
                            .order_by(Trajectory.id)).first()
    record_fact(db, users["klantmanager_alkmaar"], trajectory.client, kind="target_group", value="jongere",
                valid_from=date(2026, 1, 1), today=AS_OF)
    return lambda r: counts_by(r).get("jongere") is not None and counts_by(r)["jongere"].referred == 1


CHANGES = {"new claim": _new_claim, "review decision": _review_decision, "trajectory end": _trajectory_end,
           "contract amendment": _amendment, "client target group": _target_group}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_after_a_change_the_next_read_recomputes_and_never_shows_a_stale_number(db, segment, evaluations, change):
    users = dict(segment.users, klantmanager_alkmaar=f.create_user(db, "klantmanager", municipality=segment.alkmaar))
    trajectories = db.scalars(select(Trajectory).where(Trajectory.contract_id == segment.contract_a.id)
                              .order_by(Trajectory.id)).all()
    if change is _review_decision:  # a claim awaiting review, before the cache is filled
        users["pending_claim"] = f.create_claim(db, trajectories[6], "placement", happened=date(2026, 5, 1),
                                                submitted=date(2026, 5, 5)).id
    as_if_committed(db)
    before = read(db, segment)
    holds = change(db, segment, users)
    assert not holds(before[segment.contract_a.code])  # the change does change the figure
    evaluations.clear()
    after = read(db, segment)  # in the changing transaction itself
    assert evaluations == [segment.contract_a.code]  # recomputed; the other contract still from the cache
    assert holds(after[segment.contract_a.code])
    as_if_committed(db)
    evaluations.clear()
    assert holds(read(db, segment)[segment.contract_a.code])  # the next transaction (recomputes on PostgreSQL)
    evaluations.clear()
    assert holds(read(db, segment)[segment.contract_a.code]) and evaluations == []  # the new figure is cached


def test_the_database_bumps_the_version_of_the_contract_a_row_feeds_only(db, segment):
    a, b = segment.contract_a, segment.contract_b

    def changed(statement: str, **params) -> tuple[bool, bool]:
        before = version(db, a), version(db, b)
        db.execute(text(statement), params)
        after = version(db, a), version(db, b)
        as_if_committed(db)
        return after[0] > before[0], after[1] > before[1]

    # Claims are never deleted (their review history and fact versions are append-only): an update.
    claim = db.scalars(select(MilestoneClaim).join(Trajectory).where(Trajectory.contract_id == a.id)).first()
    assert changed("UPDATE milestone_claim SET submitted = submitted WHERE id = :id", id=claim.id) == (True, False)
    trajectory = db.scalars(select(Trajectory).where(Trajectory.contract_id == b.id)).first()
    # Moving a trajectory to another contract changes both.
    assert changed("UPDATE trajectory SET contract_id = :a WHERE id = :id", a=a.id, id=trajectory.id) == (True, True)
    assert changed("UPDATE tranche SET share = share WHERE contract_id = :b", b=b.id) == (False, True)
    assert changed("UPDATE client_fact SET valid_from = valid_from WHERE client_id = :c",
                   c=trajectory.client_id) == (True, False)  # the client's trajectory is now contract a's
    assert changed("UPDATE municipality_budget SET amount = amount") == (False, False)  # feeds no cohort


def test_two_changes_in_one_transaction_never_leave_a_stale_figure(db, segment, evaluations):
    trajectories = db.scalars(select(Trajectory).where(Trajectory.contract_id == segment.contract_a.id)
                              .order_by(Trajectory.id)).all()
    read(db, segment)
    for n, trajectory in enumerate(trajectories[3:5], start=4):
        f.create_claim(db, trajectory, "placement", happened=date(2026, 5, 1), submitted=date(2026, 5, 5),
                       review="approved", reviewed=date(2026, 5, 8))
        assert read(db, segment)[segment.contract_a.code].cohorts[0].numerator == n
    as_if_committed(db)
    assert read(db, segment)[segment.contract_a.code].cohorts[0].numerator == 5


def test_pages_keep_the_cache_and_show_a_new_figure_at_once(app, db, segment, evaluations):
    client = app.test_client()
    login(client, segment.users["reviewer"])
    url = f"/resultaten?segment=directe_bemiddeling&peildatum={PEILDATUM}"
    assert "3 / 10" in client.get(url).get_data(as_text=True)
    assert db.scalar(select(ResultsCache.version).where(ResultsCache.contract_id == segment.contract_a.id,
                                                        ResultsCache.as_of == AS_OF)) is not None
    evaluations.clear()
    assert "3 / 10" in client.get(url).get_data(as_text=True)
    assert evaluations == []
    trajectory = db.scalars(select(Trajectory).where(Trajectory.contract_id == segment.contract_a.id)
                            .order_by(Trajectory.id)).all()[5]
    f.create_claim(db, trajectory, "placement", happened=date(2026, 5, 1), submitted=date(2026, 5, 5),
                   review="approved", reviewed=date(2026, 5, 8))
    db.commit()
    as_if_committed(db)
    page = client.get(url).get_data(as_text=True)
    assert "4 / 10" in page and "3 / 10" not in page
    assert evaluations == [segment.contract_a.code]


def test_rows_not_recomputed_for_a_month_are_dropped_when_the_contract_is_next_stored(db, segment):
    from datetime import timedelta
    from portal import clock
    old = ResultsCache(contract_id=segment.contract_a.id, as_of=date(2026, 1, 1), version=0,
                       computed_at=clock.now() - timedelta(days=31), payload={}, detail="{}")
    db.add(old)
    db.flush()
    read(db, segment)
    assert db.scalars(select(ResultsCache.as_of).where(ResultsCache.contract_id == segment.contract_a.id)).all() == [AS_OF]


def test_a_detail_replaced_after_the_summary_was_read_is_computed_afresh(db, segment, evaluations):
    read(db, segment)
    as_if_committed(db)
    summary_only = results_for(db, load_contracts(db, [segment.contract_a.id]), AS_OF, detail=False)[0]
    # Another request stores this date under another version between the two reads.
    db.execute(text("UPDATE results_cache SET version = version + 100, detail = '{}' WHERE contract_id = :id"),
               {"id": segment.contract_a.id})
    evaluations.clear()
    assert len(summary_only.rows) == 10 and evaluations == [segment.contract_a.code]


def test_group_rows_count_in_one_pass_what_bureau_figures_counts_per_group(db, segment):
    from dataclasses import replace
    from portal.models.enums import BENEFITS, TARGET_GROUPS
    from portal.results.dashboard import dashboard, group_rows
    trajectory = db.scalars(select(Trajectory).where(Trajectory.contract_id == segment.contract_a.id)
                            .order_by(Trajectory.id)).first()
    record_fact(db, f.create_user(db, "klantmanager", municipality=segment.alkmaar), trajectory.client,
                kind="target_group", value="jongere", valid_from=date(2026, 1, 1), today=AS_OF)
    for args in ({"peildatum": PEILDATUM}, {"peildatum": PEILDATUM, "gemeente": str(segment.alkmaar.id)},
                 {"peildatum": PEILDATUM, "doelgroep": "jongere"}):
        filters = parse_filters(args)
        for segment_figures in dashboard(db, filters):
            for key, values in (("target_group", TARGET_GROUPS), ("benefit", BENEFITS)):
                expected = []
                for value in values:
                    narrowed = [bureau_figures(b.results, replace(filters, **{key: value}))
                                for b in segment_figures.bureaus]
                    expected.append((value, sum(b.referred for b in narrowed), sum(b.accepted for b in narrowed),
                                     sum(b.counted for b in narrowed), sum(b.outcomes for b in narrowed)))
                got = [(r.group, r.referred, r.accepted, r.counted, r.outcomes)
                       for r in group_rows(segment_figures, filters, key)]
                assert got == expected
                assert sum(r[1] for r in got) > 0 or args.get("doelgroep")
