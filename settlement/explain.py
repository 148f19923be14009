"""Explain a line in plain Dutch: which rule decided it, on which dates and figures.

Finance staff and bureaus read these texts, so they are Dutch, use the words the screens use
(declaratie, not claim) and Dutch notation (€ 1.234,56; 31-12-2026; 35 %, never a bare ratio);
the reason codes are shown too, as the portal shows them. Where a cohort missed its norm the text
says how many results it lacked.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from decimal import ROUND_HALF_UP
from fractions import Fraction
from typing import Mapping

from .forecast import needed_results
from .glossary import Decision, NoLine, Reason, VolumeLimit
from .model import ReviewDecision
from .money import round_fraction
from .results import Cohort, ContractSettlement, Line, Settlement
from .reviews import decision_index

_PLURAL = {
    "intake": "intakes",
    "plan": "trajectplannen",
    "participation_step": "treden op de participatieladder",
    "placement": "plaatsingen",
    "sustained_placement": "duurzame plaatsingen",
    "completion": "afrondingen",
}
_TYPES = {
    "intake": "intake",
    "plan": "trajectplan",
    "participation_step": "trede op de participatieladder",
    "placement": "plaatsing",
    "sustained_placement": "duurzame plaatsing",
    "completion": "afronding",
}
_DECISIONS = {"approved": "goedgekeurd", "rejected": "afgewezen", "revoked": "goedkeuring ingetrokken"}
_STATUS = {"payable": "uitbetaalbaar", "partial": "deels uitbetaalbaar", "withheld": "ingehouden",
           "pending": "in afwachting"}
_COHORT_STATUS = {"pending": "nog niet definitief", "met": "norm gehaald", "not_met": "norm niet gehaald"}


def explain_line(result: Settlement | ContractSettlement, milestone_ref: str, *, contract: str | None = None,
                 municipality_names: Mapping[str, str] | None = None) -> str:
    """Explain why a milestone's line is payable, withheld or pending (LookupError if unknown).

    `municipality_names` maps CBS codes to names, so the text says "gemeente Alkmaar (0361)".
    """
    settlements = [result] if isinstance(result, ContractSettlement) else list(result.contracts)
    if contract is not None:
        settlements = [s for s in settlements if s.code == contract]
        if not settlements:
            raise LookupError(f"no contract {contract!r} in this settlement")
    for settlement in settlements:
        line = settlement.line(milestone_ref)
        if line is not None:
            return explain(settlement, line, municipality_names=municipality_names)
    for settlement in settlements:
        why = settlement.no_line.get(milestone_ref)
        if why is not None:
            return _explain_no_line(settlement, milestone_ref, why)
    raise LookupError(f"no milestone {milestone_ref!r} in this settlement")


def explain(settlement: ContractSettlement, line: Line, *, municipality_names: Mapping[str, str] | None = None) -> str:
    """Explain one line of a contract's settlement (no look-up: for explaining every line)."""
    contract = settlement.contract
    names = municipality_names or {}
    parts = [
        f"Regel {line.milestone} — perceel {settlement.code}, traject {line.trajectory} "
        f"(gestart {_d(line.trajectory_start)}), gemeente {_municipality(line.municipality, names)}.",
        f"Declaratie: {_TYPES.get(line.type, line.type)} van {_d(line.date)}, ingediend {_d(line.submitted)}, "
        f"{_review(line, settlement.as_of)}; tranche '{line.tranche}' van {_eur(line.amount)}"
        f"{' (resultaattranche, afhankelijk van de prestatienorm)' if line.result else ''}.",
        f"Uitkomst per peildatum {_d(settlement.as_of)}: {_STATUS.get(line.status, line.status)}"
        f"{f' ({line.reason})' if line.reason else ''} — uitbetaalbaar {_eur(line.payable)}, "
        f"ingehouden {_eur(line.withheld)}, in afwachting {_eur(line.pending)}.",
        "Waarom: " + _why(settlement, line, names),
    ]
    facts = _claim_facts(settlement, line)
    if facts:
        parts.append("Toetsing: " + " ".join(facts))
    if line.result and line.cohort is not None and settlement.cohorts:
        parts.append(_cohort_text(settlement.cohorts[line.cohort], contract.norm.milestone))
    if line.payable and line.funding:
        parts.append("Financiering: " + ", ".join(f"{source} {_eur(part)}" for source, part in line.funding.items())
                     + ".")
    return "\n".join(parts)


def _municipality(code: str, names: Mapping[str, str]) -> str:
    return f"{names[code]} ({code})" if code in names else code


def _why(settlement: ContractSettlement, line: Line, names: Mapping[str, str] | None = None) -> str:
    contract = settlement.contract
    names = names or {}
    reason = line.reason
    if reason == Reason.OUTSIDE_CONTRACT_PERIOD:
        return (f"het traject startte op {_d(line.trajectory_start)}, buiten de looptijd van het perceel "
                f"({_d(contract.start)} t/m {_d(contract.end)}); alle regels van dit traject worden ingehouden.")
    if reason == Reason.OVER_VOLUME:
        limit = settlement.volume_limits.get(line.trajectory)
        if limit == VolumeLimit.MUNICIPALITY_CAP:
            cap = (contract.municipality_caps or {}).get(line.municipality)
            what = f"gemeente {_municipality(line.municipality, names)} had haar plafond van {cap} trajecten al bereikt"
        else:
            what = f"het perceel had het maximum van {contract.max_trajectories} trajecten al toegelaten"
        return (f"het traject valt buiten het gecontracteerde volume: {what} (trajecten worden toegelaten in "
                f"volgorde van startdatum en referentie; geweigerde trajecten tellen niet mee). "
                f"Alle regels van dit traject worden ingehouden.")
    if reason == Reason.DUPLICATE_CLAIM:
        return (f"per traject en mijlpaalsoort telt één declaratie; de eerste declaratie is {line.primary} en die is "
                f"goedgekeurd, dus deze dubbele declaratie wordt ingehouden.")
    if reason == Reason.LATE_SUBMISSION:
        return (f"ingediend op {_d(line.submitted)}, na de uiterste indiendatum {_d(line.deadline)} "
                f"({_d(line.date)} + {contract.submission_deadline_days} dagen).")
    if reason == Reason.OUTSIDE_WINDOW:
        if line.date < line.trajectory_start:
            return (f"de mijlpaal is gedateerd {_d(line.date)}, vóór de start van het traject "
                    f"({_d(line.trajectory_start)}).")
        months = contract.norm.window_months if contract.norm else 0
        return (f"de mijlpaal is gedateerd {_d(line.date)}, na het einde van het venster {_d(line.window_end)} "
                f"(start traject + {months} maanden).")
    if reason == Reason.AWAITING_REVIEW:
        text = "de declaratie is op de peildatum nog niet beoordeeld (of de beoordeling ligt na de peildatum)."
        if line.primary != line.milestone:
            text += (f" Het is een tweede declaratie naast {line.primary}, die ook nog op beoordeling wacht; wordt "
                     f"die afgewezen, dan neemt deze declaratie haar plaats in.")
        return text
    if reason == Reason.NORM_PENDING:
        cohort = settlement.cohorts[line.cohort]
        if settlement.as_of < cohort.final_on:
            until = f"dat kan pas op {_d(cohort.final_on)} (einde periode + venster + indientermijn)"
        else:
            until = "er wachten nog declaraties die meetellen voor de norm op beoordeling"
        return ("resultaattranche: de uitbetaling hangt af van de prestatienorm van het cohort van dit traject, "
                f"en dat cohort is nog niet definitief: {until}.")
    if reason == Reason.NORM_NOT_MET:
        cohort = settlement.cohorts[line.cohort]
        return (f"resultaattranche: het cohort haalde de norm niet: {_shortfall(cohort, contract.norm.milestone)}. "
                f"Dat is {_share(cohort.ratio)} van de norm; volgens de staffel wordt daarom {_part(cohort.pay_fraction)} "
                f"van het bedrag betaald: {_eur(line.payable)} van {_eur(line.amount)} (\"niet halen is niet "
                f"betalen\").")
    if line.result:
        cohort = settlement.cohorts[line.cohort]
        return (f"de declaratie is goedgekeurd, op tijd en binnen het venster, en het cohort is definitief: "
                f"volgens de staffel wordt {_part(cohort.pay_fraction)} betaald.")
    return "de declaratie is goedgekeurd, op tijd ingediend en valt binnen het venster."


def _claim_facts(settlement: ContractSettlement, line: Line) -> list[str]:
    facts = []
    if line.primary == line.milestone:
        facts.append("Dit is de eerste declaratie voor deze mijlpaalsoort van het traject.")
    else:
        facts.append(f"Dit is een dubbele declaratie; de eerste declaratie is {line.primary}.")
    if line.deadline is None:
        facts.append("Het perceel kent geen indientermijn.")
    else:
        verdict = "te laat" if line.submitted > line.deadline else "op tijd"
        facts.append(f"Uiterste indiendatum {_d(line.deadline)}: {verdict}.")
    if line.date < line.trajectory_start:
        facts.append(f"Gedateerd vóór de start van het traject ({_d(line.trajectory_start)}): buiten het venster.")
    elif line.window_end is not None:
        verdict = "binnen" if line.date <= line.window_end else "buiten"
        facts.append(f"Venster {_d(line.trajectory_start)} t/m {_d(line.window_end)}: {verdict} het venster.")
    return facts


def _cohort_text(cohort: Cohort, norm_type: str) -> str:
    if cohort.denominator:
        figures = _shortfall(cohort, norm_type)
    else:
        figures = "geen trajecten die meetellen voor de norm, dus de norm geldt als gehaald"
    text = (f"Cohort {cohort.index + 1} (gestart {_d(cohort.period_start)} t/m {_d(cohort.period_end)}): "
            f"{cohort.trajectories} trajecten, {figures}. Definitief vanaf {_d(cohort.final_on)}")
    if cohort.awaiting_review == 1:
        text += "; er wacht nog 1 declaratie op beoordeling"
    elif cohort.awaiting_review:
        text += f"; er wachten nog {cohort.awaiting_review} declaraties op beoordeling"
    text += f". Status: {_COHORT_STATUS.get(cohort.status, cohort.status)}"
    if cohort.pay_fraction is not None:
        text += f", de staffel betaalt {_part(cohort.pay_fraction)}"
    return text + "."


def _shortfall(cohort: Cohort, norm_type: str) -> str:
    """'7 van 20 geplaatst (35 %); de norm is 40 %: er ontbrak 1 plaatsing' (or 'de norm is gehaald')."""
    name, plural = _TYPES.get(norm_type, norm_type), _PLURAL.get(norm_type, norm_type)
    text = (f"{cohort.numerator} van {cohort.denominator} trajecten met een geldige {name} "
            f"({_pct(cohort.rate)}); de norm is {_pct(cohort.norm)}")
    missing = needed_results(cohort)
    if missing == 0:
        return text + ": de norm is gehaald"
    verb = "ontbreekt" if not cohort.final else "ontbrak"
    if missing == 1:
        return text + f": er {verb} 1 {name}"
    return text + f": er {'ontbreken' if not cohort.final else 'ontbraken'} {missing} {plural}"


def _explain_no_line(settlement: ContractSettlement, ref: str, why: str) -> str:
    reasons = {
        NoLine.NOT_YET_KNOWN: "de mijlpaal of het traject ligt na de peildatum en bestaat op die datum nog niet",
        NoLine.REJECTED: "de declaratie is afgewezen; afgewezen declaraties tellen nergens voor mee",
        NoLine.NO_TRANCHE: "het perceel kent geen tranche voor deze mijlpaalsoort (hij kan wel meetellen voor de norm)",
    }
    text = (f"Mijlpaal {ref} (perceel {settlement.code}) heeft geen regel per peildatum "
            f"{_d(settlement.as_of)}: {reasons.get(why, why)}.")
    reviews = settlement.rejected_reviews.get(ref)
    if reviews:
        text += f"\nBeoordeling: {_history_text(reviews, settlement.as_of)}."
    return text


def _review(line: Line, as_of: date) -> str:
    return _history_text(line.reviews, as_of)


def _history_text(reviews: tuple[ReviewDecision, ...], as_of: date) -> str:
    """Name the decision in force on as_of and the later decisions it leaves out (section 2)."""
    position = decision_index(reviews, as_of)
    if position < 0:
        text = "nog niet beoordeeld op de peildatum"
    else:
        decision = reviews[position]
        text = f"{_DECISIONS.get(decision.decision, decision.decision)} op {_d(decision.date)}"
        if len(reviews) > 1:
            text += f" (besluit {position + 1} van {len(reviews)} in de beoordelingsgeschiedenis)"
        if decision.decision == Decision.REVOKED:
            text += ", en telt daarom als afgewezen"
    later = reviews[position + 1:]
    if later:
        ignored = "; ".join(f"{_DECISIONS.get(d.decision, d.decision)} op {_d(d.date)}" for d in later)
        text += (f"; {'het latere besluit' if len(later) == 1 else 'de latere besluiten'} ({ignored}) "
                 f"{'telt' if len(later) == 1 else 'tellen'} niet mee: na de peildatum {_d(as_of)}")
    return text


def _d(day: date | None) -> str:
    return "—" if day is None else day.strftime("%d-%m-%Y")


def _eur(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"€ {sign}{'.'.join(groups)},{cents}"


def _pct(percent: Decimal | None) -> str:
    """A percentage with at most one decimal: 35,00 -> '35 %', 33,33 -> '33,3 %'."""
    return "—" if percent is None else _percent_text(percent)


def _part(fraction: Decimal | None) -> str:
    """A fraction of one as a percentage: 0,3330 -> '33,3 %', 1 -> '100 %'."""
    return "—" if fraction is None else _percent_text(fraction * 100)


def _share(ratio: Fraction) -> str:
    """A ratio as a percentage: 2/3 -> '66,7 %'."""
    return _percent_text(round_fraction(ratio * 100, 1))


def _percent_text(percent: Decimal) -> str:
    text = f"{Decimal(percent).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}".removesuffix(".0")
    return f"{text.replace('.', ',')} %"
