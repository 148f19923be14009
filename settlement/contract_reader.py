"""Read the contracts of a `reintegratie-scenario/1` document: terms, tranches, norm, caps, funding.

`ContractReader` is the part of the scenario reader (`scenario_reader`) that knows
contract terms; the scenario reader adds the document, the parties and the facts.
"""
from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .glossary import END_REASONS, MILESTONE_TYPES, SEGMENTS
from .model import Contract, FundingShare, Norm, StaffelStep, Tranche
from .validation import Reader, describe, join

_HUNDRED = Decimal(100)

CONTRACT_REQUIRED = ("code", "provider", "segment", "start", "end", "price", "vat_rate", "tranches")
CONTRACT_OPTIONAL = ("norm", "max_trajectories", "municipality_caps", "submission_deadline_days", "funding")
TRANCHE_REQUIRED = ("code", "milestone", "result")
TRANCHE_OPTIONAL = ("share", "amount")
NORM_REQUIRED = ("milestone", "rate", "measurement_months", "window_months", "staffel")
NORM_OPTIONAL = ("excluded_end_reasons",)
STAFFEL_REQUIRED = ("min_ratio", "pay")
FUNDING_REQUIRED = ("source", "share")

# Canonical string objects for the closed lists: every milestone of a parsed scenario
# shares one "intake" object instead of its own copy from the JSON decoder. Evaluation
# hashes and compares these per claim, and shared objects stay in the CPU cache.
CANONICAL_TYPES = {value: value for value in MILESTONE_TYPES}
CANONICAL_END_REASONS = {value: value for value in END_REASONS}


class ContractReader(Reader):
    """Read contracts; the subclass keeps `municipalities`, `providers` and `contracts` (code -> path)."""

    municipalities: dict[str, str]
    providers: dict[str, str]
    contracts: dict[str, str]
    canonical: dict[str, str]

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
        milestone = CANONICAL_TYPES.get(self.choice(obj, "milestone", path, MILESTONE_TYPES, "milestone type"))
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
        milestone = CANONICAL_TYPES.get(self.choice(obj, "milestone", path, MILESTONE_TYPES, "milestone type"))
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
                excluded.append(CANONICAL_END_REASONS[value])
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
