"""Settlement runs: pay only the difference with what was invoiced before (section 9).

A run evaluates a contract as of its date (sections 1–8) and compares every line's
payable amount with the sum already invoiced for that line (milestone, tranche) in
earlier issued runs. The reason of a non-zero difference is decided by one rule:

- ``None``        nothing was invoiced for the line before: it is newly payable;
- ``REVOKED``     something was invoiced before and the line's own claim is no longer
                  approved: it is named in `revoked`, it is pending or rejected now,
                  or its line has disappeared from the evaluation altogether (a
                  rejected claim has no line);
- ``CORRECTION``  something was invoiced before and the amount changed for any other
                  reason (a cohort fell below its norm, an objection made a withheld
                  line payable, a duplicate took over, ...).

Lines without a difference are kept for information (with their status and
reason) but carry no amount. Per municipality the amounts are netted: a positive net
gives an invoice (which may hold negative lines), a negative net a credit note, and
zero no document. Nothing here is stored; the portal persists what it issues.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from .funding import FundingSplitter
from .glossary import DocumentKind, LineStatus, Reason, Review
from .model import FundingShare
from .money import ZERO, percentage_of, to_cents
from .results import Line

REVOKED = Reason.REVOKED.value
CORRECTION = Reason.CORRECTION.value
APPROVED = Review.APPROVED.value
WITHHELD = LineStatus.WITHHELD.value
_NO_SPLIT: Mapping[str, Decimal] = MappingProxyType({})

#: (milestone ref, tranche code): how a line is identified across runs.
LineKey = tuple[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoiced:
    """What earlier issued runs invoiced for one line, for whom, and how it was settled."""

    amount: Decimal  # sum invoiced in earlier issued runs (0 for a line only shown before)
    municipality: str
    trajectory: str | None = None
    status: str | None = None  # the line's status in the last issued run, if it was in one


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
    status: str | None  # the line's status now; None when it has disappeared
    line_reason: str | None  # the line's reason now (e.g. NORM_NOT_MET)
    funding: Mapping[str, Decimal] = field(hash=False)  # split of `amount` (read-only); empty on info lines
    line: Line | None = field(default=None, compare=False)  # the current line, if any

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


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """Everything a run would issue, and what it shows for information."""

    lines: tuple[RunLine, ...]  # every current line, then vanished invoiced lines
    net_by_municipality: Mapping[str, Decimal] = field(hash=False)  # ordered by code
    documents: tuple[RunDocument, ...]  # ordered by municipality code; none for a zero net
    by_funding: Mapping[str, Decimal] = field(hash=False)  # funding split of all amounts


def diff_run(
    current_lines: Iterable[Line],
    invoiced: Mapping[LineKey, Decimal | Invoiced],
    revoked: Collection[LineKey] = frozenset(),
    *,
    funding: Sequence[FundingShare] = (),
    vat_rate: Decimal = ZERO,
) -> RunResult:
    """Compare current lines with what was invoiced before and make this run's documents.

    `invoiced` maps (milestone, tranche) to the sum invoiced in earlier issued runs; a
    bare Decimal is enough for lines that still exist, but a line that has disappeared
    needs an Invoiced value so that its credit can be addressed to its municipality, and
    a withheld line made payable is a CORRECTION only if its Invoiced status says so.
    `revoked` names lines whose own claim lost its approval (e.g. after an audit).
    `funding` and `vat_rate` are the contract's.
    """
    revoked = frozenset(revoked)
    split = FundingSplitter(funding).split
    run_lines: list[RunLine] = []
    present: set[LineKey] = set()
    for line in current_lines:
        key = (line.milestone, line.tranche)
        present.add(key)
        previous = invoiced.get(key)
        before = _amount(previous)
        delta = line.payable - before
        if not delta:
            run_lines.append(_run_line(line, before, None, None, _NO_SPLIT))
            continue
        if before:
            reason = REVOKED if key in revoked or line.review != APPROVED else CORRECTION
        elif isinstance(previous, Invoiced) and previous.status == WITHHELD:
            reason = CORRECTION  # settled as withheld before, payable now: an upheld objection
        else:
            reason = None
        run_lines.append(_run_line(line, before, delta, reason, split(delta)))

    # Lines invoiced before that the evaluation no longer has: their claim was rejected
    # (or withdrawn), so what was paid on them comes back in full.
    for key in sorted(set(invoiced) - present):
        value = invoiced[key]
        before = _amount(value)
        if not before:
            continue
        if not isinstance(value, Invoiced):
            raise ValueError(f"line {key} was invoiced before and has disappeared: give its municipality "
                             f"as Invoiced(amount=..., municipality=...)")
        run_lines.append(RunLine(
            milestone=key[0], tranche=key[1], trajectory=value.trajectory, municipality=value.municipality,
            invoiced_before=before, payable_now=ZERO, amount=-before, reason=REVOKED, status=None,
            line_reason=None, funding=split(-before), line=None,
        ))

    net: dict[str, Decimal] = {}
    by_funding = {share.source: ZERO for share in funding}
    for run_line in run_lines:
        if run_line.amount is None:
            continue
        net[run_line.municipality] = net.get(run_line.municipality, ZERO) + run_line.amount
        for source, part in run_line.funding.items():
            by_funding[source] += part
    net = dict(sorted(net.items()))
    amounts: dict[str, list[RunLine]] = {}
    for run_line in run_lines:
        if run_line.amount is not None:
            amounts.setdefault(run_line.municipality, []).append(run_line)
    documents = []
    for municipality, subtotal in net.items():
        if not subtotal:
            continue
        # Quantizing rounds halves away from zero, so a credit's VAT mirrors an invoice's.
        vat = percentage_of(subtotal, vat_rate)
        documents.append(RunDocument(
            municipality=municipality,
            kind=(DocumentKind.INVOICE if subtotal > 0 else DocumentKind.CREDIT_NOTE).value,
            subtotal=subtotal,
            vat=vat,
            total=subtotal + vat,
            lines=tuple(amounts[municipality]),
        ))
    return RunResult(lines=tuple(run_lines), net_by_municipality=net, documents=tuple(documents),
                     by_funding=by_funding)


def _amount(value: Decimal | Invoiced | None) -> Decimal:
    if value is None:
        return ZERO
    return to_cents(value.amount if isinstance(value, Invoiced) else value)


def _run_line(line: Line, before: Decimal, delta: Decimal | None, reason: str | None,
              funding: Mapping[str, Decimal]) -> RunLine:
    return RunLine(
        milestone=line.milestone, tranche=line.tranche, trajectory=line.trajectory, municipality=line.municipality,
        invoiced_before=before, payable_now=line.payable, amount=delta, reason=reason, status=line.status,
        line_reason=line.reason, funding=funding, line=line,
    )
