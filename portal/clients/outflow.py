"""Durable outflow (duurzame uitstroom): the contract's conditions, the check the reviewer sees, placement changes.

A placement is durable when it has lasted the contract's months, the benefit ended fully
where the contract asks it, and no change (ended early, fewer hours, benefit resumed)
happened before those months were over.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record, snapshot
from ..formatting import nl_date
from ..models import Contract, DurableOutflowTerms, Placement, PlacementChange, Trajectory, User
from ..models.client_enums import PLACEMENT_CHANGES
from .errors import FactRefused
from .labels import FACT_LABELS


@dataclass(frozen=True)
class Terms:
    months: int
    benefit_must_end: bool


@dataclass(frozen=True)
class Condition:
    text: str
    holds: bool


@dataclass(frozen=True)
class DurableCheck:
    placement: Placement
    durable_from: date
    conditions: tuple[Condition, ...]

    @property
    def holds(self) -> bool:
        return all(c.holds for c in self.conditions)

    @property
    def failure(self) -> str | None:
        return next((c.text for c in self.conditions if not c.holds), None)


def terms_of(session: Session, contract: Contract) -> Terms:
    row = session.get(DurableOutflowTerms, contract.id)
    # Without a row only the months count, as before issue 9; the admin sets the benefit condition per contract.
    return Terms(contract.sustained_after_months, False if row is None else row.benefit_must_end)


def set_terms(session: Session, actor: User, contract: Contract, *, months, benefit_must_end: bool) -> Terms:
    """Set the contract's durable-outflow conditions (admin)."""
    if not actor.has_role("admin"):
        raise FactRefused("Alleen een beheerder stelt de voorwaarden voor duurzame uitstroom in.")
    try:
        months = int(months)
    except (TypeError, ValueError):
        raise FactRefused("Maanden aan het werk: vul een heel getal in.", "months") from None
    if not 1 <= months <= 60:
        raise FactRefused("Maanden aan het werk: tussen 1 en 60.", "months")
    before = {"months": contract.sustained_after_months, "benefit_must_end": terms_of(session, contract).benefit_must_end}
    row = session.get(DurableOutflowTerms, contract.id)
    if row is None:
        row = DurableOutflowTerms(contract_id=contract.id, benefit_must_end=benefit_must_end)
        session.add(row)
    row.benefit_must_end = bool(benefit_must_end)
    contract.sustained_after_months = months
    session.flush()
    record(session, actor, "contract.durable_outflow_set", "contract", contract.id, before=before,
           after={"months": months, "benefit_must_end": bool(benefit_must_end)})
    return Terms(months, bool(benefit_must_end))


def changes_of(session: Session, placement_ids) -> dict[int, list[PlacementChange]]:
    result: dict[int, list[PlacementChange]] = {}
    for change in session.scalars(select(PlacementChange).where(PlacementChange.placement_id.in_(list(placement_ids)))
                                  .order_by(PlacementChange.changed_on, PlacementChange.id)):
        result.setdefault(change.placement_id, []).append(change)
    return result


def durable_check(session: Session, trajectory: Trajectory, placement: Placement, on: date) -> DurableCheck:
    """Check the durable-outflow conditions of a placement as of a date."""
    terms = terms_of(session, trajectory.contract)
    durable_from = placement.start_date + relativedelta(months=terms.months)
    conditions = [Condition(f"{terms.months} maanden aan het werk: vanaf {nl_date(durable_from)} "
                            f"(start {nl_date(placement.start_date)}).", on >= durable_from)]
    if terms.benefit_must_end:
        conditions.append(Condition("De uitkering moet volledig stoppen: bij de plaatsing is opgegeven "
                                    f"‘{ {'fully': 'volledig', 'partly': 'gedeeltelijk', 'not': 'niet'}[placement.benefit_ends] }’.",
                                    placement.benefit_ends == "fully"))
    breaking = [c for c in changes_of(session, [placement.id]).get(placement.id, []) if c.changed_on < durable_from]
    if breaking:
        for c in breaking:
            conditions.append(Condition(f"Wijziging op {nl_date(c.changed_on)}: {FACT_LABELS[c.kind].lower()} — "
                                        "binnen de termijn, dus geen duurzame uitstroom.", False))
    else:
        conditions.append(Condition("Geen wijziging binnen de termijn (eerder beëindigd, minder uren, "
                                    "uitkering hervat).", True))
    return DurableCheck(placement, durable_from, tuple(conditions))


def record_change(session: Session, actor: User, trajectory: Trajectory, placement: Placement, *, kind: str | None,
                  changed_on: date | None, hours_per_week=None, note: str | None = None,
                  today: date | None = None) -> PlacementChange:
    """Record a change to a placement (the bureau or the klantmanager); it breaks durability from its date."""
    today = today or clock.today()
    bureau = actor.has_role("provider") and actor.provider_id == trajectory.provider_id
    klantmanager = actor.has_role("klantmanager") and actor.municipality_id == trajectory.municipality_id
    if not (bureau or klantmanager) or placement.trajectory_id != trajectory.id:
        raise FactRefused("Alleen het re-integratiebedrijf of de klantmanager van dit traject legt dit vast.")
    if kind not in PLACEMENT_CHANGES:
        raise FactRefused("Soort wijziging: kies eerder beëindigd, minder uren of uitkering hervat.", "kind")
    if changed_on is None:
        raise FactRefused("Datum wijziging: vul een datum in.", "changed_on")
    if changed_on > today:
        raise FactRefused(f"Datum wijziging: {nl_date(changed_on)} ligt in de toekomst.", "changed_on")
    if changed_on < placement.start_date:
        raise FactRefused(f"Datum wijziging: ligt vóór de start van de plaatsing ({nl_date(placement.start_date)}).",
                          "changed_on")
    hours = None
    if kind == "fewer_hours":
        try:
            hours = Decimal(hours_per_week)
        except (InvalidOperation, TypeError, ValueError):
            raise FactRefused("Nieuwe uren per week: vul een getal in.", "hours_per_week") from None
        if not Decimal(0) < hours < placement.hours_per_week or hours != hours.quantize(Decimal("0.01")):
            raise FactRefused(f"Nieuwe uren per week: meer dan 0 en minder dan de "
                              f"{str(placement.hours_per_week).replace('.', ',')} uur van de plaatsing.",
                              "hours_per_week")
    change = PlacementChange(placement_id=placement.id, kind=kind, changed_on=changed_on, hours_per_week=hours,
                             note=(note or "").strip() or None, recorded_at=clock.now(), recorded_by_id=actor.id)
    session.add(change)
    session.flush()
    record(session, actor, "placement.changed", "placement", placement.id,
           after=snapshot(change, "kind", "changed_on", "hours_per_week", "note"))
    return change
