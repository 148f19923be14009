"""Why a claim is rejected: a small fixed list, so the bureau and the reports can group on it.

A leaf module (no imports) so that formatting.LABELS can include these labels without an import cycle.
"""

REJECTION_REASONS = {
    "EVIDENCE_MISSING": "Bewijs ontbreekt of is onleesbaar",
    "EVIDENCE_MISMATCH": "Bewijs past niet bij de declaratie",
    "NOT_ELIGIBLE": "Voldoet niet aan de contractvoorwaarden",
    "DUPLICATE": "Al eerder gedeclareerd",
    "OTHER": "Anders",
}
