"""Two bureaus with a trajectory each, and a fixed business date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from portal import clock
from portal.models import Provider, Trajectory, User

from ... import factories as f

TODAY = date(2026, 11, 20)


@dataclass
class ImportWorld:
    provider: Provider
    bureau: User
    trajectory: Trajectory
    second: Trajectory
    other_trajectory: Trajectory
    other_bureau: User


@pytest.fixture
def iw(db, monkeypatch) -> ImportWorld:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    consortium = f.create_consortium(db)
    municipality = f.create_municipality(db, consortium, "Alkmaar")
    provider, other = f.create_provider(db, "Werkkracht Noord BV"), f.create_provider(db, "Stap Verder BV")
    contract, other_contract = f.create_contract(db, consortium, provider), f.create_contract(db, consortium, other)
    start = date(2026, 2, 1)
    return ImportWorld(provider, f.create_user(db, "provider", provider=provider),
                       f.create_trajectory(db, contract, municipality, start=start),
                       f.create_trajectory(db, contract, municipality, start=start),
                       f.create_trajectory(db, other_contract, municipality, start=start),
                       f.create_user(db, "provider", provider=other))


def csv_bytes(*lines: str, bom: bool = True, sep: str = ";") -> bytes:
    """A CSV as Excel writes it (UTF-8 with BOM, `;`, CRLF) from lines written with `;`."""
    text = "\r\n".join(line.replace(";", sep) for line in lines) + "\r\n"
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8")


HEADER = ("traject;soort;datum;werkgever;kvk_werkgever;contractsoort;uren_per_week;bruto_maandloon;uitkering_stopt;"
          "plaatsing_start;soort_bewijs;bewijsstukken;toelichting")
EVIDENCE = {"intake.pdf": f.PDF_BYTES + b"intake", "contract.pdf": f.PDF_BYTES + b"contract"}
