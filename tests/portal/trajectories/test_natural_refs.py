"""References sort naturally and show with one width, whatever width they were stored with; search finds any."""
from __future__ import annotations

import re

from portal.trajectories.listing import display_ref

from ... import factories as f
from .conftest import login


def test_refs_sort_naturally_show_one_width_and_are_found_in_any_width(db, tw, client):
    for ref in ("T000201", "T0002", "T0300", "T000010"):
        f.create_trajectory(db, tw.contract, tw.municipality).ref = ref
    db.commit()
    login(client, tw.bureau)
    html = client.get("/trajecten?sort=ref").get_data(as_text=True)
    shown = re.findall(r'<th scope="row"><a href="/trajecten/\d+">(T\d+)</a>', html)
    assert shown == ["T000002", "T000010", "T000201", "T000300"]
    html = client.get("/trajecten?sort=ref&direction=desc").get_data(as_text=True)
    assert re.findall(r'<th scope="row"><a href="/trajecten/\d+">(T\d+)</a>', html)[0] == "T000300"
    for typed in ("T000002", "T2", "t0002"):
        found = client.get(f"/trajecten?q={typed}").get_data(as_text=True)
        assert "1 traject gevonden" in found and "T000002" in found, typed
    assert display_ref("T0002") == "T000002" and display_ref("T000201") == "T000201"
    assert display_ref("new-abc") == "new-abc" and display_ref(None) == ""
