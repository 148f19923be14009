"""The amendment pages: an admin proposes on the contract, a second person decides, the page shows the history."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from portal.contracts.forms import terms_form_data
from portal.contracts.terms import snapshot_of
from portal.models import ContractTermsVersion
from ... import factories as f
from .helpers import contract_with_cap
from tests.factories import log_in


def login_as(client, user):
    log_in(client, user)


def form_post(contract, municipality, **changes) -> dict:
    """The amendment form as a browser posts it, filled with the contract's current terms."""
    data = terms_form_data(snapshot_of(contract), [(municipality.cbs_code, municipality.name)])
    post = {k: v for k, v in data.items() if not isinstance(v, (list, bool))}
    if data["has_norm"]:
        post["has_norm"] = "y"
    post["excluded_end_reasons"] = data.get("excluded_end_reasons", [])
    for name in ("tranches", "staffel", "funding", "caps"):
        for i, row in enumerate(data.get(name, [])):
            for key, value in row.items():
                if value is True:
                    post[f"{name}-{i}-{key}"] = "y"
                elif value not in (False, None):
                    post[f"{name}-{i}-{key}"] = value
    post.update(changes)
    return post


def test_propose_approve_and_see_the_history(client, db):
    contract, alkmaar = contract_with_cap(db, cap=10)
    admin, finance = f.create_user(db, "admin"), f.create_user(db, "finance")
    db.commit()
    login_as(client, admin)
    page = client.get(f"/beheer/contracten/{contract.id}/wijzigen").get_data(as_text=True)
    assert 'value="10"' in page and 'value="4000.00"' in page  # starts from the current terms
    refused = client.post(f"/beheer/contracten/{contract.id}/wijzigen",
                          data=form_post(contract, alkmaar, **{"caps-0-cap": "14", "reason": ""}))
    assert refused.status_code == 400 and "Geef de reden van de wijziging." in refused.get_data(as_text=True)
    invalid = client.post(f"/beheer/contracten/{contract.id}/wijzigen",
                          data=form_post(contract, alkmaar, **{"caps-0-cap": "veertien", "reason": "x"}))
    assert invalid.status_code == 400
    assert f"Plafond {alkmaar.name} ({alkmaar.cbs_code})</a>: moet een geheel getal zijn" in invalid.get_data(
        as_text=True)
    proposed = client.post(f"/beheer/contracten/{contract.id}/wijzigen", data=form_post(
        contract, alkmaar, **{"caps-0-cap": "14", "reason": "Bezwaar over volume gegrond"}))
    assert proposed.status_code == 302
    version = db.scalar(select(ContractTermsVersion).where(ContractTermsVersion.contract_id == contract.id,
                                                           ContractTermsVersion.number == 2))
    assert version.status == "proposed" and version.terms["municipality_caps"] == {alkmaar.cbs_code: 14}

    page = client.get(f"/beheer/contracten/{contract.id}").get_data(as_text=True)
    assert "Voorgestelde wijziging: versie 2" in page and "goedkeuren</button>" not in page  # four eyes
    assert f"plafond {alkmaar.name} 10 → 14" in page
    own = client.post(f"/beheer/contracten/{contract.id}/versies/2/goedkeuren", data={})
    assert own.status_code == 303
    db.expire_all()
    assert db.get(ContractTermsVersion, version.id).status == "proposed"

    login_as(client, finance)
    page = client.get(f"/beheer/contracten/{contract.id}").get_data(as_text=True)
    assert "Versie 2 goedkeuren" in page
    approved = client.post(f"/beheer/contracten/{contract.id}/versies/2/goedkeuren", data={})
    assert approved.status_code == 303
    db.expire_all()
    assert db.get(ContractTermsVersion, version.id).status == "approved"
    assert contract.municipality_caps[0].cap == 14
    page = client.get(f"/beheer/contracten/{contract.id}").get_data(as_text=True)
    assert "Bezwaar over volume gegrond" in page and "Goedgekeurd" in page and f"{alkmaar.name}: 14" in page
    again = client.post(f"/beheer/contracten/{contract.id}/versies/2/afwijzen", data={"note": "te laat"})
    assert again.status_code == 303
    db.expire_all()
    assert db.get(ContractTermsVersion, version.id).status == "approved"


def test_reject_through_the_page_needs_a_reason(client, db):
    contract, alkmaar = contract_with_cap(db, cap=10)
    admin, other_admin = f.create_user(db, "admin"), f.create_user(db, "admin")
    db.commit()
    login_as(client, admin)
    client.post(f"/beheer/contracten/{contract.id}/wijzigen", data=form_post(
        contract, alkmaar, price="4400.00", reason="Indexatie"))
    login_as(client, other_admin)
    client.post(f"/beheer/contracten/{contract.id}/versies/2/afwijzen", data={"note": ""})
    db.expire_all()
    version = db.scalar(select(ContractTermsVersion).where(ContractTermsVersion.number == 2,
                                                           ContractTermsVersion.contract_id == contract.id))
    assert version.status == "proposed"
    client.post(f"/beheer/contracten/{contract.id}/versies/2/afwijzen", data={"note": "Pas in 2027"})
    db.expire_all()
    assert db.get(ContractTermsVersion, version.id).status == "rejected"
    assert str(contract.price) == "4000.00"
    assert client.post(f"/beheer/contracten/{contract.id}/versies/9/goedkeuren", data={}).status_code == 404
