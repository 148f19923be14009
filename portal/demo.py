"""Deterministic demo data: Noord-Kennemerland, four fictional bureaus, six contracts, ~200 trajectories.

Every run builds exactly the same data (seeded random, fixed dates), so a newcomer, a
test and a screenshot all see the same portal.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import click
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum import iban as stdnum_iban
from stdnum.nl import btw as stdnum_btw

from . import clock
from .auth.service import create_user
from .demo_auditing import add_auditor
from .evidence.storage import Upload, attach_evidence, check_upload
from .storage import get_storage
from .formatting import label
from .models import (Consortium, Contract, ExcludedEndReason, FundingShare, MilestoneClaim, Municipality,
                     MunicipalityCap, Placement, Provider, Review, StaffelStep, Tranche, Trajectory)
from .demo_clients import add_client_facts
from .trajectories.clients import register_client

DEMO_PASSWORD = "demo-wachtwoord"
# The demo's "today": claims and reviews are dated up to here.
DEMO_TODAY = date(2026, 11, 20)

MUNICIPALITIES = [  # Noord-Kennemerland, CBS codes of 2006-2008
    ("0361", "Alkmaar"), ("0373", "Bergen (NH.)"), ("0383", "Castricum"), ("0365", "Graft-De Rijp"),
    ("0398", "Heerhugowaard"), ("0399", "Heiloo"), ("0416", "Langedijk"), ("0458", "Schermer"),
]
# Alkmaar refers most clients, as in the real consortium (250 of 640).
MUNICIPALITY_WEIGHTS = [40, 8, 10, 4, 16, 8, 10, 4]

PROVIDERS = [  # fictional bureaus
    ("WKN", "Werkkracht Noord BV", "Alkmaar", "Laat 101", "1811 EK"),
    ("STV", "Stap Verder Re-integratie BV", "Heerhugowaard", "Middenweg 12", "1701 GA"),
    ("KMP", "Kompas Diagnostiek en Advies", "Castricum", "Dorpsstraat 44", "1901 EN"),
    ("BRG", "De Brug Participatie", "Heiloo", "Kennemerstraatweg 200", "1851 BH"),
]


@dataclass(frozen=True)
class ContractPlan:
    code: str
    provider: str
    segment: str
    price: str
    tranches: tuple[tuple[str, str, str | None, str | None, bool], ...]  # code, milestone, share, amount, result
    norm: tuple[str, str] | None  # milestone, rate
    trajectories: int
    max_trajectories: int | None = None
    caps: tuple[tuple[str, int], ...] = ()


NIET_HALEN_IS_NIET_BETALEN = (("0", "0"), ("1", "1"))

CONTRACTS = [
    ContractPlan("NK-DB-2025-WKN", "WKN", "directe_bemiddeling", "4000.00",
                 (("intake", "intake", "20", None, False), ("plaatsing", "placement", "30", None, True),
                  ("duurzaam", "sustained_placement", "50", None, True)),
                 ("placement", "35"), 70, max_trajectories=80, caps=(("0361", 30),)),
    ContractPlan("NK-DB-2025-STV", "STV", "directe_bemiddeling", "4000.00",
                 (("intake", "intake", "20", None, False), ("plaatsing", "placement", "30", None, True),
                  ("duurzaam", "sustained_placement", "50", None, True)),
                 ("placement", "35"), 40, max_trajectories=60),
    ContractPlan("NK-VT-2025-KMP", "KMP", "voortraject", "1200.00",
                 (("intake", "intake", "50", None, False), ("advies", "completion", "50", None, False)),
                 None, 30),
    ContractPlan("NK-AV-2025-STV", "STV", "aanbodversterking", "2500.00",
                 (("intake", "intake", "20", None, False), ("plan", "plan", "30", None, False),
                  ("stap", "participation_step", "50", None, True)),
                 ("participation_step", "40"), 20),
    ContractPlan("NK-AR-2025-WKN", "WKN", "arbeidsritme", "3000.00",
                 (("intake", "intake", "20", None, False), ("plan", "plan", "20", None, False),
                  ("werkervaring", "participation_step", "30", None, False),
                  ("afronding", "completion", None, "900.00", False)),
                 None, 20),
    ContractPlan("NK-SA-2025-BRG", "BRG", "sociale_activering", "1800.00",
                 (("intake", "intake", "30", None, False), ("activering", "participation_step", "70", None, False)),
                 None, 20),
]

FIRST_NAMES = ["Fatima", "Jan", "Sanne", "Mohamed", "Priya", "Kees", "Anouk", "Tarik", "Lotte", "Yusuf", "Ingrid",
               "Dewi", "Bram", "Samira", "Pieter", "Noor", "Ahmet", "Marloes", "Rik", "Esra", "Willem", "Aylin"]
LAST_NAMES = ["de Vries", "Jansen", "Bakker", "El Amrani", "Visser", "Smit", "Yilmaz", "Meijer", "de Boer",
              "Mulder", "Bouzid", "Kramer", "Groot", "Koster", "Haddou", "Dekker", "Veenstra", "Boersma"]
EMPLOYERS = [("Bakkerij Het Zuiden", "34123456"), ("Zorggroep Noorderkwartier", "37098765"),
             ("Installatiebedrijf Alkmaar", "37011223"), ("Tuincentrum De Kwakel", "36054321"),
             ("Logistiek Centrum Heerhugowaard", "37065432"), ("Supermarkt De Noord", "37123987")]
TARGET_GROUPS = ["statushouder", "50plus", "jongere", "arbeidsbeperking", "overig", "overig"]
BENEFITS = ["participatiewet"] * 6 + ["anw", "none"]  # "none": a niet-uitkeringsgerechtigde (nug)


def demo_bsn(rng: random.Random) -> str:
    """Return a fictional BSN that passes the elfproef."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        if digits[0] == 0:
            continue
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def demo_iban(bank: str, rng: random.Random) -> str:
    account = "".join(str(rng.randint(0, 9)) for _ in range(10))
    return next(f"NL{c:02d}{bank}{account}" for c in range(2, 99) if stdnum_iban.is_valid(f"NL{c:02d}{bank}{account}"))


def demo_vat_id(rng: random.Random) -> str:
    while True:
        candidate = f"NL{rng.randint(10_000_000, 99_999_999) * 10 + rng.randint(0, 9):09d}B01"
        if stdnum_btw.is_valid(candidate):
            return candidate


def build_demo(session: Session) -> dict:
    """Fill an empty database with the demo; return the users' logins."""
    if session.scalar(select(Consortium.id)) is not None:
        raise click.ClickException("the database already has data; use --reset on a demo database")
    rng = random.Random(2026)
    consortium = Consortium(code="NK", name="Noord-Kennemerland", lead_municipality_code="0361",
                            street="Mallegatsplein 10", postcode="1815 AG", city="Alkmaar")
    session.add(consortium)
    session.flush()
    municipalities = {}
    for i, (code, name) in enumerate(MUNICIPALITIES):
        # Fictional KvK numbers: the e-invoice (UBL) addresses the municipality by one.
        municipalities[code] = Municipality(consortium_id=consortium.id, cbs_code=code, name=name,
                                            street="Postbus 1", postcode=f"18{i:02d} AA", city=name.split(" (")[0],
                                            kvk=f"6{code}{i:03d}")
        session.add(municipalities[code])
    providers = {}
    for code, name, city, street, postcode in PROVIDERS:
        providers[code] = Provider(code=code, name=name, city=city, street=street, postcode=postcode,
                                   kvk=f"{rng.randint(30_000_000, 39_999_999)}", vat_id=demo_vat_id(rng),
                                   iban=demo_iban(rng.choice(["INGB", "RABO", "ABNA"]), rng),
                                   email=f"administratie@{code.lower()}.example")
        session.add(providers[code])
    session.flush()
    contracts = [_contract(session, consortium, providers, municipalities, plan) for plan in CONTRACTS]
    logins = _users(session, providers, municipalities)
    add_auditor(session, logins, DEMO_PASSWORD)
    counter = iter(range(1, 10_000))
    claim_counter = iter(range(1, 100_000))
    for contract, plan in zip(contracts, CONTRACTS):
        for _ in range(plan.trajectories):
            _trajectory(session, rng, contract, municipalities, next(counter), claim_counter, logins)
    session.flush()
    from .demo_contract_terms import build_contract_terms_demo; build_contract_terms_demo(session, logins)  # noqa: E702
    add_client_facts(session, DEMO_TODAY, logins)
    from .demo_results import add_results_demo; add_results_demo(session, DEMO_TODAY)  # noqa: E702 (meten)
    from .demo_history import build_history_demo; build_history_demo(session, logins)  # noqa: E702
    from .demo_tenancy import add_second_consortium; add_second_consortium(session, DEMO_TODAY, DEMO_PASSWORD, logins)  # noqa: E501,E702
    return logins


def _contract(session, consortium, providers, municipalities, plan: ContractPlan) -> Contract:
    contract = Contract(code=plan.code, consortium_id=consortium.id, provider_id=providers[plan.provider].id,
                        segment=plan.segment, start=date(2025, 7, 1), end=date(2027, 6, 30),
                        price=Decimal(plan.price), vat_rate=Decimal("21"), max_trajectories=plan.max_trajectories,
                        submission_deadline_days=60, sustained_after_months=6)
    if plan.norm:
        contract.norm_milestone, contract.norm_rate = plan.norm[0], Decimal(plan.norm[1])
        contract.norm_measurement_months, contract.norm_window_months = 6, 9
        contract.staffel = [StaffelStep(min_ratio=Decimal(m), pay=Decimal(p)) for m, p in NIET_HALEN_IS_NIET_BETALEN]
        contract.excluded_end_reasons = [ExcludedEndReason(end_reason=r) for r in ("moved", "deceased", "medical")]
    contract.tranches = [Tranche(position=i, code=c, milestone_type=m, share=Decimal(s) if s else None,
                                 amount=Decimal(a) if a else None, result=r)
                         for i, (c, m, s, a, r) in enumerate(plan.tranches)]
    contract.funding = [FundingShare(position=0, source="ESF", share=Decimal("50")),
                        FundingShare(position=1, source="WERKDEEL", share=Decimal("50"))]
    contract.municipality_caps = [MunicipalityCap(municipality_id=municipalities[code].id, cap=cap)
                                  for code, cap in plan.caps]
    session.add(contract)
    session.flush()
    return contract


def _users(session, providers, municipalities) -> dict:
    people = [
        ("bureau@werkkracht.example", "Wendy de Werkkracht", ["provider"], providers["WKN"].id, None),
        ("bureau@stapverder.example", "Sven van Stap Verder", ["provider"], providers["STV"].id, None),
        ("klantmanager@alkmaar.example", "Karin Klantmanager (Alkmaar)", ["klantmanager"], None,
         municipalities["0361"].id),
        ("contractmanager@nk.example", "Ruud Contractmanager", ["reviewer"], None, None),
        ("financien@nk.example", "Femke Financiën", ["finance"], None, None),
        ("financien2@nk.example", "Frank Financiën (tweede paar ogen)", ["finance"], None, None),
        ("beheer@nk.example", "Anja Beheer", ["admin"], None, None),
    ]
    logins = {}
    for email, name, roles, provider_id, municipality_id in people:
        user = create_user(session, email=email, name=name, password=DEMO_PASSWORD, roles=roles,
                           provider_id=provider_id, municipality_id=municipality_id,
                           consortium_id=None if provider_id else municipalities["0361"].consortium_id)
        logins[email] = user
    return logins


def _trajectory(session, rng, contract: Contract, municipalities, number: int, claim_counter, logins) -> None:
    code = rng.choices([c for c, _ in MUNICIPALITIES], weights=MUNICIPALITY_WEIGHTS)[0]
    municipality = municipalities[code]
    client = register_client(session, None, bsn=_unique_bsn(session, rng), municipality_id=municipality.id,
                             ref=f"C{number:04d}", first_name=rng.choice(FIRST_NAMES),
                             last_name=rng.choice(LAST_NAMES),
                             birth_date=date(rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28)),
                             target_group=rng.choice(TARGET_GROUPS), benefit=rng.choice(BENEFITS))
    referred_on = contract.start + timedelta(days=rng.randint(0, (DEMO_TODAY - contract.start).days - 5))
    trajectory = Trajectory(ref=f"T{number:04d}", contract_id=contract.id, provider_id=contract.provider_id,
                            segment=contract.segment, client_id=client.id, municipality_id=municipality.id,
                            status="referred", referred_on=referred_on,
                            referred_by_id=logins["klantmanager@alkmaar.example"].id)
    session.add(trajectory)
    session.flush()
    stage = rng.random()
    if stage < 0.06:
        pass  # referred, waiting for the bureau
    elif stage < 0.09:
        trajectory.status, trajectory.decline_reason = "declined", "Geen capaciteit in deze periode."
    else:
        _progress(session, rng, contract, trajectory, claim_counter, logins)
    session.flush()


def _unique_bsn(session, rng) -> str:
    from .trajectories.clients import find_client_by_bsn
    while True:
        bsn = demo_bsn(rng)
        if find_client_by_bsn(session, bsn) is None:
            return bsn


def _progress(session, rng, contract: Contract, trajectory: Trajectory, claim_counter, logins) -> None:
    """Walk a trajectory as far as its luck takes it: intake, plan, results, an end."""
    start = min(trajectory.referred_on + timedelta(days=rng.randint(3, 20)), DEMO_TODAY - timedelta(days=2))
    trajectory.status, trajectory.start = "accepted", start
    tranche_types = {t.milestone_type for t in contract.tranches}
    provider_user = next((u for u in logins.values() if u.provider_id == contract.provider_id), None)

    def claim(kind: str, happened: date, placement: Placement | None = None) -> None:
        if kind not in tranche_types or happened > DEMO_TODAY:
            return
        submitted = min(happened + timedelta(days=rng.choice([2, 5, 10, 20, 30, 45, 75])), DEMO_TODAY)
        _claim(session, rng, trajectory, kind, happened, submitted, next(claim_counter), placement, logins,
               provider_user)

    claim("intake", start + timedelta(days=rng.randint(0, 10)))
    if rng.random() < 0.85:
        trajectory.plan_status, trajectory.plan_text = "submitted", "Werkfit maken, sollicitatietraining, matching."
        if rng.random() < 0.8:
            trajectory.plan_status, trajectory.status = "approved", "active"
            claim("plan", start + timedelta(days=rng.randint(14, 30)))
    ended = None
    if trajectory.status == "active":
        luck = rng.random()
        if "placement" in tranche_types and luck < 0.45:
            happened = start + timedelta(days=rng.randint(30, 240))
            if happened <= DEMO_TODAY:
                employer, kvk = rng.choice(EMPLOYERS)
                placement = Placement(trajectory_id=trajectory.id, employer_name=employer, employer_kvk=kvk,
                                      start_date=happened, contract_type=rng.choice(["bepaalde_tijd", "vast", "uitzend"]),
                                      hours_per_week=Decimal(rng.choice([24, 32, 36, 38])),
                                      gross_wage=Decimal(rng.choice(["2150.00", "2400.00", "2780.50"])),
                                      benefit_ends=rng.choice(["fully", "fully", "partly"]))
                session.add(placement)
                session.flush()
                claim("placement", happened, placement)
                sustained = happened + relativedelta(months=contract.sustained_after_months)
                if rng.random() < 0.6:
                    claim("sustained_placement", sustained, placement)
                if rng.random() < 0.5 and sustained <= DEMO_TODAY:
                    ended = (sustained, "work")
        elif "participation_step" in tranche_types and luck < 0.6:
            claim("participation_step", start + timedelta(days=rng.randint(40, 200)))
            if "completion" in tranche_types and rng.random() < 0.6:
                happened = start + timedelta(days=rng.randint(200, 300))
                claim("completion", happened)
                ended = (happened, "completed")
        elif "completion" in tranche_types and luck < 0.7:
            happened = start + timedelta(days=rng.randint(30, 90))
            claim("completion", happened)
            ended = (happened, "completed")
    if ended is None and rng.random() < 0.25:
        ended = (start + timedelta(days=rng.randint(20, 200)),
                 rng.choice(["dropout", "moved", "medical", "deceased", "other", "dropout"]))
    if ended is not None and ended[0] <= DEMO_TODAY:
        trajectory.status, trajectory.end, trajectory.end_reason = "ended", ended[0], ended[1]


EVIDENCE_FOR = {"intake": "attendance_list", "plan": "plan", "participation_step": "attendance_list",
                "placement": "payslip", "sustained_placement": "payslip", "completion": "employer_statement"}


def demo_pdf(title: str) -> bytes:
    """Return a small, valid one-page PDF that shows `title` (fictional evidence)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _claim(session, rng, trajectory, kind, happened, submitted, number, placement, logins, provider_user) -> None:
    reviewer = logins["contractmanager@nk.example"]
    claim = MilestoneClaim(ref=f"M{number:05d}", trajectory_id=trajectory.id, type=kind, date=happened,
                           submitted=submitted, submitted_by_id=provider_user.id if provider_user else None,
                           placement_id=placement.id if placement else None, review="pending")
    session.add(claim)
    session.flush()
    evidence_kind = EVIDENCE_FOR[kind]
    checked = check_upload(Upload(f"{label(evidence_kind).lower()}-{claim.ref}.pdf",
                                  demo_pdf(f"{label(evidence_kind)} - traject {trajectory.ref} - {claim.ref} "
                                           f"- {happened.strftime('%d-%m-%Y')} (fictief)")))
    attach_evidence(session, provider_user, claim, checked, kind=evidence_kind,
                    storage=get_storage())
    reviewed = submitted + timedelta(days=rng.randint(1, 15))
    luck = rng.random()
    if reviewed <= DEMO_TODAY and luck < 0.78:
        claim.review, claim.reviewed, claim.reviewed_by_id = "approved", reviewed, reviewer.id
        session.add(Review(claim_id=claim.id, decision="approved", decided_on=reviewed, decided_at=clock.now(),
                           reviewer_id=reviewer.id))
    elif reviewed <= DEMO_TODAY and luck < 0.88:
        claim.review, claim.reviewed, claim.reviewed_by_id = "rejected", reviewed, reviewer.id
        session.add(Review(claim_id=claim.id, decision="rejected", reason_code="EVIDENCE_MISSING",
                           reason_text="Loonstrook ontbreekt of is onleesbaar.", decided_on=reviewed,
                           decided_at=clock.now(), reviewer_id=reviewer.id))


def print_logins(session: Session) -> None:
    from .models import User
    click.echo(f"\nDemo-logins (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
    for user in session.scalars(select(User).order_by(User.id)):
        roles = ", ".join(sorted(user.roles))
        click.echo(f"  {user.email:34s} {roles}" + (f" ({user.consortium.name})" if user.consortium else ""))


@click.command("demo")
@click.option("--reset", is_flag=True, help="empty the (SQLite demo) database first")
@click.option("--if-empty", is_flag=True, help="only fill an empty database; always print the logins")
@with_appcontext
def demo_command(reset: bool, if_empty: bool) -> None:
    """Fill the database with the deterministic demo data and print the demo logins."""
    from .db import get_session
    from .models import Base
    session = get_session()
    if if_empty and session.scalar(select(Consortium.id)) is not None:
        print_logins(session)
        return
    if reset:
        url = current_app.config["DATABASE_URL"]
        if not url.startswith("sqlite"):
            raise click.ClickException("--reset only works on a SQLite demo database")
        session.close()
        engine = current_app.extensions["database"].engine
        Base.metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        from . import migrate
        migrate.upgrade(url)
        session = get_session()
    build_demo(session)
    session.commit()
    print_logins(session)
