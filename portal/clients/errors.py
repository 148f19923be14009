"""The refusal of a client-fact action: a Dutch message that names its field."""
from __future__ import annotations

from ..trajectories.states import TrajectoryError


class FactRefused(TrajectoryError):
    """The value breaks a rule; nothing was stored."""
