"""The closed vocabularies the portal stores; each becomes a CHECK constraint."""
from __future__ import annotations

# Domain vocabularies shared with the settlement engine (scenario-format.md).
SEGMENTS = ("voortraject", "aanbodversterking", "arbeidsritme", "directe_bemiddeling", "sociale_activering")
MILESTONE_TYPES = ("intake", "plan", "participation_step", "placement", "sustained_placement", "completion")
REVIEW_STATES = ("pending", "approved", "rejected")
END_REASONS = ("moved", "deceased", "medical", "work", "dropout", "completed", "other")

ROLES = ("provider", "klantmanager", "reviewer", "finance", "admin")

TARGET_GROUPS = ("statushouder", "vijftig_plus", "jongere", "arbeidsbeperking", "overig")
BENEFITS = ("participatiewet", "anw", "ioaw", "geen")

TRAJECTORY_STATES = ("referred", "declined", "accepted", "active", "ended")
PLAN_STATES = ("none", "submitted", "approved", "returned")

EVIDENCE_KINDS = ("employment_contract", "payslip", "employer_statement", "attendance_list", "plan", "other")
CONTRACT_TYPES = ("vast", "bepaalde_tijd", "uitzend", "oproep", "proefplaatsing")
BENEFIT_ENDINGS = ("fully", "partly", "not")
REVIEW_DECISIONS = ("approved", "rejected", "revoked")

RUN_STATES = ("draft", "submitted", "returned", "issued", "discarded")
LINE_STATES = ("payable", "partial", "withheld", "pending")
DOCUMENT_KINDS = ("invoice", "credit_note")
OBJECTION_STATES = ("open", "upheld", "rejected")
