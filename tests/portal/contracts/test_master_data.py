"""Master data in the UI: municipalities, bureaus and contracts from forms, validated like the scenario import."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from portal.models import AuditEvent, Consortium, Contract, ContractTermsVersion, Municipality, Provider
from ... import factories as f
from tests.factories import log_in


def login_as(client, user):
    log_in(client, user)


def setup(db):
    consortium = f.create_consortium(db)
    admin = f.create_user(db, "admin", consortium=consortium)
    alkmaar = f.create_municipality(db, consortium, "Alkmaar")
    provider = f.create_provider(db)
    db.commit()
    return admin, consortium, alkmaar, provider


def contract_form(consortium, provider, alkmaar, **changes) -> dict:
    data = {
        "consortium": str(consortium.id), "code": "NK-NIEUW-01", "provider": provider.code,
        "segment": "directe_bemiddeling", "start": "2027-01-01", "end": "2028-12-31", "price": "4.250,00",
        "vat_rate": "21", "max_trajectories": "60", "submission_deadline_days": "60",
        "caps-0-municipality": alkmaar.cbs_code, "caps-0-cap": "25",
        "tranches-0-code": "intake", "tranches-0-milestone": "intake", "tranches-0-share": "20",
        "tranches-1-code": "plaatsing", "tranches-1-milestone": "placement", "tranches-1-share": "30",
        "tranches-1-result": "y",
        "tranches-2-code": "duurzaam", "tranches-2-milestone": "sustained_placement", "tranches-2-share": "50",
        "tranches-2-result": "y",
        "has_norm": "y", "norm_milestone": "placement", "norm_rate": "35", "norm_measurement_months": "12",
        "norm_window_months": "12", "excluded_end_reasons": ["moved", "deceased"],
        "staffel-0-min_ratio": "0", "staffel-0-pay": "0", "staffel-1-min_ratio": "0.8", "staffel-1-pay": "0.5",
        "staffel-2-min_ratio": "1", "staffel-2-pay": "1",
        "funding-0-source": "ESF", "funding-0-share": "50", "funding-1-source": "WERKDEEL", "funding-1-share": "50",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_creates_a_contract_as_version_1(client, db):
    admin, consortium, alkmaar, provider = setup(db)
    login_as(client, admin)
    assert client.get("/beheer/contracten/nieuw").status_code == 200
    response = client.post("/beheer/contracten/nieuw", data=contract_form(consortium, provider, alkmaar))
    assert response.status_code == 302, response.get_data(as_text=True)
    contract = db.scalar(select(Contract).where(Contract.code == "NK-NIEUW-01"))
    assert contract.price == Decimal("4250.00") and contract.max_trajectories == 60
    assert [(c.municipality_id, c.cap) for c in contract.municipality_caps] == [(alkmaar.id, 25)]
    assert [t.code for t in contract.tranches] == ["intake", "plaatsing", "duurzaam"]
    assert [(s.min_ratio, s.pay) for s in contract.staffel] == [
        (Decimal("0"), Decimal("0")), (Decimal("0.8"), Decimal("0.5")), (Decimal("1"), Decimal("1"))]
    assert sorted(e.end_reason for e in contract.excluded_end_reasons) == ["deceased", "moved"]
    version = db.scalar(select(ContractTermsVersion).where(ContractTermsVersion.contract_id == contract.id))
    assert (version.number, version.status, version.proposed_by_id) == (1, "approved", admin.id)
    assert version.terms["municipality_caps"] == {alkmaar.cbs_code: 25}
    page = client.get(f"/beheer/contracten/{contract.id}").get_data(as_text=True)
    assert "Versies van de voorwaarden" in page and "oorspronkelijke voorwaarden" in page
    assert f"{alkmaar.name}: 25" in page


def _refused(client, db, consortium, provider, alkmaar, **changes) -> str:
    before = db.scalar(select(func.count()).select_from(Contract))
    response = client.post("/beheer/contracten/nieuw", data=contract_form(consortium, provider, alkmaar, **changes))
    assert response.status_code == 400
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Contract)) == before  # nothing stored
    return response.get_data(as_text=True)


def test_bad_contracts_get_the_import_rules_on_the_field(client, db):
    admin, consortium, alkmaar, provider = setup(db)
    login_as(client, admin)
    page = _refused(client, db, consortium, provider, alkmaar, **{"tranches-0-amount": "800.00"})
    assert ('<a href="#tranches-0-share">Tranche 1</a>: heeft zowel een aandeel als een bedrag '
            '(precies één van beide is toegestaan)') in page
    assert 'id="tranches-0-share-error"' in page
    page = _refused(client, db, consortium, provider, alkmaar, **{"funding-1-share": "40"})
    assert '<a href="#funding">Financiering</a>: de aandelen tellen op tot 90, niet precies 100' in page
    page = _refused(client, db, consortium, provider, alkmaar, **{"staffel-0-min_ratio": "0.1"})
    assert '<a href="#staffel">Staffel</a>: heeft een trede met ondergrens 0 nodig' in page
    page = _refused(client, db, consortium, provider, alkmaar, segment="schoonmaak")
    assert '<a href="#segment">Segment</a>: onbekend segment &#39;schoonmaak&#39;' in page
    assert 'id="segment-error"' in page
    page = _refused(client, db, consortium, provider, alkmaar, end="2026-06-30", price="veel",
                    **{"caps-0-cap": "-3", "tranches-1-milestone": "intake"})
    assert "Einddatum</a>: het contract eindigt (2026-06-30) voordat het begint (2027-01-01)" in page
    assert "Prijs per traject (€)</a>: is geen getal: &#39;veel&#39;" in page
    assert f"Plafond {alkmaar.name} ({alkmaar.cbs_code})</a>: mag niet negatief zijn" in page
    assert "Tranche 2: mijlpaal</a>: een tweede tranche voor mijlpaal &#39;intake&#39;" in page
    page = _refused(client, db, consortium, provider, alkmaar, code="")
    assert "Contractcode</a>: is verplicht" in page


def test_a_contract_code_is_used_once(client, db):
    admin, consortium, alkmaar, provider = setup(db)
    login_as(client, admin)
    taken = f.create_contract(db, consortium, provider)
    db.commit()
    page = _refused(client, db, consortium, provider, alkmaar, code=taken.code)
    assert f"Contractcode</a>: er is al een contract met code {taken.code}" in page


def test_admin_adds_a_municipality_and_a_bureau(client, db):
    admin, consortium, alkmaar, provider = setup(db)
    login_as(client, admin)
    assert client.get("/beheer/gemeenten/nieuw").status_code == 200
    bad = client.post("/beheer/gemeenten/nieuw", data={"consortium_id": consortium.id, "cbs_code": "361",
                                                       "name": "Heiloo"})
    assert bad.status_code == 400 and "precies 4 cijfers" in bad.get_data(as_text=True)
    taken = client.post("/beheer/gemeenten/nieuw", data={"consortium_id": consortium.id,
                                                         "cbs_code": alkmaar.cbs_code, "name": "Heiloo"})
    assert taken.status_code == 400
    assert f"code &#39;{alkmaar.cbs_code}&#39; is al in gebruik" in taken.get_data(as_text=True)
    nameless = client.post("/beheer/gemeenten/nieuw", data={"consortium_id": consortium.id, "cbs_code": "0399"})
    assert nameless.status_code == 400 and "Vul de naam in." in nameless.get_data(as_text=True)
    created = client.post("/beheer/gemeenten/nieuw", data={"consortium_id": consortium.id, "cbs_code": "0399",
                                                           "name": "Heiloo", "oin": "00000001001234567000"})
    assert created.status_code == 302
    heiloo = db.scalar(select(Municipality).where(Municipality.cbs_code == "0399"))
    assert (heiloo.consortium_id, heiloo.name, heiloo.oin) == (consortium.id, "Heiloo", "00000001001234567000")

    bad_kvk = client.post("/beheer/bureaus/nieuw", data={"code": "NIEUW", "name": "Nieuw Werk BV", "kvk": "12"})
    assert bad_kvk.status_code == 400
    duplicate = client.post("/beheer/bureaus/nieuw", data={"code": provider.code, "name": "Nieuw Werk BV"})
    assert duplicate.status_code == 400 and "is al in gebruik" in duplicate.get_data(as_text=True)
    created = client.post("/beheer/bureaus/nieuw", data={"code": "NIEUW", "name": "Nieuw Werk BV",
                                                         "iban": "NL91 ABNA 0417 1643 00"})
    assert created.status_code == 302
    bureau = db.scalar(select(Provider).where(Provider.code == "NIEUW"))
    assert bureau.iban == "NL91ABNA0417164300"
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"municipality.created", "provider.created"} <= actions


def test_create_consortium_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-consortium", "--code", "WF", "--name", "West-Friesland", "--lead", "0405"])
    assert result.exit_code == 0, result.output
    consortium = db.scalar(select(Consortium).where(Consortium.code == "WF"))
    assert (consortium.name, consortium.lead_municipality_code) == ("West-Friesland", "0405")
    again = runner.invoke(args=["create-consortium", "--code", "WF", "--name", "Nog eens"])
    assert again.exit_code != 0 and "Er is al een consortium met code WF" in again.output
    bad_lead = runner.invoke(args=["create-consortium", "--code", "XX", "--name", "X", "--lead", "Hoorn"])
    assert bad_lead.exit_code != 0 and "4 cijfers" in bad_lead.output


def test_numbers_the_database_cannot_hold_are_refused_on_the_field(client, db):
    admin, consortium, alkmaar, provider = setup(db)
    login_as(client, admin)
    page = _refused(client, db, consortium, provider, alkmaar, max_trajectories="99999999999",
                    price="12345678901.00", **{"funding-0-share": "0", "funding-1-share": "100"})
    assert "Maximaal aantal trajecten</a>: is te groot" in page
    assert "Prijs per traject (€)</a>: is te groot" in page
    assert "Financiering 1: aandeel (%)</a>: moet groter dan 0 zijn" in page
    page = _refused(client, db, consortium, provider, alkmaar, price="4000.005")
    assert "Prijs per traject (€)</a>: moet een bedrag in hele centen zijn (hooguit 2 decimalen)" in page
