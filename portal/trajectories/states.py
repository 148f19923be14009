"""The states of a trajectory and of its plan, and the only ways from one to the next."""
from __future__ import annotations

from ..formatting import label


class TrajectoryError(Exception):
    """An action on a trajectory that is not allowed; the message is Dutch and meant for the user."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field  # the form field the message belongs to, if one


class InvalidTransition(TrajectoryError):
    """The current state does not allow this action."""

    status = 409

    def __init__(self, subject: str, state: str, action: str):
        super().__init__(f"Het {subject} kan niet worden {ACTION_LABELS[action]}: de status is ‘{label(state)}’.")
        self.subject = subject
        self.state = state
        self.action = action


# (trajectory status, action) -> new status
TRAJECTORY_TRANSITIONS: dict[tuple[str, str], str] = {
    ("referred", "accept"): "accepted",
    ("referred", "decline"): "declined",
    ("accepted", "approve_plan"): "active",
    ("active", "approve_plan"): "active",
    ("accepted", "end"): "ended",
    ("active", "end"): "ended",
}

# (plan status, action) -> new plan status
PLAN_TRANSITIONS: dict[tuple[str, str], str] = {
    ("none", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "returned",
}

ACTION_LABELS = {  # past participles: "Het traject kan niet worden geaccepteerd"
    "accept": "geaccepteerd", "decline": "geweigerd", "approve_plan": "goedgekeurd", "end": "beëindigd",
    "submit": "ingediend", "approve": "goedgekeurd", "return": "teruggestuurd",
}


def next_status(status: str, action: str) -> str:
    """Return the trajectory status after the action, or raise InvalidTransition."""
    try:
        return TRAJECTORY_TRANSITIONS[(status, action)]
    except KeyError:
        raise InvalidTransition("traject", status, action) from None


def next_plan_status(plan_status: str, action: str) -> str:
    """Return the plan status after the action, or raise InvalidTransition."""
    try:
        return PLAN_TRANSITIONS[(plan_status, action)]
    except KeyError:
        raise InvalidTransition("trajectplan", plan_status, action) from None


def allowed(status: str, action: str) -> bool:
    """Tell whether the trajectory table allows the action from this status (for showing buttons)."""
    return (status, action) in TRAJECTORY_TRANSITIONS


def plan_allowed(plan_status: str, action: str) -> bool:
    """Tell whether the plan table allows the action from this plan status."""
    return (plan_status, action) in PLAN_TRANSITIONS
