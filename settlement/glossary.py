"""The domain words and the closed lists of codes, each named once.

Dutch words stay Dutch where they are the users' words; the code around them is
English. Every enumeration the settlement rules or the scenario format know is
here, so that validation, evaluation and the portal agree on one spelling.
"""
from __future__ import annotations

from enum import StrEnum

#: Dutch domain word -> one-line English meaning.
GLOSSARY: dict[str, str] = {
    "afrekening": "settlement: what is payable, withheld and pending as of a date",
    "peildatum": "reference date (as_of) of a settlement",
    "perceel": "contract: one provider, one segment, one period, one price",
    "prestatienorm": "performance norm: share of a cohort that must reach the result",
    "staffel": "pay fraction by achievement ratio of the norm",
    "tranche": "part of the price paid on one milestone type",
    "cohort": "trajectories that started in one measurement period",
    "meetperiode": "measurement period: the contract period cut in norm-length pieces",
    "gemeente": "municipality (identified by its CBS code)",
    "penvoerder": "lead municipality of a consortium",
    "re-integratiebedrijf": "provider: the bureau that carries out trajectories",
    "traject": "trajectory: one client's route to work under one contract",
    "aanmelding": "referral of a client to a contract",
    "mijlpaal": "milestone claimed by the provider, reviewed by the consortium",
    "werkdeel": "municipal re-integration budget, a funding source",
    "creditnota": "credit note: a negative settlement document",
    "niet halen is niet betalen": "not reaching the norm means not being paid",
    "elfproef": "11-test that every BSN must pass",
    "BSN": "burgerservicenummer, the Dutch citizen service number",
}


class Segment(StrEnum):
    """Segment of re-integration services a contract covers."""

    VOORTRAJECT = "voortraject"
    AANBODVERSTERKING = "aanbodversterking"
    ARBEIDSRITME = "arbeidsritme"
    DIRECTE_BEMIDDELING = "directe_bemiddeling"
    SOCIALE_ACTIVERING = "sociale_activering"


class MilestoneType(StrEnum):
    """Kind of milestone a provider can claim, in the order of a trajectory."""

    INTAKE = "intake"
    PLAN = "plan"
    PARTICIPATION_STEP = "participation_step"
    PLACEMENT = "placement"
    SUSTAINED_PLACEMENT = "sustained_placement"
    COMPLETION = "completion"


class Review(StrEnum):
    """Review decision on a claimed milestone."""

    APPROVED = "approved"
    REJECTED = "rejected"
    PENDING = "pending"


class Decision(StrEnum):
    """One decision in a milestone's review history (section 2)."""

    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"  # an approval withdrawn: from then on the claim counts as rejected


class EndReason(StrEnum):
    """Why a trajectory ended."""

    MOVED = "moved"
    DECEASED = "deceased"
    MEDICAL = "medical"
    WORK = "work"
    DROPOUT = "dropout"
    COMPLETED = "completed"
    OTHER = "other"


class Reason(StrEnum):
    """Why a line is not (fully) payable, or why a run amount differs; in precedence order."""

    OUTSIDE_CONTRACT_PERIOD = "OUTSIDE_CONTRACT_PERIOD"
    OVER_VOLUME = "OVER_VOLUME"
    DUPLICATE_CLAIM = "DUPLICATE_CLAIM"
    LATE_SUBMISSION = "LATE_SUBMISSION"
    OUTSIDE_WINDOW = "OUTSIDE_WINDOW"
    AWAITING_REVIEW = "AWAITING_REVIEW"
    NORM_PENDING = "NORM_PENDING"
    NORM_NOT_MET = "NORM_NOT_MET"
    # Settlement runs (section 9) only:
    CORRECTION = "CORRECTION"
    REVOKED = "REVOKED"


class LineStatus(StrEnum):
    """Outcome of one line."""

    PAYABLE = "payable"
    PARTIAL = "partial"
    WITHHELD = "withheld"
    PENDING = "pending"


class CohortStatus(StrEnum):
    """Outcome of one cohort against the norm."""

    PENDING = "pending"
    MET = "met"
    NOT_MET = "not_met"


class NoLine(StrEnum):
    """Why a milestone of the contract produced no line at all."""

    NOT_YET_KNOWN = "NOT_YET_KNOWN"  # its date, submission or trajectory lies after as_of
    REJECTED = "REJECTED"  # rejected claims are no claims
    NO_TRANCHE = "NO_TRANCHE"  # the contract pays nothing for this milestone type


class VolumeLimit(StrEnum):
    """Which contracted volume refused a trajectory."""

    MAX_TRAJECTORIES = "max_trajectories"
    MUNICIPALITY_CAP = "municipality_cap"


class DocumentKind(StrEnum):
    """Document a settlement run issues for a municipality."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


# Plain-string sets for membership tests (validation runs them per record).
SEGMENTS = frozenset(m.value for m in Segment)
MILESTONE_TYPES = frozenset(m.value for m in MilestoneType)
REVIEWS = frozenset(m.value for m in Review)
DECISIONS = frozenset(m.value for m in Decision)
END_REASONS = frozenset(m.value for m in EndReason)
REASONS = frozenset(m.value for m in Reason)

SCENARIO_FORMAT = "reintegratie-scenario/1"
SETTLEMENT_FORMAT = "reintegratie-settlement/1"
RUNS_FORMAT = "reintegratie-runs/1"
