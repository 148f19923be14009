"""The portal's data model; importing this module registers every table on Base.metadata."""
from .account import ApiToken, AuditEvent, LoginAttempt, PasswordReset, RecoveryCode, RoleGrant, User
from .api import ApiIdempotencyKey, ApiRateWindow  # noqa: F401 (issue 13: JSON API)
from .auditing import AuditAnchor, AuditChainHead, AuditSample, AuditSampleItem
from .bank import BankEntry, BankStatement  # noqa: F401 (bank statements, issue 14)
from .objection_attachment import ObjectionAttachment  # noqa: F401 (issue 14: attachments to objections)
from .base import Base
from .client_facts import (ActivationResult, ClientFact, ClientProfile, DurableOutflowTerms, EsfParticipant,  # noqa: F401
                           LadderMeasurement, ParticipationStep, PlacementChange)
from .budget import MunicipalityBudget  # noqa: F401 (meten)
from .contract import Contract, ExcludedEndReason, FundingShare, MunicipalityCap, StaffelStep, Tranche
from .contract_terms import ContractTermsVersion  # noqa: F401  (issue 10: contract amendments)
from .history import FactVersion  # noqa: F401 (registers the fact_version table and its flush hook)
from .job import Job  # noqa: F401 (issue 14: background jobs)
from .finance import (CreditNoteCorrection, DocumentCounter, Invoice, InvoiceLine, Objection, Payment,
                      SettlementLine, SettlementRun)
from .organisation import Consortium, Municipality, Provider
from .privacy import BsnLookup  # noqa: F401 (issue 12: BSN look-ups, throttled per user)
from .results_cache import ContractDataVersion, ResultsCache  # noqa: F401 (results cache)
from .storage import StoredBlob  # noqa: F401 (issue 11: files in the database)
from .notification import Notification, NotificationPreference  # noqa: F401 (issue 14: notifications)
from .trajectory import Client, EvidenceFile, MilestoneClaim, Placement, Review, Trajectory

__all__ = [
    "ApiToken", "AuditEvent", "Base", "Client", "Consortium", "Contract", "CreditNoteCorrection", "DocumentCounter",
    "EvidenceFile", "ExcludedEndReason", "FundingShare", "Invoice", "InvoiceLine", "LoginAttempt", "MilestoneClaim", "PasswordReset", "RecoveryCode",
    "Municipality", "MunicipalityCap", "Objection", "Payment", "Placement", "Provider", "Review", "RoleGrant",
    "SettlementLine", "SettlementRun", "StaffelStep", "Tranche", "Trajectory", "User",
]
