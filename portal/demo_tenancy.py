"""Demo data for tenancy: a second consortium (Holland Rijnland) with its own contract, clients and staff.

Logging in as financien@hr.example or contractmanager@hr.example shows only Holland Rijnland's contract,
trajectories and claims; the Noord-Kennemerland logins never see them (another consortium's object is a 404).
Stap Verder holds a contract in both consortia: bureaus are master data the consortia share.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth.service import create_user
from .contracts.terms import ensure_first_version
from .models import Consortium, MilestoneClaim, Municipality, Provider, Trajectory
from .trajectories.clients import register_client

HR_MUNICIPALITIES = [("0546", "Leiden"), ("0537", "Katwijk")]
HR_STAFF = [
    ("contractmanager@hr.example", "Hanna Contractmanager (Holland Rijnland)", "reviewer"),
    ("financien@hr.example", "Hugo Financiën (Holland Rijnland)", "finance"),
    ("beheer@hr.example", "Hester Beheer (Holland Rijnland)", "admin"),
]
HR_CLIENTS = [("Lieke", "van Rijn", "jongere"), ("Omar", "Bennani", "statushouder"), ("Greet", "Zandvliet", "50plus")]
HR_BSNS = ["200000007", "200000019", "200000032"]  # fictional, pass the elfproef


def add_second_consortium(session: Session, today: date, password: str, logins: dict) -> None:
    """Add Holland Rijnland: two municipalities, one contract with Stap Verder, three trajectories, its staff."""
    from .demo import CONTRACTS, ContractPlan, _contract  # the demo's own contract builder

    consortium = Consortium(code="HR", name="Holland Rijnland", lead_municipality_code="0546",
                            street="Stadhuisplein 1", postcode="2311 EJ", city="Leiden")
    session.add(consortium)
    session.flush()
    municipalities = {}
    for i, (code, name) in enumerate(HR_MUNICIPALITIES):
        municipalities[code] = Municipality(consortium_id=consortium.id, cbs_code=code, name=name,
                                            street="Postbus 9100", postcode=f"23{i:02d} EC", city=name,
                                            kvk=f"5{code}{i:03d}")
        session.add(municipalities[code])
    session.flush()
    providers = {p.code: p for p in session.scalars(select(Provider))}
    like = next(p for p in CONTRACTS if p.code == "NK-DB-2025-STV")
    plan = ContractPlan("HR-DB-2026-STV", "STV", like.segment, like.price, like.tranches, like.norm, 3,
                        max_trajectories=40)
    contract = _contract(session, consortium, providers, municipalities, plan)
    ensure_first_version(session, contract)
    for email, name, role in HR_STAFF:
        logins[email] = create_user(session, email=email, name=name, password=password, roles=[role],
                                    consortium_id=consortium.id)
    klantmanager = create_user(session, email="klantmanager@leiden.example", name="Lars Klantmanager (Leiden)",
                               password=password, roles=["klantmanager"], municipality_id=municipalities["0546"].id)
    logins[klantmanager.email] = klantmanager
    bureau = session.scalar(select(Provider).where(Provider.code == "STV"))
    for n, ((first, last, group), bsn) in enumerate(zip(HR_CLIENTS, HR_BSNS), start=1):
        client = register_client(session, None, bsn=bsn, municipality_id=municipalities["0546"].id, ref=f"HR-C{n}",
                                 first_name=first, last_name=last, birth_date=date(1970 + 10 * n, n, 10),
                                 target_group=group, benefit="participatiewet")
        start = today - timedelta(days=40 * n)
        trajectory = Trajectory(ref=f"HR-T{n}", contract_id=contract.id, provider_id=bureau.id,
                                segment=contract.segment, client_id=client.id,
                                municipality_id=municipalities["0546"].id, status="active",
                                referred_on=start - timedelta(days=7), start=start, referred_by_id=klantmanager.id)
        session.add(trajectory)
        session.flush()
        # An intake waiting for Holland Rijnland's contract manager (never in Noord-Kennemerland's queue).
        session.add(MilestoneClaim(ref=f"HR-M{n}", trajectory_id=trajectory.id, type="intake", date=start,
                                   submitted=start + timedelta(days=3)))
    session.flush()
