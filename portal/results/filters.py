"""The filters of the results pages, read from the query string with Dutch messages naming the field."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from .. import clock
from ..models.enums import BENEFITS, SEGMENTS, TARGET_GROUPS

PERIOD = re.compile(r"^(\d{4})(?:-K([1-4]))?$")


@dataclass(frozen=True)
class Filters:
    """What a results page shows: which contracts, which trajectories, as of which date."""

    as_of: date
    contract: int | None = None
    bureau: int | None = None
    segment: str | None = None
    municipality: int | None = None
    target_group: str | None = None
    benefit: str | None = None
    period: str | None = None  # "2026" or "2026-K3": trajectories referred in it
    all_segments: bool = False  # chosen explicitly ("alle"): the dashboard shows every segment
    errors: tuple[str, ...] = field(default=())

    @property
    def period_range(self) -> tuple[date, date] | None:
        return period_range(self.period) if self.period else None

    @property
    def narrows_trajectories(self) -> bool:
        """True when the filters pick some of a contract's trajectories (cohorts then also show the subset)."""
        return any((self.municipality, self.target_group, self.benefit, self.period))

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for links to CSV, PDF and other views)."""
        args = {"contract": self.contract, "bureau": self.bureau,
                "segment": "alle" if self.all_segments else self.segment,
                "gemeente": self.municipality, "doelgroep": self.target_group, "uitkering": self.benefit,
                "periode": self.period, "peildatum": self.as_of.strftime("%d-%m-%Y")}
        return {k: str(v) for k, v in args.items() if v not in (None, "")}

    def with_municipality(self, municipality_id: int | None) -> Filters:
        return replace(self, municipality=municipality_id)


def period_range(period: str) -> tuple[date, date]:
    """Return the first and last day of "2026" or "2026-K3"."""
    match = PERIOD.match(period)
    year, quarter = int(match.group(1)), match.group(2)
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    first = date(year, 3 * int(quarter) - 2, 1)
    last = date(year + (quarter == "4"), (3 * int(quarter)) % 12 + 1, 1) - timedelta(days=1)
    return first, last


def quarter_of(day: date) -> str:
    return f"{day.year}-K{(day.month - 1) // 3 + 1}"


def _int(args, name: str, label: str, errors: list[str]) -> int | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        errors.append(f"{label}: kies een waarde uit de lijst.")
        return None
    return int(value)


def _choice(args, name: str, label: str, allowed, errors: list[str]) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        errors.append(f"{label}: kies een waarde uit de lijst.")
        return None
    return value


def parse_filters(args) -> Filters:
    """Read the filters; every problem becomes a Dutch message naming the field (and the filter is ignored)."""
    errors: list[str] = []
    today = clock.today()
    period = (args.get("periode") or "").strip() or None
    if period is not None and (not PERIOD.match(period) or not 2000 <= int(period[:4]) <= 2100):
        errors.append("Periode: gebruik een jaar (2026) of een kwartaal (2026-K3).")
        period = None
    as_of = None
    text = (args.get("peildatum") or "").strip()
    if text:
        try:
            as_of = datetime.strptime(text, "%d-%m-%Y").date()
        except ValueError:
            errors.append("Peildatum: vul een datum in als dd-mm-jjjj.")
        else:
            if as_of > today:
                errors.append("Peildatum: de datum ligt in de toekomst.")
                as_of = None
    if as_of is None:
        as_of = min(period_range(period)[1], today) if period else today
    return Filters(
        as_of=as_of,
        contract=_int(args, "contract", "Contract", errors),
        bureau=_int(args, "bureau", "Re-integratiebedrijf", errors),
        segment=None if args.get("segment") == "alle" else _choice(args, "segment", "Perceel", SEGMENTS, errors),
        all_segments=args.get("segment") == "alle",
        municipality=_int(args, "gemeente", "Gemeente", errors),
        target_group=_choice(args, "doelgroep", "Doelgroep", TARGET_GROUPS, errors),
        benefit=_choice(args, "uitkering", "Uitkering", BENEFITS, errors),
        period=period,
        errors=tuple(errors),
    )
