"""Read `reintegratie-scenario/1` documents (`scenario_writer` writes them).

`parse_scenario` checks everything `scenario-format.md` calls invalid and raises one
ScenarioError that lists every problem with its JSON path; nothing is half-parsed.
"""
from __future__ import annotations

from typing import Any

from ._speed import gc_paused
from .bsn import is_valid_bsn
from .contract_reader import CANONICAL_END_REASONS as _CANONICAL_END_REASONS
from .contract_reader import CANONICAL_TYPES as _CANONICAL_TYPES
from .contract_reader import ContractReader
from .glossary import DECISIONS, END_REASONS, MILESTONE_TYPES, REVIEWS, SCENARIO_FORMAT, Decision
from .model import Client, ClientFact, Consortium, Milestone, Municipality, Provider, ReviewDecision, Scenario, Trajectory
from .validation import ScenarioError, describe, join

TOP_REQUIRED = ("format", "as_of", "consortium", "municipalities", "providers", "contracts", "trajectories",
                "milestones")
TOP_OPTIONAL = ("clients", "runs")
CONSORTIUM_REQUIRED = ("code", "name")
CONSORTIUM_OPTIONAL = ("lead_municipality",)
MUNICIPALITY_REQUIRED = ("code", "name")
PROVIDER_REQUIRED = ("code", "name")
PROVIDER_OPTIONAL = ("kvk", "vat_id", "iban")
CLIENT_REQUIRED = ("ref", "bsn")
CLIENT_OPTIONAL = ("municipality", "target_group", "benefit", "facts")
CLIENT_FACT_REQUIRED = ("kind", "value", "valid_from")
CLIENT_FACT_OPTIONAL = ("member",)
CLIENT_FACT_KINDS = ("target_group", "benefit", "profile", "language_level")
TRAJECTORY_REQUIRED = ("ref", "contract", "municipality", "start")
TRAJECTORY_OPTIONAL = ("client", "end", "end_reason")
MILESTONE_REQUIRED = ("ref", "trajectory", "type", "date", "submitted")
MILESTONE_OPTIONAL = ("review", "reviewed", "reviews")
DECISION_REQUIRED = ("decision", "date")

# Canonical strings, shared by every milestone (see contract_reader.CANONICAL_TYPES).
_CANONICAL_REVIEWS = {value: value for value in REVIEWS}
_CANONICAL_DECISIONS = {value: value for value in DECISIONS}
_APPROVED, _REVOKED = Decision.APPROVED.value, Decision.REVOKED.value

_TRAJECTORY_KEYS = frozenset(TRAJECTORY_REQUIRED + TRAJECTORY_OPTIONAL)
_TRAJECTORY_REQUIRED = frozenset(TRAJECTORY_REQUIRED)
# The fast path reads the review/reviewed pair; a milestone with `reviews` takes the long way.
_MILESTONE_KEYS = frozenset(MILESTONE_REQUIRED + ("review", "reviewed"))
_MILESTONE_REQUIRED = frozenset(MILESTONE_REQUIRED)


def parse_scenario(data: Any) -> Scenario:
    """Validate a parsed scenario document and build the Scenario, or raise ScenarioError."""
    with gc_paused():  # hundreds of thousands of new objects, none in a cycle
        return _ScenarioParser().parse(data)


class _ScenarioParser(ContractReader):
    def __init__(self) -> None:
        super().__init__()
        # code/ref -> path of its first definition, per kind (for duplicates and references)
        self.municipalities: dict[str, str] = {}
        self.providers: dict[str, str] = {}
        self.contracts: dict[str, str] = {}
        self.clients: dict[str, str] | None = None
        # (the fast paths record a trajectory's or milestone's index instead of its path)
        self.trajectories: dict[str, str | int] = {}
        self.milestones: dict[str, str | int] = {}
        # code/ref -> the one string object that stands for it in the built scenario
        # (see _CANONICAL_TYPES for why sharing matters).
        self.canonical: dict[str, str] = {}
        # (review, reviewed) -> its one-decision history, shared (decisions are frozen).
        self.histories: dict[tuple[str | None, object], tuple[ReviewDecision, ...]] = {}

    # -- the document ------------------------------------------------------------

    def parse(self, data: Any) -> Scenario:
        root = self.object(data, "", TOP_REQUIRED, TOP_OPTIONAL)
        if root is None:
            raise ScenarioError(self.problems)
        fmt = root.get("format")
        if fmt is not None and fmt != SCENARIO_FORMAT:
            self.problem("format", f"expected {SCENARIO_FORMAT!r}, got {fmt!r}")
        as_of = self.date(root, "as_of", "")

        # Definitions first, so that references can be checked whatever the key order.
        municipalities = [self.municipality(raw, join("municipalities", i))
                          for i, raw in enumerate(self.items(root, "municipalities", ""))]
        providers = [self.provider(raw, join("providers", i))
                     for i, raw in enumerate(self.items(root, "providers", ""))]
        consortium = self.consortium(root.get("consortium"), "consortium")
        contracts = [self.contract(raw, join("contracts", i))
                     for i, raw in enumerate(self.items(root, "contracts", ""))]
        clients = None
        raw_clients = self.array(root, "clients", "")
        if raw_clients is not None:
            self.clients = {}
            clients = self.client_list(raw_clients)
        trajectories = self.trajectory_list(self.items(root, "trajectories", ""))
        milestones = self.milestone_list(self.items(root, "milestones", ""))
        runs = self.run_dates(root)

        if self.problems:
            raise ScenarioError(self.problems)
        return Scenario(
            as_of=as_of,
            consortium=consortium,
            municipalities=tuple(municipalities),
            providers=tuple(providers),
            contracts=tuple(contracts),
            clients=None if clients is None else tuple(clients),
            trajectories=tuple(trajectories),
            milestones=tuple(milestones),
            runs=runs,
        )

    def run_dates(self, root: dict) -> tuple:
        raw = self.array(root, "runs", "")
        if raw is None:
            return ()
        if not raw:
            self.problem("runs", "must not be empty (leave it out for one run as of as_of)")
        dates = []
        for k, value in enumerate(raw):
            path = join("runs", k)
            if not isinstance(value, str):
                self.problem(path, f"expected a date as a string YYYY-MM-DD, got {describe(value)}")
                continue
            day = self.parse_date(value)
            if day is None:
                self.problem(path, f"not a real date in the form YYYY-MM-DD: {value!r}")
                continue
            if dates and day < dates[-1]:
                self.problem(path, f"runs go back: {day} is before the run of {dates[-1]}")
            dates.append(day)
        return tuple(dates)

    def consortium(self, raw: Any, path: str) -> Consortium | None:
        obj = self.object(raw, path, CONSORTIUM_REQUIRED, CONSORTIUM_OPTIONAL) if raw is not None else None
        if obj is None:
            return None
        return Consortium(
            code=self.identifier(obj, "code", path),
            name=self.string(obj, "name", path),
            lead_municipality=self.reference(obj, "lead_municipality", path, self.municipalities, "municipality"),
        )

    def municipality(self, raw: Any, path: str) -> Municipality | None:
        obj = self.object(raw, path, MUNICIPALITY_REQUIRED, ())
        if obj is None:
            return None
        code = self.identifier(obj, "code", path)
        self.unique(self.municipalities, code, join(path, "code"), "municipality code")
        return Municipality(code=code, name=self.string(obj, "name", path))

    def provider(self, raw: Any, path: str) -> Provider | None:
        obj = self.object(raw, path, PROVIDER_REQUIRED, PROVIDER_OPTIONAL)
        if obj is None:
            return None
        code = self.identifier(obj, "code", path)
        self.unique(self.providers, code, join(path, "code"), "provider code")
        return Provider(
            code=code,
            name=self.string(obj, "name", path),
            kvk=self.string(obj, "kvk", path),
            vat_id=self.string(obj, "vat_id", path),
            iban=self.string(obj, "iban", path),
        )

    # -- people and facts ------------------------------------------------------------

    def client_list(self, items: list) -> list[Client | None]:
        return [self.client(raw, join("clients", i)) for i, raw in enumerate(items)]

    def client(self, raw: Any, path: str) -> Client | None:
        obj = self.object(raw, path, CLIENT_REQUIRED, CLIENT_OPTIONAL)
        if obj is None:
            return None
        ref = self.identifier(obj, "ref", path)
        self.unique(self.clients, ref, join(path, "ref"), "client ref")
        bsn = self.string(obj, "bsn", path)
        if bsn is not None and not is_valid_bsn(bsn):
            # The BSN itself is personal data: name the problem, not the number.
            self.problem(join(path, "bsn"), "not a valid BSN (nine digits passing the elfproef)")
        return Client(
            ref=ref,
            bsn=bsn,
            municipality=self.reference(obj, "municipality", path, self.municipalities, "municipality"),
            target_group=self.string(obj, "target_group", path),
            benefit=self.string(obj, "benefit", path),
            facts=self.client_facts(obj, path),
        )


    def client_facts(self, obj: dict, path: str) -> tuple[ClientFact, ...] | None:
        raw = self.array(obj, "facts", path)
        if raw is None:
            return None
        facts = []
        for k, raw_fact in enumerate(raw):
            fact_path = join(join(path, "facts"), k)
            fact = self.object(raw_fact, fact_path, CLIENT_FACT_REQUIRED, CLIENT_FACT_OPTIONAL)
            if fact is None:
                continue
            kind = self.string(fact, "kind", fact_path)
            if kind is not None and kind not in CLIENT_FACT_KINDS:
                self.problem(join(fact_path, "kind"), f"unknown fact kind {kind!r} (one of {', '.join(CLIENT_FACT_KINDS)})")
            member = self.boolean(fact, "member", fact_path)
            if member is False and kind != "target_group":
                self.problem(join(fact_path, "member"), "only a target group can be left (member: false)")
            facts.append(ClientFact(kind=kind, value=self.identifier(fact, "value", fact_path),
                                    valid_from=self.date(fact, "valid_from", fact_path),
                                    member=True if member is None else member))
        return tuple(facts)

    def trajectory_list(self, items: list) -> list[Trajectory]:
        # The fast path below builds a trajectory when every check passes at once;
        # anything off goes to `trajectory`, which names each problem. Scenarios have
        # hundreds of thousands of these, so the common case must stay cheap.
        result = []
        append = result.append
        dates = self._dates
        contracts, municipalities, clients = self.contracts, self.municipalities, self.clients
        canonical = self.canonical
        seen = self.trajectories
        keys, required = _TRAJECTORY_KEYS, _TRAJECTORY_REQUIRED
        make_trajectory = Trajectory._make
        for i, raw in enumerate(items):
            if type(raw) is dict and raw.keys() <= keys and required <= raw.keys():
                ref = raw["ref"]
                contract = raw["contract"]
                municipality = raw["municipality"]
                start = raw["start"]
                client = raw.get("client")
                end = raw.get("end")
                end_reason = raw.get("end_reason")
                if (
                    type(ref) is str and ref and not ref.isspace() and ref not in seen
                    and type(contract) is str and contract in contracts
                    and type(municipality) is str and municipality in municipalities
                    and type(start) is str and (start := dates.get(start) or self.parse_date(start)) is not None
                    and (client is None or (type(client) is str and client and not client.isspace()
                                            and (clients is None or client in clients)))
                    and (end is None or (type(end) is str and (end := dates.get(end) or self.parse_date(end))))
                    and (end_reason is None
                         or (type(end_reason) is str and (end_reason := _CANONICAL_END_REASONS.get(end_reason))))
                ):
                    seen[ref] = i  # its path, trajectories[i], is only spelt out for a duplicate
                    canonical[ref] = ref
                    # Trajectory's fields in order: ref, contract, municipality, start, client, end, end_reason.
                    append(make_trajectory(ref, canonical[contract], canonical[municipality], start, client, end,
                                           end_reason))
                    continue
            trajectory = self.trajectory(raw, join("trajectories", i))
            if trajectory is not None:
                append(trajectory)
        return result

    def trajectory(self, raw: Any, path: str) -> Trajectory | None:
        obj = self.object(raw, path, TRAJECTORY_REQUIRED, TRAJECTORY_OPTIONAL)
        if obj is None:
            return None
        ref = self.identifier(obj, "ref", path)
        self.unique(self.trajectories, ref, join(path, "ref"), "trajectory ref")
        contract = self.reference(obj, "contract", path, self.contracts, "contract")
        if self.clients is not None:
            client = self.reference(obj, "client", path, self.clients, "client")
        else:
            # Without a clients list a trajectory's client is not checked (format rule).
            client = self.identifier(obj, "client", path)
        return Trajectory(
            ref=ref,
            contract=contract,
            municipality=self.reference(obj, "municipality", path, self.municipalities, "municipality"),
            start=self.date(obj, "start", path),
            client=client,
            end=self.date(obj, "end", path),
            end_reason=self.choice(obj, "end_reason", path, END_REASONS, "end reason"),
        )

    def milestone_list(self, items: list) -> list[Milestone]:
        # Same fast path as trajectory_list: one combined check, details only on failure.
        result = []
        append = result.append
        dates = self._dates
        trajectories = self.trajectories
        canonical = self.canonical
        seen = self.milestones
        keys, required = _MILESTONE_KEYS, _MILESTONE_REQUIRED
        make_milestone = Milestone._make
        for i, raw in enumerate(items):
            if type(raw) is dict and raw.keys() <= keys and required <= raw.keys():
                ref = raw["ref"]
                trajectory = raw["trajectory"]
                kind = raw["type"]
                day = raw["date"]
                submitted = raw["submitted"]
                review = raw.get("review")
                reviewed = raw.get("reviewed")
                if (
                    type(ref) is str and ref and not ref.isspace() and ref not in seen
                    and type(trajectory) is str and trajectory in trajectories
                    and type(kind) is str and (kind := _CANONICAL_TYPES.get(kind)) is not None
                    and type(day) is str and (day := dates.get(day) or self.parse_date(day)) is not None
                    and type(submitted) is str
                    and (submitted := dates.get(submitted) or self.parse_date(submitted)) is not None
                    and (review is None or (type(review) is str and (review := _CANONICAL_REVIEWS.get(review))))
                    and (reviewed is None or (type(reviewed) is str
                                              and (reviewed := dates.get(reviewed) or self.parse_date(reviewed))))
                ):
                    seen[ref] = i  # its path, milestones[i], is only spelt out for a duplicate
                    # Milestone's fields in order: ref, trajectory, type, date, submitted, reviews.
                    append(make_milestone(ref, canonical[trajectory], kind, day, submitted,
                                          self.one_decision(review, reviewed)))
                    continue
            milestone = self.milestone(raw, join("milestones", i))
            if milestone is not None:
                append(milestone)
        return result

    def milestone(self, raw: Any, path: str) -> Milestone | None:
        obj = self.object(raw, path, MILESTONE_REQUIRED, MILESTONE_OPTIONAL)
        if obj is None:
            return None
        ref = self.identifier(obj, "ref", path)
        self.unique(self.milestones, ref, join(path, "ref"), "milestone ref")
        trajectory = self.reference(obj, "trajectory", path, self.trajectories, "trajectory")
        kind = self.choice(obj, "type", path, MILESTONE_TYPES, "milestone type")
        day = self.date(obj, "date", path)
        submitted = self.date(obj, "submitted", path)
        review = self.choice(obj, "review", path, REVIEWS, "review")
        reviewed = self.date(obj, "reviewed", path)
        if obj.get("reviews") is not None:
            for key in ("review", "reviewed"):
                if obj.get(key) is not None:
                    self.problem(join(path, key), "not allowed together with reviews (the history says it all)")
            reviews = self.review_history(obj, path, submitted)
        else:
            reviews = self.one_decision(review, reviewed)
        return Milestone(ref=ref, trajectory=trajectory, type=_CANONICAL_TYPES.get(kind), date=day,
                         submitted=submitted, reviews=reviews)

    def one_decision(self, review: str | None, reviewed) -> tuple[ReviewDecision, ...]:
        # The review/reviewed pair: one decision, or none while pending or undated.
        key = (review, reviewed)
        history = self.histories.get(key)
        if history is None:
            decided = review is not None and review != "pending" and reviewed is not None
            history = self.histories[key] = (ReviewDecision(_CANONICAL_REVIEWS[review], reviewed),) if decided else ()
        return history

    def review_history(self, obj: dict, path: str, submitted) -> tuple[ReviewDecision, ...]:
        raw = self.array(obj, "reviews", path)
        if raw is None:
            return ()
        history_path = join(path, "reviews")
        if not raw:
            self.problem(history_path, "must not be empty (leave it out for a milestone without a decision)")
        history: list[ReviewDecision] = []
        previous: ReviewDecision | None = None  # the entry directly before, if it could be read
        for j, raw_decision in enumerate(raw):
            entry_path = join(history_path, j)
            entry = self.object(raw_decision, entry_path, DECISION_REQUIRED, ())
            if entry is None:
                previous = None
                continue
            decision = self.choice(entry, "decision", entry_path, DECISIONS, "decision")
            day = self.date(entry, "date", entry_path)
            if decision == _REVOKED and (j == 0 or previous is not None and previous.decision != _APPROVED):
                self.problem(join(entry_path, "decision"), "revoked must directly follow an approved decision")
            if day is not None:
                if submitted is not None and day < submitted:
                    self.problem(join(entry_path, "date"),
                                 f"decision dated {day}, before the milestone was submitted ({submitted})")
                last = next((d.date for d in reversed(history) if d.date is not None), None)
                if last is not None and day < last:
                    self.problem(join(entry_path, "date"), f"dates go back: {day} is before the decision of {last}")
            if decision is None or day is None:
                previous = None
                continue
            previous = ReviewDecision(_CANONICAL_DECISIONS[decision], day)
            history.append(previous)
        return tuple(history)
