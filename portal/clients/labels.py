"""Dutch words for the client-fact codes (kept apart: "none" and "nug" mean other things elsewhere)."""
from __future__ import annotations

from datetime import date

from ..models.client_enums import LADDER_RUNGS

FACT_LABELS = {
    # target groups
    "statushouder": "Statushouder", "50plus": "50-plusser", "jongere": "Jongere (tot 27)",
    "arbeidsbeperking": "Arbeidsbeperking", "nug": "Niet-uitkeringsgerechtigd (nug)", "anw": "ANW-gerechtigd",
    "overig": "Overig",
    # benefits (the target group "anw" and the benefit "anw" read alike on purpose)
    "participatiewet": "Participatiewet", "ioaw": "IOAW", "ioaz": "IOAZ", "ww": "WW", "wia": "WIA",
    "wajong": "Wajong", "wao": "WAO", "none": "Geen uitkering",
    # language levels
    "a0": "A0 (geen Nederlands)", "a1": "A1", "a2": "A2", "b1": "B1", "b2": "B2", "c1": "C1", "c2": "C2",
    "moedertaal": "Moedertaal",
    # fact kinds
    "target_group": "Doelgroep", "benefit": "Uitkering", "profile": "Cliëntprofiel", "language_level": "Taalniveau",
    # ladder
    "proposed": "Voorgesteld", "confirmed": "Bevestigd", "rejected": "Afgewezen",
    # social activation
    "volunteering": "Vrijwilligerswerk", "mantelzorg": "Mantelzorg", "beschut_werk": "(Alternatief) beschut werk",
    "dagbesteding": "Dagbesteding", "training": "Scholing of opleiding", "language_course": "Taalcursus",
    # placement changes
    "ended_early": "Eerder beëindigd", "fewer_hours": "Minder uren", "benefit_resumed": "Uitkering hervat",
    # ESF
    "man": "Man", "vrouw": "Vrouw", "x": "X (anders / onbekend)",
    "unemployed": "Werkloos", "long_term_unemployed": "Langdurig werkloos", "inactive": "Inactief",
    "in_work": "Aan het werk", "in_education": "In onderwijs of opleiding", "job_seeking": "Werkzoekend",
    "other": "Anders of onbekend",
    "under_30": "Jonger dan 30", "30_54": "30 tot en met 54", "55_plus": "55 of ouder",
}
ISCED_LABELS = {
    "0": "ISCED 0 — voorschools / geen", "1": "ISCED 1 — basisonderwijs", "2": "ISCED 2 — vmbo, onderbouw havo/vwo",
    "3": "ISCED 3 — mbo 2-4, havo, vwo", "4": "ISCED 4 — mbo-4 specialist", "5": "ISCED 5 — associate degree",
    "6": "ISCED 6 — bachelor", "7": "ISCED 7 — master", "8": "ISCED 8 — doctor",
}


def fact_label(code) -> str:
    """Return the Dutch word for a client-fact code (or a ladder rung)."""
    if code is None:
        return ""
    if isinstance(code, int):
        return f"{code} — {LADDER_RUNGS.get(code, '?')}"
    return FACT_LABELS.get(code, code)


def isced_label(code: str | None) -> str:
    return ISCED_LABELS.get(code or "", code or "")


def age_band(birth: date | None, on: date | None) -> str | None:
    """Return the ESF+ age band at a date: under 30, 30-54, 55 or older."""
    if birth is None or on is None:
        return None
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return "under_30" if age < 30 else "30_54" if age < 55 else "55_plus"
