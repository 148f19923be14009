"""Filter a settlement's lines (status, reason, municipality, cohort, only this run's amounts) and subtotal them per reason.

A run of a large contract holds hundreds of lines; finance checks them by reason ("show me every late
declaratie in Alkmaar") and wants the money per reason at a glance. The filter takes the page's query
arguments; values that are not among the run's own lines are refused with a Dutch message naming the
field, so a hand-edited URL never shows an empty list as if it were an answer.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .presenters import ZERO, LineView

#: What the "Reden" filter offers for lines without a reason: fully payable.
NO_REASON = "geen"


@dataclass(frozen=True)
class Choices:
    """The values the run's lines actually hold, for the filter's option lists."""

    statuses: list[str]
    reasons: list[str]  # NO_REASON first when some lines have none
    municipalities: list[tuple[str, str]]  # (cbs code, name)
    cohorts: list[int]


@dataclass(frozen=True)
class LineFilter:
    status: str | None = None
    reason: str | None = None
    municipality: str | None = None
    cohort: int | None = None
    this_run_only: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return any((self.status, self.reason, self.municipality, self.cohort is not None, self.this_run_only))

    def args(self) -> dict[str, str]:
        """The filter as query arguments (for links that keep it)."""
        values = {"status": self.status, "reden": self.reason, "gemeente": self.municipality,
                  "cohort": None if self.cohort is None else str(self.cohort),
                  "deze_afrekening": "1" if self.this_run_only else None}
        return {key: value for key, value in values.items() if value}

    def apply(self, lines: Iterable[LineView]) -> list[LineView]:
        return [line for line in lines if self._keeps(line)]

    def _keeps(self, line: LineView) -> bool:
        if self.status and line.status != self.status:
            return False
        if self.reason and (line.reason or NO_REASON) != self.reason:
            return False
        if self.municipality and line.municipality_code != self.municipality:
            return False
        if self.cohort is not None and line.cohort != self.cohort:
            return False
        return not self.this_run_only or bool(line.this_run)


def choices_of(lines: Iterable[LineView]) -> Choices:
    lines = list(lines)
    reasons = sorted({line.reason for line in lines if line.reason})
    if any(line.reason is None for line in lines):
        reasons.insert(0, NO_REASON)
    municipalities = sorted({(line.municipality_code, line.municipality) for line in lines}, key=lambda m: m[1])
    return Choices(statuses=sorted({line.status for line in lines}), reasons=reasons, municipalities=municipalities,
                   cohorts=sorted({line.cohort for line in lines if line.cohort is not None}))


def read_filter(args: Mapping[str, str], choices: Choices) -> LineFilter:
    """Read the filter from query arguments; a value the run does not hold is an error on its field."""
    errors: dict[str, str] = {}

    def pick(key: str, allowed: Iterable[str], label: str) -> str | None:
        value = (args.get(key) or "").strip()
        if not value:
            return None
        if value not in set(allowed):
            errors[key] = f"{label}: '{value[:40]}' komt in deze afrekening niet voor."
            return None
        return value

    status = pick("status", choices.statuses, "Status")
    reason = pick("reden", choices.reasons, "Reden")
    municipality = pick("gemeente", [code for code, _ in choices.municipalities], "Gemeente")
    cohort_text = pick("cohort", [str(number) for number in choices.cohorts], "Cohort")
    return LineFilter(status=status, reason=reason, municipality=municipality,
                      cohort=int(cohort_text) if cohort_text else None,
                      this_run_only=args.get("deze_afrekening") == "1", errors=errors)


@dataclass(frozen=True)
class ReasonSubtotal:
    reason: str | None  # None: fully payable lines
    lines: int
    amount: Decimal
    payable: Decimal
    withheld: Decimal
    pending: Decimal
    previously_invoiced: Decimal
    this_run: Decimal


def subtotals_by_reason(lines: Iterable[LineView]) -> list[ReasonSubtotal]:
    """Money per reason over the given lines; fully payable lines first, then reasons by withheld amount."""
    groups: dict[str | None, list[LineView]] = {}
    for line in lines:
        groups.setdefault(line.reason, []).append(line)

    def total(group: list[LineView], attribute: str) -> Decimal:
        return sum((getattr(line, attribute) or ZERO for line in group), ZERO)

    rows = [ReasonSubtotal(reason=reason, lines=len(group), amount=total(group, "amount"),
                           payable=total(group, "payable"), withheld=total(group, "withheld"),
                           pending=total(group, "pending"), previously_invoiced=total(group, "previously_invoiced"),
                           this_run=total(group, "this_run"))
            for reason, group in groups.items()]
    return sorted(rows, key=lambda row: (row.reason is not None, -row.withheld, row.reason or ""))


@dataclass(frozen=True)
class LinesPanel:
    """What the lines section of a run or preview shows: the filtered lines, the filter, its options, subtotals."""

    lines: list[LineView]
    total: int  # lines before filtering
    filter: LineFilter
    choices: Choices
    subtotals: list[ReasonSubtotal]
    keep: dict[str, str]  # query arguments of the page itself (the preview's contract and date)


def lines_panel(lines: list[LineView], args: Mapping[str, str], keep: Mapping[str, str] | None = None) -> LinesPanel:
    choices = choices_of(lines)
    line_filter = read_filter(args, choices)
    shown = line_filter.apply(lines)
    return LinesPanel(lines=shown, total=len(lines), filter=line_filter, choices=choices,
                      subtotals=subtotals_by_reason(shown), keep=dict(keep or {}))
