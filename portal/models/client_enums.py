"""The closed vocabularies of the client facts (issue 9); each becomes a CHECK constraint."""
from __future__ import annotations

# Facts about a client that change over time, each with the date it holds from.
FACT_KINDS = ("target_group", "benefit", "profile", "language_level")
# Dutch as a second language (CEFR levels), or Dutch as first language.
LANGUAGE_LEVELS = ("a0", "a1", "a2", "b1", "b2", "c1", "c2", "moedertaal")

# The participatieladder: rung -> Dutch name.
LADDER_RUNGS = {
    1: "Geïsoleerd",
    2: "Sociale contacten buiten de deur",
    3: "Deelname aan georganiseerde activiteiten",
    4: "Onbetaald werk",
    5: "Betaald werk met ondersteuning",
    6: "Betaald werk",
}
LADDER_STATES = ("proposed", "confirmed", "rejected")
# Segments in which a ladder measurement at intake is required at referral.
LADDER_SEGMENTS = ("sociale_activering", "aanbodversterking")

ACTIVATION_KINDS = ("volunteering", "mantelzorg", "beschut_werk", "dagbesteding", "training", "language_course")
PLACEMENT_CHANGES = ("ended_early", "fewer_hours", "benefit_resumed")

# What ESF+ asks per participant.
GENDERS = ("man", "vrouw", "x")
ISCED_LEVELS = ("0", "1", "2", "3", "4", "5", "6", "7", "8")
LABOUR_STATUSES = ("unemployed", "long_term_unemployed", "inactive")
EXIT_RESULTS = ("in_work", "in_education", "job_seeking", "other")
