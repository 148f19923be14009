"""Explain, run by run, why a line's amount moved (section 9), in plain Dutch."""
from __future__ import annotations

from collections.abc import Sequence

from .explain import _STATUS, _d, _eur, _history_text, _why
from .glossary import NoLine, Reason
from .runs import RunLine, RunResult, net_of
from .runs_over_time import ScenarioRun

_REASONS = {
    Reason.REVOKED.value: "REVOKED — er stond iets gefactureerd en de eigen declaratie is op deze peildatum niet "
                          "(meer) goedgekeurd",
    Reason.CORRECTION.value: "CORRECTION — correctie van een eerder afgerekende regel",
    None: "nieuw uitbetaalbaar",
}


def explain_runs(runs: Sequence[ScenarioRun], milestone_ref: str, *, contract: str | None = None) -> str:
    """Tell run by run what happened to a milestone's line and why (LookupError if it never had one)."""
    texts = []
    seen = False
    for number, run in enumerate(runs, start=1):
        for result in run.contracts:
            if contract is not None and result.result.code != contract:
                continue
            text = _run_text(number, result, milestone_ref)
            if text is not None:
                seen = seen or "geen regel" not in text.split("\n", 1)[0]
                texts.append(text)
    if not texts:
        raise LookupError(f"no milestone {milestone_ref!r} in these runs")
    if not seen:
        texts.append("Deze mijlpaal had in geen enkele afrekening een regel.")
    return "\n\n".join(texts)


def _run_text(number: int, run: RunResult, ref: str) -> str | None:
    result = run.result
    head = f"Afrekening {number}, peildatum {_d(run.as_of)} (perceel {result.code})"
    change = next((c for c in run.changes if c.milestone == ref), None)
    line = result.line(ref)
    if change is not None:
        return head + ":\n" + _change_text(run, change)
    if line is not None:
        before = net_of(run.invoiced.get((line.milestone, line.tranche)))
        return (f"{head}: geen verschuiving — {_STATUS.get(line.status, line.status)}"
                f"{f' ({line.reason})' if line.reason else ''}, uitbetaalbaar {_eur(line.payable)}, "
                f"eerder gefactureerd {_eur(before)}.")
    why = result.no_line.get(ref)
    if why is None:
        return None
    if why == NoLine.REJECTED:
        reviews = result.rejected_reviews.get(ref, ())
        return f"{head}: geen regel — de declaratie telt als afgewezen ({_history_text(reviews, run.as_of)})."
    if why == NoLine.NOT_YET_KNOWN:
        return f"{head}: geen regel — de mijlpaal of het traject bestaat op deze peildatum nog niet."
    return f"{head}: geen regel ({why})."


def _change_text(run: RunResult, change: RunLine) -> str:
    result = run.result
    parts = [f"  bedrag {_eur(change.amount)} = nu uitbetaalbaar {_eur(change.payable_now)} − eerder "
             f"gefactureerd {_eur(change.invoiced_before)}; reden: {_REASONS.get(change.reason, change.reason)}."]
    line = change.line
    if line is None:
        reviews = result.rejected_reviews.get(change.milestone, ())
        parts.append(f"  De regel bestaat niet meer: de declaratie telt als afgewezen "
                     f"({_history_text(reviews, run.as_of)}); wat erop gefactureerd is, komt volledig terug.")
    else:
        parts.append(f"  Beoordeling: {_history_text(line.reviews, run.as_of)}.")
        parts.append(f"  Nu {_STATUS.get(line.status, line.status)}{f' ({line.reason})' if line.reason else ''}: "
                     f"{_why(result, line)}")
        if change.reason == Reason.CORRECTION and not change.invoiced_before:
            parts.append("  In de vorige afrekening was deze regel ingehouden; nu wordt hij alsnog betaald.")
    if change.previous_status is not None:
        parts.append(f"  In de vorige afrekening: {_STATUS.get(change.previous_status, change.previous_status)}.")
    if change.funding:
        parts.append("  Financiering: " + ", ".join(f"{s} {_eur(p)}" for s, p in change.funding.items()) + ".")
    return "\n".join(parts)
