"""Dutch words printed on invoice documents, one place for each code.

The wording follows the portal's screens (portal/formatting.py) so that a bureau
reads the same reason on screen and on paper; this package keeps its own copy
because documents render without Flask.
"""
from __future__ import annotations

#: Settlement reason codes (settlement.md, sections 6 and 9) -> Dutch explanation.
REASON_TEXTS: dict[str, str] = {
    "OUTSIDE_CONTRACT_PERIOD": "Start buiten de contractperiode",
    "OVER_VOLUME": "Boven het gecontracteerde volume",
    "DUPLICATE_CLAIM": "Dubbele declaratie",
    "LATE_SUBMISSION": "Te laat ingediend",
    "OUTSIDE_WINDOW": "Buiten de resultaattermijn",
    "AWAITING_REVIEW": "Wacht op beoordeling",
    "NORM_PENDING": "Prestatienorm nog niet vast te stellen",
    "NORM_NOT_MET": "Prestatienorm niet gehaald",
    "CORRECTION": "Correctie op eerder gefactureerd bedrag",
    "REVOKED": "Goedkeuring ingetrokken",
}

#: Annex line status -> Dutch.
STATUS_TEXTS: dict[str, str] = {
    "withheld": "Ingehouden",
    "pending": "Nog niet betaalbaar",
    "partial": "Deels betaalbaar",
}

#: Contract segments -> Dutch.
SEGMENT_TEXTS: dict[str, str] = {
    "voortraject": "Voortraject",
    "aanbodversterking": "Aanbodversterking",
    "arbeidsritme": "Arbeidsritme",
    "directe_bemiddeling": "Directe bemiddeling en nazorg",
    "sociale_activering": "Sociale activering",
}

#: Tranche codes (the milestone type a tranche is tied to) -> Dutch.
TRANCHE_TEXTS: dict[str, str] = {
    "intake": "Intake",
    "plan": "Trajectplan",
    "participation_step": "Participatiestap",
    "placement": "Plaatsing",
    "sustained_placement": "Duurzame plaatsing",
    "completion": "Afronding",
}

DOCUMENT_TITLES = {"invoice": "Factuur", "credit_note": "Creditnota"}

#: Default reason printed (and put in UBL BT-120) when the VAT rate is 0.
DEFAULT_VAT_EXEMPTION = "Vrijgesteld van btw (art. 11 Wet OB 1968)"


def reason_text(code: str | None) -> str:
    """Return the Dutch explanation of a reason code (the code itself if unknown)."""
    if code is None:
        return ""
    return REASON_TEXTS.get(code, code)


def status_text(status: str) -> str:
    return STATUS_TEXTS.get(status, status)


def segment_text(segment: str) -> str:
    return SEGMENT_TEXTS.get(segment, segment)


def tranche_text(code: str) -> str:
    return TRANCHE_TEXTS.get(code, code)
