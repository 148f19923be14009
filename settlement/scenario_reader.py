"""Read `reintegratie-scenario/1` documents (`scenario_writer` writes them).

`parse_scenario` checks everything `scenario-format.md` calls invalid and raises one
ScenarioError that lists every problem with its JSON path; nothing is half-parsed.
"""
from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._speed import gc_paused
from .bsn import is_valid_bsn
from .glossary import DECISIONS, END_REASONS, MILESTONE_TYPES, REVIEWS, SCENARIO_FORMAT, SEGMENTS, Decision
from .model import (
    Client,
    Consortium,
    Contract,
    FundingShare,
    Milestone,
    Municipality,
    Norm,
    Provider,
    ReviewDecision,
    Scenario,
    StaffelStep,
    Trajectory,
    Tranche,
)
from .validation import Reader, ScenarioError, describe, join

_HUNDRED = Decimal(100)

TOP_REQUIRED = ("format", "as_of", "consortium", "municipalities", "providers", "contracts", "trajectories",
                "milestones")
TOP_OPTIONAL = ("clients", "runs")
CONSORTIUM_REQUIRED = ("code", "name")
CONSORTIUM_OPTIONAL = ("lead_municipality",)
MUNICIPALITY_REQUIRED = ("code", "name")
PROVIDER_REQUIRED = ("code", "name")
PROVIDER_OPTIONAL = ("kvk", "vat_id", "iban")
CONTRACT_REQUIRED = ("code", "provider", "segment", "start", "end", "price", "vat_rate", "tranches")
CONTRACT_OPTIONAL = ("norm", "max_trajectories", "municipality_caps", "submission_deadline_days", "funding")
TRANCHE_REQUIRED = ("code", "milestone", "result")
TRANCHE_OPTIONAL = ("share", "amount")
NORM_REQUIRED = ("milestone", "rate", "measurement_months", "window_months", "staffel")
NORM_OPTIONAL = ("excluded_end_reasons",)
STAFFEL_REQUIRED = ("min_ratio", "pay")
FUNDING_REQUIRED = ("source", "share")
CLIENT_REQUIRED = ("ref", "bsn")
CLIENT_OPTIONAL = ("municipality", "target_group", "benefit")
TRAJECTORY_REQUIRED = ("ref", "contract", "municipality", "start")
TRAJECTORY_OPTIONAL = ("client", "end", "end_reason")
MILESTONE_REQUIRED = ("ref", "trajectory", "type", "date", "submitted")
MILESTONE_OPTIONAL = ("review", "reviewed", "reviews")
DECISION_REQUIRED = ("decision", "date")

# Canonical string objects for the closed lists: every milestone of a parsed scenario
# shares one "intake" object instead of its own copy from the JSON decoder. Evaluation
# hashes and compares these per claim, and shared objects stay in the CPU cache.
_CANONICAL_TYPES = {value: value for value in MILESTONE_TYPES}
_CANONICAL_REVIEWS = {value: value for value in REVIEWS}
_CANONICAL_DECISIONS = {value: value for value in DECISIONS}
_APPROVED, _REVOKED = Decision.APPROVED.value, Decision.REVOKED.value
_CANONICAL_END_REASONS = {value: value for value in END_REASONS}

_TRAJECTORY_KEYS = frozenset(TRAJECTORY_REQUIRED + TRAJECTORY_OPTIONAL)
_TRAJECTORY_REQUIRED = frozenset(TRAJECTORY_REQUIRED)
# The fast path reads the review/reviewed pair; a milestone with `reviews` takes the long way.
_MILESTONE_KEYS = frozenset(MILESTONE_REQUIRED + ("review", "reviewed"))
_MILESTONE_REQUIRED = frozenset(MILESTONE_REQUIRED)


def parse_scenario(data: Any) -> Scenario:
    """Validate a parsed scenario document and build the Scenario, or raise ScenarioError."""
    with gc_paused():  # hundreds of thousands of new objects, none in a cycle
        return _ScenarioParser().parse(data)


class _ScenarioParser(Reader):
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

    def unique(self, seen: dict[str, str | int], value: str | None, path: str, what: str) -> None:
        if value is None:
            return
        first = seen.get(value)
        if first is not None:
            if isinstance(first, int):  # recorded by a fast path as an index into its list
                first = join(join(path.split("[", 1)[0], first), path.rsplit(".", 1)[-1])
            self.problem(path, f"duplicate {what} {value!r} (first at {first})")
        else:
            seen[value] = path
            self.canonical.setdefault(value, value)

    def items(self, obj: dict, key: str, path: str) -> list:
        return self.array(obj, key, path) or []

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
            clients = [self.client(raw, join("clients", i)) for i, raw in enumerate(raw_clients)]
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

    # -- contracts -----------------------------------------------------------------

    def contract(self, raw: Any, path: str) -> Contract | None:
        obj = self.object(raw, path, CONTRACT_REQUIRED, CONTRACT_OPTIONAL)
        if obj is None:
            return None
        # Read in the order of the format, so that problems come in document order.
        code = self.identifier(obj, "code", path)
        self.unique(self.contracts, code, join(path, "code"), "contract code")
        provider = self.reference(obj, "provider", path, self.providers, "provider")
        segment = self.choice(obj, "segment", path, SEGMENTS, "segment")
        start = self.date(obj, "start", path)
        end = self.date(obj, "end", path)
        if start is not None and end is not None and end < start:
            self.problem(join(path, "end"), f"contract ends ({end}) before it starts ({start})")
        price = self.decimal(obj, "price", path)
        vat_rate = self.decimal(obj, "vat_rate", path)
        max_trajectories = self.integer(obj, "max_trajectories", path, minimum=0)
        caps = self.caps(obj, path)
        deadline = self.integer(obj, "submission_deadline_days", path, minimum=0)
        tranches_path = join(path, "tranches")
        tranche_codes: dict[str, str] = {}
        tranche_types: dict[str, str] = {}
        tranches = [
            self.tranche(raw_tranche, join(tranches_path, j), tranche_codes, tranche_types)
            for j, raw_tranche in enumerate(self.items(obj, "tranches", path))
        ]
        return Contract(
            code=code,
            provider=provider,
            segment=segment,
            start=start,
            end=end,
            price=price,
            vat_rate=vat_rate,
            tranches=tuple(tranches),
            norm=self.norm(obj.get("norm"), join(path, "norm")),
            max_trajectories=max_trajectories,
            municipality_caps=caps,
            submission_deadline_days=deadline,
            funding=self.funding(obj, path),
        )

    def tranche(self, raw: Any, path: str, codes: dict[str, str], types: dict[str, str]) -> Tranche | None:
        obj = self.object(raw, path, TRANCHE_REQUIRED, TRANCHE_OPTIONAL)
        if obj is None:
            return None
        code = self.identifier(obj, "code", path)
        self.unique(codes, code, join(path, "code"), "tranche code")
        milestone = _CANONICAL_TYPES.get(self.choice(obj, "milestone", path, MILESTONE_TYPES, "milestone type"))
        if milestone is not None:
            first = types.get(milestone)
            if first is not None:
                self.problem(join(path, "milestone"), f"a second tranche for milestone type {milestone!r} "
                                                      f"(first at {first})")
            else:
                types[milestone] = path
        has_share = obj.get("share") is not None
        has_amount = obj.get("amount") is not None
        if has_share and has_amount:
            self.problem(path, "has both share and amount (exactly one is allowed)")
        elif not has_share and not has_amount:
            self.problem(path, "needs share or amount")
        share = self.decimal(obj, "share", path)
        amount = self.decimal(obj, "amount", path)
        return Tranche(code=code, milestone=milestone, share=share, amount=amount,
                       result=self.boolean(obj, "result", path))

    def norm(self, raw: Any, path: str) -> Norm | None:
        if raw is None:
            return None
        obj = self.object(raw, path, NORM_REQUIRED, NORM_OPTIONAL)
        if obj is None:
            return None
        milestone = _CANONICAL_TYPES.get(self.choice(obj, "milestone", path, MILESTONE_TYPES, "milestone type"))
        rate = self.decimal(obj, "rate", path, negative=True)
        if rate is not None and not (0 < rate <= 100):
            self.problem(join(path, "rate"), "must be above 0 and at most 100")
        measurement_months = self.integer(obj, "measurement_months", path, minimum=1)
        window_months = self.integer(obj, "window_months", path, minimum=0)
        excluded = []
        excluded_path = join(path, "excluded_end_reasons")
        for k, value in enumerate(self.items(obj, "excluded_end_reasons", path)):
            if not isinstance(value, str):
                self.problem(join(excluded_path, k), f"expected a string, got {describe(value)}")
            elif value not in END_REASONS:
                self.problem(join(excluded_path, k), f"unknown end reason {value!r}")
            else:
                excluded.append(_CANONICAL_END_REASONS[value])
        return Norm(
            milestone=milestone,
            rate=rate,
            measurement_months=measurement_months,
            window_months=window_months,
            excluded_end_reasons=tuple(excluded),
            staffel=self.staffel(obj, path),
        )

    def staffel(self, norm: dict, norm_path: str) -> tuple[StaffelStep, ...]:
        path = join(norm_path, "staffel")
        raw_steps = self.array(norm, "staffel", norm_path)
        if raw_steps is None:
            return ()
        steps = []
        seen: dict[Decimal, str] = {}
        readable = 0
        for k, raw in enumerate(raw_steps):
            step_path = join(path, k)
            obj = self.object(raw, step_path, STAFFEL_REQUIRED, ())
            if obj is None:
                continue
            min_ratio = self.decimal(obj, "min_ratio", step_path)
            pay = self.decimal(obj, "pay", step_path, negative=True)
            if pay is not None and not (0 <= pay <= 1):
                self.problem(join(step_path, "pay"), "must be between 0 and 1")
            if min_ratio is not None:
                readable += 1
                first = seen.get(min_ratio)
                if first is not None:
                    self.problem(join(step_path, "min_ratio"), f"duplicate min_ratio {min_ratio} (first at {first})")
                else:
                    seen[min_ratio] = step_path
            steps.append(StaffelStep(min_ratio=min_ratio, pay=pay))
        # Only complain about a missing 0 entry when every min_ratio could be read.
        if readable == len(raw_steps) and Decimal(0) not in seen:
            self.problem(path, "needs an entry with min_ratio 0")
        return tuple(steps)

    def caps(self, obj: dict, path: str) -> MappingProxyType | None:
        raw = obj.get("municipality_caps")
        if raw is None:
            return None
        caps_path = join(path, "municipality_caps")
        if not isinstance(raw, dict):
            self.problem(caps_path, f"expected an object of municipality code to cap, got {describe(raw)}")
            return None
        caps = {}
        for code in raw:
            if code not in self.municipalities:
                self.problem(join(caps_path, code), f"unknown municipality {code!r}")
            cap = self.integer(raw, code, caps_path, minimum=0)
            if raw[code] is None:
                self.problem(join(caps_path, code), "expected an integer, got null")
            caps[code] = cap
        return MappingProxyType(caps)

    def funding(self, obj: dict, path: str) -> tuple[FundingShare, ...]:
        raw = self.array(obj, "funding", path)
        if raw is None:
            return ()
        funding_path = join(path, "funding")
        if not raw:
            self.problem(funding_path, "must not be empty (leave it out for no funding split)")
            return ()
        shares = []
        sources: dict[str, str] = {}
        for k, raw_share in enumerate(raw):
            share_path = join(funding_path, k)
            share_obj = self.object(raw_share, share_path, FUNDING_REQUIRED, ())
            if share_obj is None:
                shares.append(None)
                continue
            source = self.identifier(share_obj, "source", share_path)
            # A source named twice would be split twice and merged in by_funding.
            self.unique(sources, source, join(share_path, "source"), "funding source")
            shares.append(FundingShare(source=source, share=self.decimal(share_obj, "share", share_path)))
        if all(s is not None and s.share is not None for s in shares):
            total = sum((s.share for s in shares), Decimal(0))
            if total != _HUNDRED:
                self.problem(funding_path, f"shares add up to {total}, not exactly 100")
        return tuple(shares)

    # -- people and facts ------------------------------------------------------------

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
        )

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
