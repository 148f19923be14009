"""The closed vocabularies the portal stores; each becomes a CHECK constraint."""
from __future__ import annotations

from settlement.glossary import EndReason, MilestoneType, Review, Segment

# Domain vocabularies: the settlement engine's glossary is the one spelling.
SEGMENTS = tuple(s.value for s in Segment)
MILESTONE_TYPES = tuple(m.value for m in MilestoneType)
REVIEW_STATES = ("pending", "approved", "rejected")
assert set(REVIEW_STATES) == {r.value for r in Review}
END_REASONS = tuple(r.value for r in EndReason)

ROLES = ("provider", "klantmanager", "reviewer", "finance", "admin", "auditor")

TARGET_GROUPS = ("statushouder", "50plus", "jongere", "arbeidsbeperking", "overig")
BENEFITS = ("participatiewet", "anw", "ioaw", "nug")

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
