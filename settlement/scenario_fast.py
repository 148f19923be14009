"""Read a scenario file's bytes at the speed of decoding them, for the valid files that nearly all are.

msgspec decodes the three long lists (clients, trajectories, milestones) straight into
typed structs, checking types, required keys, unknown keys and dates in C; what is left
in Python is what JSON types cannot say (references, duplicates, the elfproef, the
allowed values). The first thing this fast path cannot vouch for makes `read_scenario`
return None, and the caller reads the file the ordinary way (`parse_scenario`), which
names every problem with its path. So a file this accepts gives the very Scenario that
`parse_scenario` would build, and a file it declines gets the same messages as before.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from ._speed import gc_paused
from .bsn import is_valid_bsn
from .contract_reader import CANONICAL_END_REASONS, CANONICAL_TYPES
from .model import Client, ClientFact, Milestone, Scenario, Trajectory
from .scenario_reader import _CANONICAL_REVIEWS, CLIENT_FACT_KINDS, _ScenarioParser
from .validation import ScenarioError


class _Fact(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    value: str
    valid_from: date
    member: bool | None = None


class _Client(msgspec.Struct, forbid_unknown_fields=True):
    ref: str
    bsn: str
    municipality: str | None = None
    target_group: str | None = None
    benefit: str | None = None
    facts: list[_Fact] | None = None


class _Trajectory(msgspec.Struct, forbid_unknown_fields=True):
    ref: str
    contract: str
    municipality: str
    start: date
    client: str | None = None
    end: date | None = None
    end_reason: str | None = None


class _Milestone(msgspec.Struct, forbid_unknown_fields=True):
    # A milestone with a `reviews` history is an unknown key here: such files take the ordinary way.
    ref: str
    trajectory: str
    type: str
    date: date
    submitted: date
    review: str | None = None
    reviewed: date | None = None


class _Document(msgspec.Struct, forbid_unknown_fields=True):
    # The short sections stay plain JSON values, read by the ordinary reader.
    format: Any
    as_of: Any
    consortium: Any
    municipalities: Any
    providers: Any
    contracts: Any
    trajectories: list[_Trajectory]
    milestones: list[_Milestone]
    clients: list[_Client] | None = None
    runs: Any = None


_DECODER = msgspec.json.Decoder(_Document)
_SECTIONS = tuple(_Document.__struct_fields__)


class _Declined(Exception):
    """Something the fast path cannot vouch for: read the file the ordinary way."""


def read_scenario(raw: bytes) -> Scenario | None:
    """Decode and validate a scenario file's bytes, or return None to have it read by parse_scenario."""
    with gc_paused():
        try:
            document = _DECODER.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
        root = {name: getattr(document, name) for name in _SECTIONS}
        del document
        try:
            return _StructParser().parse(root)
        except (_Declined, ScenarioError):
            return None


class _StructParser(_ScenarioParser):
    """The scenario parser with the long lists read from structs; any doubt declines."""

    def client_list(self, items: list[_Client]) -> list[Client]:
        result = []
        append = result.append
        seen, canonical, municipalities = self.clients, self.canonical, self.municipalities
        assert seen is not None
        make_client = Client
        for i, raw in enumerate(items):
            ref, municipality = raw.ref, raw.municipality
            if not (ref and not ref.isspace() and ref not in seen and is_valid_bsn(raw.bsn)
                    and (municipality is None or municipality in municipalities)):
                raise _Declined
            seen[ref] = i
            canonical.setdefault(ref, ref)
            facts = None if raw.facts is None else tuple(map(_fact, raw.facts))
            append(make_client(ref=ref, bsn=raw.bsn, municipality=municipality and canonical[municipality],
                               target_group=raw.target_group, benefit=raw.benefit, facts=facts))
        return result

    def trajectory_list(self, items: list[_Trajectory]) -> list[Trajectory]:
        result = []
        append = result.append
        contracts, municipalities, clients = self.contracts, self.municipalities, self.clients
        canonical, seen = self.canonical, self.trajectories
        make_trajectory = Trajectory._make
        for i, raw in enumerate(items):
            ref, contract, municipality, client, end_reason = (raw.ref, raw.contract, raw.municipality, raw.client,
                                                               raw.end_reason)
            if not (
                ref and not ref.isspace() and ref not in seen
                and contract in contracts and municipality in municipalities
                and (client is None or (client and not client.isspace() and (clients is None or client in clients)))
                and (end_reason is None or (end_reason := CANONICAL_END_REASONS.get(end_reason)))
            ):
                raise _Declined
            seen[ref] = i
            canonical[ref] = ref
            append(make_trajectory(ref, canonical[contract], canonical[municipality], raw.start, client, raw.end,
                                   end_reason))
        return result

    def milestone_list(self, items: list[_Milestone]) -> list[Milestone]:
        result = []
        append = result.append
        trajectories, canonical, seen = self.trajectories, self.canonical, self.milestones
        reviews = _CANONICAL_REVIEWS
        one_decision = self.one_decision
        make_milestone = Milestone._make
        for i, raw in enumerate(items):
            ref, trajectory, review = raw.ref, raw.trajectory, raw.review
            if not (
                ref and not ref.isspace() and ref not in seen and trajectory in trajectories
                and (kind := CANONICAL_TYPES.get(raw.type)) is not None
                and (review is None or (review := reviews.get(review)))
            ):
                raise _Declined
            seen[ref] = i
            append(make_milestone(ref, canonical[trajectory], kind, raw.date, raw.submitted,
                                  one_decision(review, raw.reviewed)))
        return result


def _fact(raw: _Fact) -> ClientFact:
    kind, value, member = raw.kind, raw.value, raw.member
    if kind not in CLIENT_FACT_KINDS or not value or value.isspace() or (member is False and kind != "target_group"):
        raise _Declined
    return ClientFact(kind=kind, value=value, valid_from=raw.valid_from, member=True if member is None else member)
