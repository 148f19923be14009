"""The klantmanager as regisseur: room left per contract and the bureaus' results, on the referral form."""
from __future__ import annotations

from portal.models import MunicipalityCap
from portal.trajectories.referral import referral_outlook

from ... import factories as f
from .conftest import login


def test_the_referral_form_shows_room_and_results_and_says_a_full_contract_is_not_paid(app, db, segment):
    db.add(MunicipalityCap(contract_id=segment.contract_b.id, municipality_id=segment.alkmaar.id, cap=6))
    klantmanager = f.create_user(db, "klantmanager", municipality=segment.alkmaar)
    person = f.create_client(db, segment.alkmaar, target_group="overig")
    db.commit()
    outlook = {o.contract.code: o for o in referral_outlook(db, [segment.contract_a, segment.contract_b], person)}
    a, b = outlook[segment.contract_a.code], outlook[segment.contract_b.code]
    assert (a.used, a.cap, a.left, a.over_volume) == (6, None, None, False)
    assert (b.used, b.cap, b.left, b.over_volume) == (6, 6, 0, True)
    # The engine's cohorts: bureau A 3 of 10, bureau B 0 of 6; every client here is "overig".
    assert (a.rate, a.group_rate, a.group_counted) == (30, 30, 10)
    client = app.test_client()
    login(client, klantmanager)
    page = client.get(f"/clienten/{person.id}/aanmelden").get_data(as_text=True)
    assert "vol: niet betaald" in page and "niet betaald" in page and "30 %" in page
