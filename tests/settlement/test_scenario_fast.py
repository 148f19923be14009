"""The fast reader builds exactly what parse_scenario builds, and declines whatever it cannot vouch for."""
from __future__ import annotations

import copy
import json

import pytest

from settlement import parse_scenario
from settlement.scenario_fast import read_scenario

from .test_scenarios import SCENARIOS


def _document() -> dict:
    return {
        "format": "reintegratie-scenario/1", "as_of": "2027-06-30",
        "consortium": {"code": "NK", "name": "Noord-Kennemerland", "lead_municipality": "0361"},
        "municipalities": [{"code": "0361", "name": "Alkmaar"}, {"code": "0373", "name": "Bergen"}],
        "providers": [{"code": "P1", "name": "Bureau"}],
        "contracts": [{"code": "NK-1", "provider": "P1", "segment": "directe_bemiddeling", "start": "2026-01-01",
                       "end": "2026-12-31", "price": "4000.00", "vat_rate": "21", "submission_deadline_days": 60,
                       "tranches": [{"code": "intake", "milestone": "intake", "share": "100", "result": False}],
                       "funding": [{"source": "ESF", "share": "100"}]}],
        "clients": [{"ref": "C1", "bsn": "111222333", "municipality": "0361", "target_group": "statushouder",
                     "facts": [{"kind": "profile", "value": "P2", "valid_from": "2026-01-01"},
                               {"kind": "target_group", "value": "jongere", "valid_from": "2026-03-01",
                                "member": False}]},
                    {"ref": "C2", "bsn": "123456782"}],
        "trajectories": [{"ref": "T1", "contract": "NK-1", "client": "C1", "municipality": "0361",
                          "start": "2026-02-01", "end": "2026-09-01", "end_reason": "work"},
                         {"ref": "T2", "contract": "NK-1", "client": "C2", "municipality": "0373",
                          "start": "2026-03-01"}],
        "milestones": [{"ref": "M1", "trajectory": "T1", "type": "intake", "date": "2026-02-03",
                        "submitted": "2026-02-10", "review": "approved", "reviewed": "2026-02-15"},
                       {"ref": "M2", "trajectory": "T2", "type": "intake", "date": "2026-03-03",
                        "submitted": "2026-03-10"}],
    }


def test_fast_reader_builds_what_parse_scenario_builds():
    document = _document()
    scenario = read_scenario(json.dumps(document).encode())
    assert scenario is not None
    assert scenario == parse_scenario(document)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_fast_reader_agrees_on_the_worked_examples(path):
    scenario = read_scenario(path.read_bytes())
    if scenario is not None:  # examples with review histories take the ordinary way
        assert scenario == parse_scenario(json.loads(path.read_text()))


@pytest.mark.parametrize("change", [
    lambda d: d["trajectories"].append(dict(d["trajectories"][0])),  # duplicate ref
    lambda d: d["clients"][1].update(bsn="123456789"),  # fails the elfproef
    lambda d: d["clients"].append(dict(d["clients"][0], bsn="123456782")),  # duplicate client ref
    lambda d: d["trajectories"][1].update(client="C9"),
    lambda d: d["trajectories"][1].update(municipality="9999"),
    lambda d: d["trajectories"][1].update(end_reason="bored"),
    lambda d: d["trajectories"][1].update(ref="  "),
    lambda d: d["trajectories"][1].update(start="2026-02-30"),
    lambda d: d["trajectories"][1].update(start=None),
    lambda d: d["trajectories"][1].update(colour="blue"),
    lambda d: d["milestones"][1].update(type="party"),
    lambda d: d["milestones"][1].update(review="maybe"),
    lambda d: d["milestones"][1].update(trajectory="T9"),
    lambda d: d["milestones"][1].pop("submitted"),
    lambda d: d["clients"][0]["facts"][0].update(member=False),
    lambda d: d["clients"][0]["facts"][0].update(kind="shoe_size"),
    lambda d: d.update(format="other/1"),
    lambda d: d["contracts"][0].update(price="-1"),
    lambda d: d.update(extra=1),
])
def test_fast_reader_declines_what_it_cannot_vouch_for(change):
    document = copy.deepcopy(_document())
    change(document)
    assert read_scenario(json.dumps(document).encode()) is None
    with pytest.raises(ValueError):
        parse_scenario(document)


def test_fast_reader_declines_a_review_history_and_bad_bytes():
    document = _document()
    document["milestones"][0] = {k: v for k, v in document["milestones"][0].items() if k not in ("review", "reviewed")}
    document["milestones"][0]["reviews"] = [{"decision": "approved", "date": "2026-02-15"}]
    assert read_scenario(json.dumps(document).encode()) is None
    assert parse_scenario(document) is not None
    assert read_scenario(b"{not json") is None
    assert read_scenario(json.dumps(_document()).encode("utf-16")) is None
