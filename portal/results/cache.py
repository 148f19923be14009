"""Serve a contract's results from `results_cache` while the contract's data version still holds.

The database keeps `contract_data_version` itself (triggers of migration 0009 on every table
that feeds a contract's cohorts or lines); nothing here or elsewhere writes it. A cached row is
used only when its version equals the contract's current version, read in the same transaction
before anything is computed, so a change to any fact makes its figures stale at once: a figure
computed from newer facts may carry an older version (and is recomputed next time), never the
other way round. Misses are computed, then upserted (INSERT ... ON CONFLICT, so concurrent
requests never fail) in the request's transaction; `commit_after_get` commits them after a
successful GET.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import clock
from .. import models as m
from . import payload
from .service import ContractResults, compute_results

WRITTEN = "results_cache_written"
KEEP = timedelta(days=30)
BUMPED = "portal.data_version_bumped_c"  # the triggers' transaction-local mark (migration 0009)


def data_versions(session: Session, contract_ids: list[int]) -> dict[int, int]:
    """Contract id -> its current data version (0 until a fact of it first changes)."""
    rows = session.execute(select(m.ContractDataVersion.contract_id, m.ContractDataVersion.version)
                           .where(m.ContractDataVersion.contract_id.in_(contract_ids))).all()
    found = dict(rows)
    return {cid: found.get(cid, 0) for cid in contract_ids}


def cached_results(session: Session, contracts: list[m.Contract], as_of: date,
                   detail: bool = True) -> list[ContractResults]:
    """Return each contract's results (in the given order): cached when current, otherwise computed and stored.

    detail=False reads only the cached summary (cohorts, forecasts); the per-trajectory detail is
    then read when first used.
    """
    if not contracts:
        return []
    ids = [c.id for c in contracts]
    version = func.coalesce(m.ContractDataVersion.version, 0)
    columns = [m.ResultsCache.contract_id, m.ResultsCache.version, m.ResultsCache.payload]
    if detail:
        columns.append(m.ResultsCache.detail)
    # One statement reads the current versions and the cached rows that still match them.
    rows = session.execute(
        select(*columns)
        .outerjoin(m.ContractDataVersion, m.ContractDataVersion.contract_id == m.ResultsCache.contract_id)
        .where(m.ResultsCache.contract_id.in_(ids), m.ResultsCache.as_of == as_of,
               m.ResultsCache.version == version)).all()
    hits = {row[0]: row for row in rows if row[2].get("format") == payload.FORMAT}
    missing = [c for c in contracts if c.id not in hits]
    computed: dict[int, ContractResults] = {}
    if missing:
        versions = data_versions(session, [c.id for c in missing])  # read before the facts are
        for results in compute_results(session, missing, as_of):
            computed[results.contract.id] = results
        _store(session, as_of, [(versions[cid], r) for cid, r in computed.items()])
    found = []
    for contract in contracts:
        if contract.id in computed:
            found.append(computed[contract.id])
            continue
        row = hits[contract.id]
        loader = (lambda text_=row[3]: payload.load_detail(text_)) if detail else _detail_loader(
            session, contract, as_of, row[1])
        found.append(ContractResults(contract, as_of, **payload.load_summary(row[2]), load_detail=loader))
    return found


def _detail_loader(session: Session, contract: m.Contract, as_of: date, version: int):
    def load() -> dict:
        text_ = session.scalar(select(m.ResultsCache.detail).where(
            m.ResultsCache.contract_id == contract.id, m.ResultsCache.as_of == as_of,
            m.ResultsCache.version == version))
        if text_ is None:  # replaced by another request since: compute it afresh
            return compute_results(session, [contract], as_of)[0].detail
        return payload.load_detail(text_)
    return load


def bumped_here(session: Session, contract_ids: list[int]) -> set[int]:
    """The contracts whose data version this transaction has already bumped (PostgreSQL; SQLite: none).

    PostgreSQL's triggers bump a contract once per transaction, so a figure this transaction computes
    after its own change could carry the same version as one after a further change: never store it.
    SQLite's triggers bump on every row, so there every stored version is exact.
    """
    if session.get_bind().dialect.name != "postgresql" or not contract_ids:
        return set()
    return set(session.scalars(text(
        "SELECT x FROM unnest(CAST(:ids AS integer[])) AS x WHERE current_setting(:prefix || x, true) = '1'"),
        {"ids": contract_ids, "prefix": BUMPED}))


def _store(session: Session, as_of: date, entries: list[tuple[int, ContractResults]]) -> None:
    dialect = session.get_bind().dialect.name
    skip = bumped_here(session, [r.contract.id for _v, r in entries])
    entries = [(v, r) for v, r in entries if r.contract.id not in skip]
    if not entries:
        return
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = clock.now()
    values = []
    for version, results in entries:
        summary, detail = payload.dump(results)
        values.append({"contract_id": results.contract.id, "as_of": as_of, "version": version, "computed_at": now,
                       "payload": summary, "detail": detail})
    statement = insert(m.ResultsCache).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["contract_id", "as_of"],
        set_={"version": statement.excluded.version, "computed_at": statement.excluded.computed_at,
              "payload": statement.excluded.payload, "detail": statement.excluded.detail})
    session.execute(statement)
    # Every date anyone looks at adds a row per contract: rows not recomputed for a while are dropped.
    session.execute(delete(m.ResultsCache).where(
        m.ResultsCache.contract_id.in_([r.contract.id for _v, r in entries]),
        m.ResultsCache.computed_at < now - KEEP))
    session.info[WRITTEN] = True


def commit_after_get(session: Session, method: str, status_code: int) -> None:
    """After a successful GET that filled the cache, commit it (a GET's transaction is otherwise rolled back)."""
    if session.info.pop(WRITTEN, False) and method in ("GET", "HEAD") and status_code < 400:
        session.commit()
