"""Small factories for portal tests: each makes one valid object with sensible defaults."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.auth.service import create_user as _create_user
from portal.models import (Consortium, Contract, FundingShare, MilestoneClaim, Municipality, Provider, StaffelStep,
                           Tranche, Trajectory, User)
from portal.trajectories.clients import register_client

PASSWORD = "correct horse battery"
STAFF = {"reviewer", "finance", "admin", "auditor"}
_seq = itertools.count(1)

VALID_BSNS = ["111222333", "123456782", "068831067", "924708220", "654444638", "786122134", "183703862",
              "232624478", "349711420", "512380237"]


def next_id() -> int:
    return next(_seq)


def create_consortium(db: Session, code: str = "NK") -> Consortium:
    consortium = Consortium(code=f"{code}{next_id()}", name="Noord-Kennemerland", lead_municipality_code="0361")
    db.add(consortium)
    db.flush()
    return consortium


def create_municipality(db: Session, consortium: Consortium, name: str = "Alkmaar") -> Municipality:
    n = next_id()
    municipality = Municipality(consortium_id=consortium.id, cbs_code=f"{9000 + n % 999:04d}", name=f"{name} {n}")
    db.add(municipality)
    db.flush()
    return municipality


def create_provider(db: Session, name: str = "Werkkracht Noord BV") -> Provider:
    n = next_id()
    provider = Provider(code=f"P{n}", name=f"{name} {n}", kvk="34123456", vat_id="NL123456782B01",
                        iban="NL91ABNA0417164300", city="Alkmaar")
    db.add(provider)
    db.flush()
    return provider


def create_contract(db: Session, consortium: Consortium, provider: Provider, *, segment: str = "directe_bemiddeling",
                    start: date = date(2026, 1, 1), end: date = date(2026, 12, 31), price: str = "4000.00",
                    norm: bool = True, **overrides) -> Contract:
    contract = Contract(code=f"K{next_id()}", consortium_id=consortium.id, provider_id=provider.id, segment=segment,
                        start=start, end=end, price=Decimal(price), vat_rate=Decimal("21"),
                        submission_deadline_days=60, **overrides)
    contract.tranches = [
        Tranche(position=0, code="intake", milestone_type="intake", share=Decimal("20"), result=False),
        Tranche(position=1, code="plaatsing", milestone_type="placement", share=Decimal("30"), result=True),
        Tranche(position=2, code="duurzaam", milestone_type="sustained_placement", share=Decimal("50"), result=True),
    ]
    if norm:
        contract.norm_milestone, contract.norm_rate = "placement", Decimal("35")
        contract.norm_measurement_months, contract.norm_window_months = 12, 12
        contract.staffel = [StaffelStep(min_ratio=Decimal("0"), pay=Decimal("0")),
                            StaffelStep(min_ratio=Decimal("1"), pay=Decimal("1"))]
    contract.funding = [FundingShare(position=0, source="ESF", share=Decimal("50")),
                        FundingShare(position=1, source="WERKDEEL", share=Decimal("50"))]
    db.add(contract)
    db.flush()
    return contract


def create_user(db: Session, *roles: str, provider: Provider | None = None,
                municipality: Municipality | None = None, consortium: Consortium | None = None) -> User:
    """Make a user; staff without a named consortium join the first one (most tests have exactly one)."""
    n = next_id()
    if consortium is None and municipality is None and set(roles) & STAFF:
        consortium = db.scalar(select(Consortium).order_by(Consortium.id).limit(1)) or create_consortium(db)
    return _create_user(db, email=f"user{n}@example.org", name=f"Gebruiker {n}", password=PASSWORD,
                        roles=list(roles), provider_id=provider.id if provider else None,
                        municipality_id=municipality.id if municipality else None,
                        consortium_id=consortium.id if consortium else None)


def create_trajectory(db: Session, contract: Contract, municipality: Municipality, *, status: str = "active",
                      start: date | None = date(2026, 2, 1), bsn: str | None = None, **overrides) -> Trajectory:
    n = next_id()
    client = register_client(db, None, bsn=bsn or _fresh_bsn(n), municipality_id=municipality.id,
                             first_name="Test", last_name=f"Cliënt {n}", target_group="overig",
                             benefit="participatiewet")
    trajectory = Trajectory(ref=f"T{n}", contract_id=contract.id, provider_id=contract.provider_id,
                            segment=contract.segment, client_id=client.id, municipality_id=municipality.id,
                            status=status, referred_on=start or date(2026, 1, 15),
                            start=start if status not in ("referred", "declined") else None, **overrides)
    db.add(trajectory)
    db.flush()
    return trajectory


def create_claim(db: Session, trajectory: Trajectory, type: str = "intake", *, happened: date = date(2026, 2, 3),
                 submitted: date = date(2026, 2, 10), review: str = "pending", reviewed: date | None = None,
                 **overrides) -> MilestoneClaim:
    claim = MilestoneClaim(ref=f"M{next_id()}", trajectory_id=trajectory.id, type=type, date=happened,
                           submitted=submitted, review=review,
                           reviewed=reviewed if review == "pending" else (reviewed or date(2026, 2, 15)),
                           **overrides)
    db.add(claim)
    db.flush()
    return claim


def _fresh_bsn(n: int) -> str:
    """Return an elfproef-valid BSN derived from n (unique per n)."""
    base = 100_000_000 + n * 7919
    for candidate in range(base, base + 100):
        digits = f"{candidate:09d}"[:8]
        check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check < 10:
            return digits + str(check)
    raise AssertionError("no BSN")


# Evidence content that passes the magic-byte check (tiny, not a full document).
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def create_client(db: Session, municipality: Municipality, *, bsn: str | None = None, **overrides):
    """Register a client of the municipality with a fresh, valid BSN."""
    values = {"first_name": "Test", "last_name": "Cliënt", "target_group": "overig", "benefit": "participatiewet"}
    values.update(overrides)
    return register_client(db, None, bsn=bsn or _fresh_bsn(next_id()), municipality_id=municipality.id, **values)


def log_in(client, user: User) -> None:
    """Give the test client a session of this user, as a real login would (with the user's session token)."""
    import secrets
    import time

    from flask import g
    from sqlalchemy.orm import object_session

    from portal.auth.sessions import SEEN_KEY, STARTED_KEY, TOKEN_KEY

    if not user.session_token:
        user.session_token = secrets.token_urlsafe(32)
        object_session(user).flush()
    # The db fixture keeps one app context open: drop Flask-Login's cached user when switching.
    g.pop("_login_user", None)
    now = int(time.time())
    with client.session_transaction() as session:
        session.update({"_user_id": str(user.id), "_fresh": True, TOKEN_KEY: user.session_token,
                        STARTED_KEY: now, SEEN_KEY: now})


def create_legacy_dual_role_user(db: Session, provider: Provider) -> User:
    """A bureau user who also holds the reviewer role: accounts from before such roles could not be combined.

    `create_user` refuses the combination now; the services must still refuse such a user their own work.
    """
    from portal.models import RoleGrant
    user = create_user(db, "provider", provider=provider)
    user.grants.append(RoleGrant(role="reviewer"))
    # Migration 0010 gave such accounts the consortium (they held a consortium role).
    user.consortium_id = db.scalar(select(Consortium.id).order_by(Consortium.id).limit(1))
    db.flush()
    return user
