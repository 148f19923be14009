"""Referring a client to a contract: the klantmanager chooses segment and bureau by choosing the contract."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..audit import record
from ..notifications import service as notifications
from ..formatting import label, nl_date
from ..models import Client, Contract, Municipality, MunicipalityCap, Trajectory, User
from .states import TrajectoryError

# The states the partial unique index uq_trajectory_open_client_segment counts as open (OPEN_TRAJECTORY).
OPEN_STATES = ("referred", "accepted", "active")


NOT_PAID = ("Het re-integratiebedrijf wordt voor dit traject niet betaald: een traject boven het volume wordt bij "
            "de afrekening geweigerd (OVER_VOLUME).")


class ReferralRefused(TrajectoryError):
    """The referral breaks a rule; nothing was saved."""


class VolumeConfirmationNeeded(ReferralRefused):
    """The contract is at or over its volume: the klantmanager must confirm explicitly."""

    def __init__(self, warnings: list[str]):
        super().__init__(" ".join(warnings) + " " + NOT_PAID + " Bevestig dat u toch wilt aanmelden.",
                         "confirm_over_volume")
        self.warnings = warnings


def volume_warnings(session: Session, contract: Contract, municipality_id: int) -> list[str]:
    """Say which volume (total, or this municipality's cap) is already used up; declined referrals do not count."""
    warnings = []
    counted = select(func.count()).select_from(Trajectory).where(Trajectory.contract_id == contract.id,
                                                                  Trajectory.status != "declined")
    if contract.max_trajectories is not None:
        total = session.scalar(counted)
        if total >= contract.max_trajectories:
            warnings.append(f"Contract {contract.code} heeft zijn volume bereikt "
                            f"({total} van {contract.max_trajectories} trajecten).")
    cap = session.scalar(select(MunicipalityCap.cap).where(MunicipalityCap.contract_id == contract.id,
                                                           MunicipalityCap.municipality_id == municipality_id))
    if cap is not None:
        used = session.scalar(counted.where(Trajectory.municipality_id == municipality_id))
        if used >= cap:
            warnings.append(f"Het volume voor uw gemeente binnen contract {contract.code} is bereikt "
                            f"({used} van {cap} trajecten).")
    return warnings


def referable_contracts(session: Session, municipality_id: int) -> list[Contract]:
    """Return the contracts of the municipality's consortium (refer_client checks the period)."""
    consortium_id = select(Municipality.consortium_id).where(Municipality.id == municipality_id).scalar_subquery()
    return list(session.scalars(select(Contract).where(Contract.consortium_id == consortium_id)
                                .options(selectinload(Contract.provider))
                                .order_by(Contract.segment, Contract.end.desc(), Contract.code)))


def refer_client(session: Session, actor: User, client: Client, contract: Contract, *, referred_on: date,
                 note: str | None = None, confirm_over_volume: bool = False) -> Trajectory:
    """Refer a client of the klantmanager's municipality to a contract; raise ReferralRefused when a rule says no."""
    if not (actor.has_role("klantmanager") and actor.municipality_id == client.municipality_id):
        raise ReferralRefused("Alleen een klantmanager van de gemeente van deze cliënt kan aanmelden.")
    municipality = session.get(Municipality, client.municipality_id)
    if municipality.consortium_id != contract.consortium_id:
        raise ReferralRefused(f"Contract {contract.code} hoort niet bij het samenwerkingsverband van uw gemeente.",
                              "contract_id")
    if not contract.start <= referred_on <= contract.end:
        raise ReferralRefused(f"Contract {contract.code} loopt van {nl_date(contract.start)} tot en met "
                              f"{nl_date(contract.end)}; een aanmelding op {nl_date(referred_on)} valt daarbuiten.",
                              "referred_on")
    open_one = session.scalar(select(Trajectory).where(Trajectory.client_id == client.id,
                                                       Trajectory.segment == contract.segment,
                                                       Trajectory.status.in_(OPEN_STATES)))
    if open_one is not None:
        raise ReferralRefused(f"Deze cliënt heeft al een open traject in het segment {label(contract.segment)} "
                              f"({open_one.ref}). Beëindig dat eerst.", "contract_id")
    if contract.segment != "voortraject":
        diagnosed_by_same_bureau = session.scalar(select(Trajectory.ref).where(
            Trajectory.client_id == client.id, Trajectory.segment == "voortraject",
            Trajectory.provider_id == contract.provider_id, Trajectory.status != "declined").limit(1))
        if diagnosed_by_same_bureau is not None:
            raise ReferralRefused(f"{contract.provider.name} heeft het voortraject van deze cliënt gedaan "
                                  f"({diagnosed_by_same_bureau}) en mag daarom geen later segment uitvoeren. "
                                  "Kies een contract met een ander re-integratiebedrijf.", "contract_id")
    warnings = volume_warnings(session, contract, client.municipality_id)
    if warnings and not confirm_over_volume:
        raise VolumeConfirmationNeeded(warnings)
    trajectory = Trajectory(ref=f"new-{uuid.uuid4().hex}", contract_id=contract.id,
                            provider_id=contract.provider_id, segment=contract.segment, client_id=client.id,
                            municipality_id=client.municipality_id, status="referred", plan_status="none",
                            referred_on=referred_on, referred_by_id=actor.id,
                            referral_note=(note or "").strip() or None)
    try:
        # The partial unique index is the last line (two klantmanagers at the same moment), not the check.
        with session.begin_nested():
            session.add(trajectory)
            session.flush()
    except IntegrityError:
        raise ReferralRefused(f"Deze cliënt heeft al een open traject in het segment "
                              f"{label(contract.segment)}.", "contract_id") from None
    trajectory.ref = f"T{trajectory.id:06d}"
    session.flush()
    record(session, actor, "trajectory.referred", "trajectory", trajectory.id,
           after={"ref": trajectory.ref, "client": client.ref, "contract": contract.code,
                  "segment": contract.segment, "referred_on": referred_on, "over_volume": bool(warnings)})
    notifications.referred(session, trajectory)
    return trajectory


@dataclass(frozen=True)
class ContractOutlook:
    """What a klantmanager weighs when choosing between contracts: room left and results so far."""

    contract: Contract
    used: int  # this municipality's referrals that count against its cap (declined ones do not)
    cap: int | None
    total_used: int
    total_max: int | None
    rate: Decimal | None  # the engine's cohorts together: numerator / denominator
    norm: Decimal | None
    group_rate: Decimal | None  # the same for the client's target group
    group_counted: int

    @property
    def left(self) -> int | None:
        """Room left for this municipality: the smaller of its cap and the contract's total."""
        room = [limit - used for limit, used in ((self.cap, self.used), (self.total_max, self.total_used))
                if limit is not None]
        return max(0, min(room)) if room else None

    @property
    def over_volume(self) -> bool:
        return self.left == 0


def referral_outlook(session: Session, contracts: list[Contract], client: Client) -> list[ContractOutlook]:
    """Per contract: capacity left for the client's municipality and the bureau's results (engine cohorts)."""
    from .. import clock
    from ..results.service import load_contracts, results_for
    counted = (select(Trajectory.contract_id, Trajectory.municipality_id, func.count())
               .where(Trajectory.contract_id.in_([c.id for c in contracts]), Trajectory.status != "declined")
               .group_by(Trajectory.contract_id, Trajectory.municipality_id))
    used: dict[tuple[int, int], int] = {(c, m): n for c, m, n in session.execute(counted)}
    group = client.target_group or "onbekend"
    outlooks = []
    for results in results_for(session, load_contracts(session, [c.id for c in contracts]), clock.today()):
        contract = results.contract
        cap = next((c.cap for c in contract.municipality_caps if c.municipality_id == client.municipality_id), None)
        numerator = sum(c.numerator for c in results.cohorts)
        denominator = sum(c.denominator for c in results.cohorts)
        refs = {row.ref for row in results.rows if row.target_group == group}
        members = [mb for ref, mb in results.members.items() if ref in refs and mb.counted]
        outlooks.append(ContractOutlook(
            contract, used.get((contract.id, client.municipality_id), 0), cap,
            sum(n for (cid, _), n in used.items() if cid == contract.id), contract.max_trajectories,
            _percent(numerator, denominator) if results.cohorts else None,
            contract.norm_rate if results.cohorts else None,
            _percent(sum(mb.result for mb in members), len(members)) if results.cohorts else None, len(members)))
    order = {c.id: i for i, c in enumerate(contracts)}
    return sorted(outlooks, key=lambda o: order[o.contract.id])


def _percent(numerator: int, denominator: int) -> Decimal | None:
    from fractions import Fraction

    from settlement.money import round_fraction
    return None if not denominator else round_fraction(Fraction(numerator * 100, denominator), 2)
