"""Import a `reintegratie-scenario/1` document into the portal's database: all or nothing.

The document is validated by the engine's own parser first; then every conflict with
what the database already holds is collected, and only a clean scenario is written.
Consortium, municipalities and providers that already exist with the same code are
reused; contracts, clients, trajectories and milestones must be new.
"""
from __future__ import annotations

from dataclasses import dataclass

import settlement
from settlement.reviews import STATUS_OF
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from .. import models as m
from ..audit import record
from ..clients.scenario import fact_problems
from ..contracts.terms import record_first_version
from ..models.enums import BENEFITS, TARGET_GROUPS
from ..models.history import CLAIM_FIELDS, TRAJECTORY_FIELDS
from .bulk import (Progress, chunks, client_hashes, existing, insert_clients, insert_first_versions,
                   insert_returning_ids, insert_rows)


class ImportRefused(Exception):
    """The scenario conflicts with the database; `problems` lists (path, message)."""

    def __init__(self, problems: list[settlement.Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportSummary:
    contracts: int
    clients: int
    trajectories: int
    milestones: int


def import_scenario(session: Session, scenario: settlement.Scenario, actor: m.User | None = None,
                    progress: Progress | None = None) -> ImportSummary:
    """Write a parsed scenario into the database (flushes, never commits); raise ImportRefused on conflicts.

    Set-based: every look-up takes its keys in chunks and every kind of row goes in with one
    executemany per chunk; `progress(what, done, total)` hears about each chunk.
    """
    progress = progress or _quiet
    hashes = client_hashes(scenario.clients or ())
    _check_conflicts(session, scenario, hashes)
    consortium = _consortium(session, scenario.consortium)
    municipalities = {mu.code: _municipality(session, consortium, mu) for mu in scenario.municipalities}
    providers = {p.code: _provider(session, p) for p in scenario.providers}
    session.flush()
    contracts = {c.code: _contract(session, consortium, providers, municipalities, c, actor)
                 for c in scenario.contracts}
    municipality_ids = {code: row.id for code, row in municipalities.items()}
    clients = insert_clients(session, scenario.clients or (), hashes, municipality_ids,
                             next(iter(municipality_ids.values()), None), actor, progress)
    trajectories = _insert_trajectories(session, scenario.trajectories, contracts, clients, municipality_ids, progress)
    _insert_milestones(session, scenario.milestones, trajectories, progress)
    summary = ImportSummary(len(contracts), len(clients), len(trajectories), len(scenario.milestones))
    record(session, actor, "scenario.imported", "consortium", consortium.id,
           after={"contracts": sorted(contracts), "clients": summary.clients, "trajectories": summary.trajectories,
                  "milestones": summary.milestones})
    session.flush()
    return summary


def _quiet(what: str, done: int, total: int) -> None:
    pass


def _insert_trajectories(session: Session, trajectories, contracts: dict[str, m.Contract], clients: dict[str, int],
                         municipality_ids: dict[str, int], progress: Progress) -> dict[str, int]:
    contract_facts = {code: (c.id, c.provider_id, c.segment) for code, c in contracts.items()}
    ids: dict[str, int] = {}
    done = 0
    for part in chunks(trajectories):
        rows = []
        for t in part:
            contract_id, provider_id, segment = contract_facts[t.contract]
            ended = t.end is not None and t.end_reason is not None
            rows.append(dict(ref=t.ref, contract_id=contract_id, provider_id=provider_id, segment=segment,
                             client_id=clients.get(t.client), municipality_id=municipality_ids[t.municipality],
                             status="ended" if ended else "active", referred_on=t.start, start=t.start, end=t.end,
                             end_reason=t.end_reason, plan_status="none"))
        new_ids = insert_returning_ids(session, m.Trajectory, rows)
        ids.update(zip((t.ref for t in part), new_ids))
        insert_first_versions(session, "trajectory_id", TRAJECTORY_FIELDS, rows, new_ids)
        done += len(part)
        progress("trajectories", done, len(trajectories))
    return ids


def _insert_milestones(session: Session, milestones, trajectories: dict[str, int], progress: Progress) -> None:
    now = clock.now()
    done = 0
    for part in chunks(milestones):
        rows = []
        for ms in part:
            # Every decision of the history becomes a review row; the claim shows the last one.
            last = ms.reviews[-1] if ms.reviews else None
            rows.append(dict(ref=ms.ref, trajectory_id=trajectories[ms.trajectory], type=ms.type, date=ms.date,
                             submitted=ms.submitted, review="pending" if last is None else STATUS_OF[last.decision],
                             reviewed=None if last is None else last.date))
        claim_ids = insert_returning_ids(session, m.MilestoneClaim, rows)
        insert_first_versions(session, "claim_id", CLAIM_FIELDS, rows, claim_ids)
        insert_rows(session, m.Review, [dict(claim_id=claim_id, decision=d.decision, decided_on=d.date, decided_at=now,
                                             reason_text="Overgenomen uit import")
                                        for ms, claim_id in zip(part, claim_ids) for d in ms.reviews])
        done += len(part)
        progress("milestones", done, len(milestones))


def _check_conflicts(session: Session, scenario: settlement.Scenario, hashes: list[str]) -> None:
    problems = []
    consortium = session.scalar(select(m.Consortium).where(m.Consortium.code == scenario.consortium.code))
    taken = {row.cbs_code: row.consortium_id for row in session.execute(
        select(m.Municipality.cbs_code, m.Municipality.consortium_id)
        .where(m.Municipality.cbs_code.in_([mu.code for mu in scenario.municipalities])))}
    for i, mu in enumerate(scenario.municipalities):
        if mu.code in taken and (consortium is None or taken[mu.code] != consortium.id):
            problems.append(settlement.Problem(f"municipalities[{i}].code",
                                               f"municipality {mu.code} belongs to another consortium"))
    taken = existing(session, m.Contract.code, [c.code for c in scenario.contracts])
    problems += [settlement.Problem(f"contracts[{i}].code", f"contract {c.code} already exists")
                 for i, c in enumerate(scenario.contracts) if c.code in taken]
    taken = existing(session, m.Trajectory.ref, [t.ref for t in scenario.trajectories])
    problems += [settlement.Problem(f"trajectories[{i}].ref", f"trajectory {t.ref} already exists")
                 for i, t in enumerate(scenario.trajectories) if t.ref in taken]
    taken = existing(session, m.MilestoneClaim.ref, [ms.ref for ms in scenario.milestones])
    problems += [settlement.Problem(f"milestones[{i}].ref", f"milestone {ms.ref} already exists")
                 for i, ms in enumerate(scenario.milestones) if ms.ref in taken]
    problems += _client_problems(session, scenario.clients or (), hashes)
    segments = {c.code: c.segment for c in scenario.contracts}
    open_per_client: dict[tuple[str, str], str] = {}
    for i, t in enumerate(scenario.trajectories):
        if t.client is None or (t.end is not None and t.end_reason is not None):
            continue
        key = (t.client, segments[t.contract])
        if key in open_per_client:
            problems.append(settlement.Problem(
                f"trajectories[{i}].client", f"client {t.client} already has an open trajectory "
                f"({open_per_client[key]}) in segment {key[1]}"))
        open_per_client[key] = t.ref
    if problems:
        raise ImportRefused(problems)


def _client_problems(session: Session, clients, hashes: list[str]) -> list[settlement.Problem]:
    """Name every client that is already registered (by BSN or ref), given twice in the file, or has unknown values."""
    problems = []
    registered = existing(session, m.Client.bsn_hash, hashes)
    taken_refs = existing(session, m.Client.ref, [c.ref for c in clients])
    profiles = set(session.scalars(select(m.ClientProfile.code)))
    first_with: dict[str, int] = {}
    for i, (c, bsn_key) in enumerate(zip(clients, hashes)):
        if bsn_key in registered:
            problems.append(settlement.Problem(f"clients[{i}].bsn", "a client with this BSN already exists"))
        elif bsn_key in first_with:
            # The BSN itself is personal data: name where it was given first, not the number.
            problems.append(settlement.Problem(f"clients[{i}].bsn",
                                               f"the same BSN as clients[{first_with[bsn_key]}]"))
        else:
            first_with[bsn_key] = i
        if c.ref in taken_refs:
            problems.append(settlement.Problem(f"clients[{i}].ref", f"client {c.ref} already exists"))
        if c.target_group is not None and c.target_group not in TARGET_GROUPS:
            problems.append(settlement.Problem(f"clients[{i}].target_group",
                                               f"unknown target group {c.target_group!r} "
                                               f"(one of {', '.join(TARGET_GROUPS)})"))
        if c.benefit is not None and c.benefit not in BENEFITS:
            problems.append(settlement.Problem(f"clients[{i}].benefit",
                                               f"unknown benefit {c.benefit!r} (one of {', '.join(BENEFITS)})"))
        problems += fact_problems(session, c.facts, f"clients[{i}].facts", profiles=profiles)
    return problems


def _consortium(session: Session, c: settlement.Consortium) -> m.Consortium:
    row = session.scalar(select(m.Consortium).where(m.Consortium.code == c.code))
    if row is None:
        row = m.Consortium(code=c.code, name=c.name, lead_municipality_code=c.lead_municipality)
        session.add(row)
        session.flush()
    return row


def _municipality(session: Session, consortium: m.Consortium, mu: settlement.Municipality) -> m.Municipality:
    row = session.scalar(select(m.Municipality).where(m.Municipality.cbs_code == mu.code))
    if row is None:
        row = m.Municipality(consortium_id=consortium.id, cbs_code=mu.code, name=mu.name)
        session.add(row)
    return row


def _provider(session: Session, p: settlement.Provider) -> m.Provider:
    row = session.scalar(select(m.Provider).where(m.Provider.code == p.code))
    if row is None:
        row = m.Provider(code=p.code, name=p.name, kvk=p.kvk, vat_id=p.vat_id, iban=p.iban)
        session.add(row)
    return row


def _contract(session: Session, consortium, providers, municipalities, c: settlement.Contract, actor) -> m.Contract:
    row = m.Contract(code=c.code, consortium_id=consortium.id, provider_id=providers[c.provider].id,
                     segment=c.segment, start=c.start, end=c.end, price=c.price, vat_rate=c.vat_rate,
                     max_trajectories=c.max_trajectories, submission_deadline_days=c.submission_deadline_days)
    row.tranches = [m.Tranche(position=i, code=t.code, milestone_type=t.milestone, share=t.share, amount=t.amount,
                              result=t.result) for i, t in enumerate(c.tranches)]
    if c.norm is not None:
        row.norm_milestone, row.norm_rate = c.norm.milestone, c.norm.rate
        row.norm_measurement_months, row.norm_window_months = c.norm.measurement_months, c.norm.window_months
        row.staffel = [m.StaffelStep(min_ratio=s.min_ratio, pay=s.pay) for s in c.norm.staffel]
        row.excluded_end_reasons = [m.ExcludedEndReason(end_reason=r) for r in dict.fromkeys(
            c.norm.excluded_end_reasons)]
    row.funding = [m.FundingShare(position=i, source=f.source, share=f.share) for i, f in enumerate(c.funding)]
    row.municipality_caps = [m.MunicipalityCap(municipality_id=municipalities[code].id, cap=cap)
                             for code, cap in (c.municipality_caps or {}).items()]
    session.add(row)
    session.flush()
    record(session, actor, "contract.created", "contract", row.id, after={"code": row.code, "source": "import"})
    record_first_version(session, row, actor)  # a new contract is version 1 of its terms
    return row
