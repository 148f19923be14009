"""The portal's data model; importing this module registers every table on Base.metadata."""
from .account import ApiToken, AuditEvent, LoginAttempt, RoleGrant, User
from .base import Base
from .contract import Contract, ExcludedEndReason, FundingShare, MunicipalityCap, StaffelStep, Tranche
from .history import FactVersion  # noqa: F401 (registers the fact_version table and its flush hook)
from .finance import (CreditNoteCorrection, DocumentCounter, Invoice, InvoiceLine, Objection, Payment,
                      SettlementLine, SettlementRun)
from .organisation import Consortium, Municipality, Provider
from .trajectory import Client, EvidenceFile, MilestoneClaim, Placement, Review, Trajectory

__all__ = [
    "ApiToken", "AuditEvent", "Base", "Client", "Consortium", "Contract", "CreditNoteCorrection", "DocumentCounter",
    "EvidenceFile", "ExcludedEndReason", "FundingShare", "Invoice", "InvoiceLine", "LoginAttempt", "MilestoneClaim",
    "Municipality", "MunicipalityCap", "Objection", "Payment", "Placement", "Provider", "Review", "RoleGrant",
    "SettlementLine", "SettlementRun", "StaffelStep", "Tranche", "Trajectory", "User",
]
