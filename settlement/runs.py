"""Settlement runs: pay only the difference with what was invoiced before (section 9).

`issue_run` is the one implementation, for `python -m settlement runs` and the portal
alike. It takes a contract's evaluation as of the run's date (sections 1–8) and what
earlier issued runs left per line (milestone, tranche): the net invoiced on it, and
the line's status in the previous issued run. A non-zero difference between the
line's payable amount now and that net is the run's amount, with the first reason
that applies:

1. ``REVOKED``     something is invoiced on balance and the line's own claim is not
                   approved on the date (revoked, rejected — then it has no line at
                   all — or awaiting a new review);
2. ``CORRECTION``  something is invoiced on balance and the claim is still approved,
                   or nothing is, but the line was ``withheld`` in the previous issued run;
3. ``None``        the line is newly payable (also after a full credit).

Per municipality the amounts are netted: a positive net gives an invoice (which may
hold negative lines), a negative net a credit note, zero no document. A document's VAT
is round(net × vat_rate / 100), half away from zero; every amount is split over the
funding sources (a negative one as its absolute value, negated: section 7). Nothing
here is stored; the portal persists what it issues.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from .funding import FundingSplitter
from .glossary import DocumentKind, LineStatus, Reason, Review
from .money import ZERO, percentage_of, to_cents
from .results import ContractSettlement, Line

REVOKED = Reason.REVOKED.value
CORRECTION = Reason.CORRECTION.value
APPROVED = Review.APPROVED.value
WITHHELD = LineStatus.WITHHELD.value
INVOICE = DocumentKind.INVOICE.value
CREDIT_NOTE = DocumentKind.CREDIT_NOTE.value
_NO_SPLIT: Mapping[str, Decimal] = MappingProxyType({})

#: (milestone ref, tranche code): how a line is identified across runs.
LineKey = tuple[str, str]
#: (trajectory ref, milestone type, date, submitted, milestone ref): the settlement's line order.
LineOrder = tuple[str, str, date, date, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoiced:
    """What earlier issued runs left for one line: its net, for whom, and its last status."""

    amount: Decimal  # net invoiced in earlier issued runs, credits included (0 for a line only shown)
    municipality: str
    trajectory: str | None = None
    status: str | None = None  # the line's status in the previous issued run, if it had a line there
    order: LineOrder | None = None  # where the line sorts should it have gone from the evaluation


@dataclass(frozen=True, slots=True, kw_only=True)
class RunLine:
    """One line of a run: its current outcome and, if it changed, this run's amount."""

    milestone: str
    tranche: str
    trajectory: str | None
    municipality: str
    invoiced_before: Decimal
    payable_now: Decimal
    amount: Decimal | None  # the difference; None for an information-only line
    reason: str | None  # None (newly payable), CORRECTION or REVOKED; None on info lines
    status: str | None  # the line's status now; None when it has gone from the evaluation
    line_reason: str | None  # the line's reason now (e.g. NORM_NOT_MET)
    funding: Mapping[str, Decimal] = field(hash=False)  # split of `amount`; empty on info lines
    line: Line | None = field(default=None, compare=False)  # the current line, if any
    previous_status: str | None = None  # the line's status in the previous issued run

    @property
    def informational(self) -> bool:
        """Tell whether the line is shown for information only (no difference)."""
        return self.amount is None


@dataclass(frozen=True, slots=True, kw_only=True)
class RunDocument:
    """The invoice or credit note a run issues to one municipality."""

    municipality: str
    kind: str  # DocumentKind: invoice (positive net) or credit_note (negative net)
    subtotal: Decimal  # net of the lines' amounts
    vat: Decimal
    total: Decimal
    lines: tuple[RunLine, ...]  # the lines with an amount, positive and negative
    funding: Mapping[str, Decimal] = field(hash=False)  # sum of the lines' splits per source


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """Everything a run issues; `lines` adds the lines shown for information."""

    as_of: date
    changes: tuple[RunLine, ...]  # the lines with an amount, in line order
    net_by_municipality: Mapping[str, Decimal] = field(hash=False)  # ordered by code, of municipalities with amounts
    documents: tuple[RunDocument, ...]  # ordered by municipality code
    by_funding: Mapping[str, Decimal] = field(hash=False)  # every source of the contract
    result: ContractSettlement = field(compare=False, repr=False)
    invoiced: Mapping[LineKey, Invoiced | Decimal] = field(hash=False, compare=False, repr=False)

    @property
    def lines(self) -> tuple[RunLine, ...]:
        """Every current line (information lines without an amount), and the gone lines with one."""
        moved = {(c.milestone, c.tranche): c for c in self.changes}
        shown = []
        for line in self.result.lines:
            key = (line.milestone, line.tranche)
            change = moved.pop(key, None)
            if change is None:
                previous = self.invoiced.get(key)
                change = RunLine(
                    milestone=line.milestone, tranche=line.tranche, trajectory=line.trajectory,
                    municipality=line.municipality, invoiced_before=net_of(previous), payable_now=line.payable,
                    amount=None, reason=None, status=line.status, line_reason=line.reason, funding=_NO_SPLIT, line=line,
                    previous_status=previous.status if isinstance(previous, Invoiced) else None)
            shown.append(change)
        shown.extend(moved.values())  # gone from the evaluation: their credits
        return tuple(shown)


def issue_run(
    result: ContractSettlement,
    invoiced: Mapping[LineKey, Invoiced | Decimal],
    previous_status: Mapping[LineKey, str] | None = None,
) -> RunResult:
    """Issue a run for one contract: its amounts, reasons, documents and funding (section 9).

    `result` is the contract evaluated as of the run's date. `invoiced` maps a line to
    what earlier issued runs left on it; a bare Decimal will do for a line that still
    has a line now, a line gone from the evaluation needs an Invoiced (its credit is
    addressed to its municipality). The line's status in the previous issued run comes
    from `previous_status` when given, else from its Invoiced.
    """
    split = FundingSplitter(result.contract.funding).split
    get = invoiced.get
    status_before = previous_status.get if previous_status is not None else None
    changes: list[RunLine] = []
    append = changes.append
    for line in result.lines:
        payable = line.payable
        key = (line.milestone, line.tranche)
        previous = get(key)
        if previous is None:
            if not payable:
                continue  # nothing before, nothing now
            before = ZERO
        else:
            before = previous.amount if type(previous) is Invoiced else previous
        delta = payable - before
        if not delta:
            continue
        if status_before is not None:
            was = status_before(key)
        else:
            was = previous.status if type(previous) is Invoiced else None
        if before:
            reason = REVOKED if line.review != APPROVED else CORRECTION
        else:
            reason = CORRECTION if was == WITHHELD else None
        append(RunLine(
            milestone=line.milestone, tranche=line.tranche, trajectory=line.trajectory,
            municipality=line.municipality, invoiced_before=before, payable_now=payable, amount=delta,
            reason=reason, status=line.status, line_reason=line.reason, funding=split(delta), line=line,
            previous_status=was))

    # Lines invoiced before that the evaluation no longer has: their claim counts as
    # rejected now, so what was invoiced on them comes back in full.
    gone = [(key, value) for key, value in invoiced.items()
            if net_of(value) and _has_no_line(result, key)]
    if gone:
        for key, value in gone:
            if type(value) is not Invoiced:
                raise ValueError(f"line {key} was invoiced before and has gone: give its municipality "
                                 f"as Invoiced(amount=..., municipality=...)")
            before = net_of(value)
            append(RunLine(
                milestone=key[0], tranche=key[1], trajectory=value.trajectory, municipality=value.municipality,
                invoiced_before=before, payable_now=ZERO, amount=-before, reason=REVOKED, status=None,
                line_reason=None, funding=split(-before), line=None,
                previous_status=status_before(key) if status_before is not None else value.status))
        orders = {key: value.order for key, value in gone}
        changes.sort(key=lambda c: _order(c, orders))
    net, documents, by_funding = documents_of(changes, result.contract.vat_rate,
                                              [share.source for share in result.contract.funding])
    return RunResult(as_of=result.as_of, changes=tuple(changes), net_by_municipality=net, documents=documents,
                     by_funding=by_funding, result=result, invoiced=invoiced)


def documents_of(
    changes: Iterable[RunLine], vat_rate: Decimal, sources: Iterable[str] = ()
) -> tuple[dict[str, Decimal], tuple[RunDocument, ...], dict[str, Decimal]]:
    """Net a run's amounts per municipality into documents; return (nets, documents, by_funding).

    One invoice per positive net, one credit note per negative net, ordered by
    municipality code; VAT is round(net × vat_rate / 100), half away from zero.
    """
    by_municipality: dict[str, list[RunLine]] = {}
    by_funding = dict.fromkeys(sources, ZERO)
    for change in changes:
        if change.amount is None:
            continue
        by_municipality.setdefault(change.municipality, []).append(change)
        for source, part in change.funding.items():
            by_funding[source] = by_funding.get(source, ZERO) + part
    nets: dict[str, Decimal] = {}
    documents = []
    for municipality in sorted(by_municipality):
        lines = by_municipality[municipality]
        subtotal = nets[municipality] = sum((c.amount for c in lines), ZERO)
        if not subtotal:
            continue  # netted to zero: no document
        # Quantizing with ROUND_HALF_UP rounds halves away from zero, so a credit's VAT mirrors an invoice's.
        vat = percentage_of(subtotal, vat_rate)
        funding = dict.fromkeys(sources, ZERO)
        for change in lines:
            for source, part in change.funding.items():
                funding[source] = funding.get(source, ZERO) + part
        documents.append(RunDocument(
            municipality=municipality, kind=INVOICE if subtotal > 0 else CREDIT_NOTE, subtotal=subtotal,
            vat=vat, total=subtotal + vat, lines=tuple(lines), funding=funding))
    return nets, tuple(documents), by_funding


def line_order(line: Line) -> LineOrder:
    """Where a line sorts in a settlement (trajectory ref, type, date, submitted, milestone ref)."""
    return (line.trajectory, line.type, line.date, line.submitted, line.milestone)


def statuses_of(result: ContractSettlement) -> Mapping[LineKey, str]:
    """Each line's status in an evaluation, looked up as needed (no dict of every line)."""
    return _Statuses(result)


class _Statuses(Mapping):
    def __init__(self, result: ContractSettlement) -> None:
        self.result = result

    def __getitem__(self, key: LineKey) -> str:
        line = self.result.line(key[0])
        if line is None or line.tranche != key[1]:
            raise KeyError(key)
        return line.status

    def get(self, key, default=None):
        line = self.result.line(key[0])
        return default if line is None or line.tranche != key[1] else line.status

    def __iter__(self) -> Iterator[LineKey]:
        return ((line.milestone, line.tranche) for line in self.result.lines)

    def __len__(self) -> int:
        return len(self.result.lines)


def net_of(value: Invoiced | Decimal | None) -> Decimal:
    """Return the net of an `invoiced` entry (0 for none)."""
    if value is None:
        return ZERO
    return to_cents(value.amount if type(value) is Invoiced else value)


def _has_no_line(result: ContractSettlement, key: LineKey) -> bool:
    line = result.line(key[0])
    return line is None or line.tranche != key[1]


def _order(change: RunLine, gone_orders: Mapping[LineKey, LineOrder | None]) -> tuple:
    if change.line is not None:
        return (*line_order(change.line), change.tranche)
    order = gone_orders.get((change.milestone, change.tranche))
    if order is None:  # unknown: after the lines of its trajectory
        return (change.trajectory or "", "\uffff", date.max, date.max, change.milestone, change.tranche)
    return (*order, change.tranche)
