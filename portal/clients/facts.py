"""The client's facts on a date, read set-based: the one query helper other areas use (results, exports, lists).

A fact holds from its `valid_from` until a later fact of the same kind (for target groups: of
the same group) replaces it; a later-recorded row with the same date wins (a correction).
Every function takes many clients at once and runs one query per 5,000 of them.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..models import ClientFact

CHUNK = 5000
# Facts given without a date (at registration, or migrated from the one undated value) hold from here.
UNDATED = date(1900, 1, 1)


@dataclass
class ClientHistory:
    """One client's dated facts in recording order: (valid_from, id, kind, value, member)."""

    rows: list[tuple[date, int, str, str, bool]] = field(default_factory=list)

    def target_groups_on(self, on: date) -> frozenset[str]:
        state: dict[str, bool] = {}
        for valid_from, _id, kind, value, member in self.rows:
            if valid_from > on:
                break
            if kind == "target_group":
                state[value] = member
        return frozenset(g for g, member in state.items() if member)

    def value_on(self, kind: str, on: date) -> str | None:
        current = None
        for valid_from, _id, k, value, _member in self.rows:
            if valid_from > on:
                break
            if k == kind:
                current = value
        return current

    def benefit_on(self, on: date) -> str | None:
        return self.value_on("benefit", on)

    def periods(self, kind: str) -> list[tuple[str, date, date | None]]:
        """Return (value, from, until-exclusive or None) for a single-valued kind, oldest first."""
        rows = [(valid_from, value) for valid_from, _id, k, value, _m in self.rows if k == kind]
        # Same date twice: the later-recorded row is the one that holds.
        by_date: dict[date, str] = {}
        for valid_from, value in rows:
            by_date[valid_from] = value
        dates = sorted(by_date)
        return [(by_date[d], d, dates[i + 1] if i + 1 < len(dates) else None) for i, d in enumerate(dates)]


def load_histories(session: Session, client_ids: Iterable[int], kinds: tuple[str, ...] | None = None
                   ) -> dict[int, ClientHistory]:
    """Return every asked client's history (empty when it has no facts), in one query per chunk."""
    ids = sorted(set(client_ids))
    histories = {client_id: ClientHistory() for client_id in ids}
    for start in range(0, len(ids), CHUNK):
        query = (select(ClientFact.client_id, ClientFact.valid_from, ClientFact.id, ClientFact.kind,
                        ClientFact.value, ClientFact.member)
                 .where(ClientFact.client_id.in_(ids[start:start + CHUNK]))
                 .order_by(ClientFact.client_id, ClientFact.valid_from, ClientFact.id))
        if kinds is not None:
            query = query.where(ClientFact.kind.in_(kinds))
        for client_id, valid_from, id_, kind, value, member in session.execute(query):
            histories[client_id].rows.append((valid_from, id_, kind, value, member))
    return histories


def target_groups_on(session: Session, client_ids: Iterable[int], on: date) -> dict[int, frozenset[str]]:
    """Return each client's target groups on a date (an empty set when none holds)."""
    histories = load_histories(session, client_ids, ("target_group",))
    return {client_id: h.target_groups_on(on) for client_id, h in histories.items()}


def benefit_on(session: Session, client_ids: Iterable[int], on: date) -> dict[int, str | None]:
    """Return each client's benefit on a date ("none" once it ended; None when nothing is recorded yet)."""
    histories = load_histories(session, client_ids, ("benefit",))
    return {client_id: h.benefit_on(on) for client_id, h in histories.items()}


@dataclass(frozen=True)
class FactsOn:
    """A client's facts on one date."""

    target_groups: frozenset[str]
    benefit: str | None
    profile: str | None
    language_level: str | None


def facts_on(session: Session, dates: Mapping[int, date]) -> dict[int, FactsOn]:
    """Return each client's facts on its own date (e.g. a trajectory's start): {client_id: date} in, one query."""
    histories = load_histories(session, dates)
    result = {}
    for client_id, on in dates.items():
        h = histories[client_id]
        result[client_id] = FactsOn(h.target_groups_on(on), h.benefit_on(on), h.value_on("profile", on),
                                    h.value_on("language_level", on))
    return result


def facts_at(session: Session, items: Iterable[tuple[Hashable, int, date]]) -> dict[Hashable, FactsOn]:
    """Return the facts per key for (key, client_id, date) items, e.g. (trajectory_id, client_id, start): one query.

    Use it when one client has several trajectories with different dates.
    """
    items = list(items)
    histories = load_histories(session, (client_id for _key, client_id, _on in items))
    result = {}
    for key, client_id, on in items:
        h = histories[client_id]
        result[key] = FactsOn(h.target_groups_on(on), h.benefit_on(on), h.value_on("profile", on),
                              h.value_on("language_level", on))
    return result


def clients_in_target_group(target_group: str, on: date):
    """Return a subquery of the client ids in a target group on a date (for filters inside a larger query)."""
    ranked = (select(ClientFact.client_id, ClientFact.member,
                     func.row_number().over(partition_by=ClientFact.client_id,
                                            order_by=(ClientFact.valid_from.desc(), ClientFact.id.desc()))
                     .label("n"))
              .where(ClientFact.kind == "target_group", ClientFact.value == target_group,
                     ClientFact.valid_from <= on).subquery())
    return select(ranked.c.client_id).where(and_(ranked.c.n == 1, ranked.c.member))


def clients_with_benefit(benefit: str, on: date):
    """Return a subquery of the client ids whose benefit on a date is this one."""
    return clients_with_value("benefit", benefit, on)


def clients_with_profile(profile: str, on: date):
    """Return a subquery of the client ids whose client profile on a date is this one."""
    return clients_with_value("profile", profile, on)


def clients_with_value(kind: str, value: str, on: date):
    """Return a subquery of the client ids whose single-valued fact of this kind holds this value on a date."""
    ranked = (select(ClientFact.client_id, ClientFact.value,
                     func.row_number().over(partition_by=ClientFact.client_id,
                                            order_by=(ClientFact.valid_from.desc(), ClientFact.id.desc()))
                     .label("n"))
              .where(ClientFact.kind == kind, ClientFact.valid_from <= on).subquery())
    return select(ranked.c.client_id).where(ranked.c.n == 1, ranked.c.value == value)


__all__ = ["ClientHistory", "FactsOn", "UNDATED", "benefit_on", "clients_in_target_group", "clients_with_benefit",
           "clients_with_profile", "clients_with_value",
           "facts_at", "facts_on", "load_histories", "target_groups_on"]
