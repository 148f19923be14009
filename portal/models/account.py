"""Users, their roles, API tokens, login attempts and the audit trail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, enum_check
from .enums import ROLES
from .organisation import Consortium, Municipality, Provider
from .types import UTCDateTime


class User(Base):
    __tablename__ = "user"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A provider user works for one bureau, a klantmanager for one municipality.
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    # Staff (and klantmanagers, through their municipality) belong to one consortium and see only its objects;
    # bureau users have none (a bureau may hold contracts in several consortia).
    consortium_id: Mapped[int | None] = mapped_column(ForeignKey("consortium.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Every session carries this token; a new one (logout, password change, block) ends all others at once.
    session_token: Mapped[str | None] = mapped_column(String(64))
    # TOTP second factor: the secret encrypted, and the last time step used (a code works only once).
    totp_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    provider: Mapped[Provider | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    consortium: Mapped[Consortium | None] = relationship()
    grants: Mapped[list[RoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                   lazy="selectin")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class RoleGrant(Base):
    __tablename__ = "role_grant"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint(enum_check("role", ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="grants")


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_token"
    __table_args__ = (
        CheckConstraint("(provider_id IS NULL) <> (municipality_id IS NULL)", name="one_tenant"),
        CheckConstraint("scopes IN ('read', 'read write')", name="scopes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Issue 13: a token speaks for one bureau or one municipality, through its own service user (user_id),
    # with scopes "read" or "read write"; `hint` is the start of the token, to recognise it in the list.
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    scopes: Mapped[str] = mapped_column(String(20), default="read")
    hint: Mapped[str] = mapped_column(String(12), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    provider: Mapped[Provider | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class RecoveryCode(Base):
    """A one-time code that stands in for the second factor when the phone is lost; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PasswordReset(Base):
    """A single-use, expiring link to set a new password; only the token's hash is stored."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """A failed login, counted per account and per address to slow down guessing (across workers)."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_email_at", "email", "at"), Index("ix_login_attempt_ip_at", "ip", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200))
    ip: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The device cookie's nonce when the browser had logged in to this account before (OWASP device cookies).
    device: Mapped[str | None] = mapped_column(String(64))


class AuditEvent(Base):
    """An append-only record of a change: who, when, what, before and after. Never updated or deleted."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        Index("uq_audit_event_chain_seq", "chain_seq", unique=True),
        Index("ix_audit_event_occurred_at", "occurred_at", "id"),
        Index("ix_audit_event_actor", "actor_id", "occurred_at", "id"),
        Index("ix_audit_event_action", "action", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    # The hash chain (portal/audit.py seals new events when their transaction commits).
    chain_seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
