"""Which trajectories a contract admits (section 3)."""
from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from .glossary import Reason, VolumeLimit
from .model import Contract, Trajectory


def admit(contract: Contract, trajectories: Iterable[Trajectory]) -> tuple[dict[str, str], dict[str, str]]:
    """Refuse trajectories outside the contract period or over volume.

    Takes the trajectories that exist on the reference date and returns
    (refused: ref -> Reason, volume_limits: ref -> VolumeLimit for OVER_VOLUME).
    """
    refused: dict[str, str] = {}
    limits: dict[str, str] = {}
    inside = []
    first, last = contract.start, contract.end
    for trajectory in trajectories:
        if first <= trajectory.start <= last:
            inside.append(trajectory)
        else:
            refused[trajectory.ref] = Reason.OUTSIDE_CONTRACT_PERIOD.value
    maximum = contract.max_trajectories
    caps = contract.municipality_caps or {}
    if maximum is None and not caps:
        return refused, limits
    inside.sort(key=attrgetter("start", "ref"))
    admitted = 0
    per_municipality: dict[str, int] = {}
    for trajectory in inside:
        cap = caps.get(trajectory.municipality)
        taken = per_municipality.get(trajectory.municipality, 0)
        if maximum is not None and admitted >= maximum:
            limit = VolumeLimit.MAX_TRAJECTORIES.value
        elif cap is not None and taken >= cap:
            limit = VolumeLimit.MUNICIPALITY_CAP.value
        else:
            # Only admitted trajectories use up volume; refused ones leave it for later ones.
            admitted += 1
            per_municipality[trajectory.municipality] = taken + 1
            continue
        refused[trajectory.ref] = Reason.OVER_VOLUME.value
        limits[trajectory.ref] = limit
    return refused, limits
