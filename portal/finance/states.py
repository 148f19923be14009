"""The life of a settlement run: the only allowed moves, and who may make them."""
from __future__ import annotations

# (status, action) -> new status
TRANSITIONS = {
    ("draft", "submit"): "submitted",
    ("draft", "discard"): "discarded",
    ("submitted", "return"): "returned",
    ("submitted", "approve"): "issued",
    ("returned", "discard"): "discarded",
}

ACTION_NAMES = {"submit": "indienen", "discard": "laten vervallen", "return": "terugsturen", "approve": "goedkeuren"}


class RunRefused(Exception):
    """A settlement action is not allowed; the message is Dutch and meant for the user."""


class InvalidTransition(RunRefused):
    def __init__(self, status: str, action: str):
        super().__init__(f"Een afrekening met status '{status}' kunt u niet {ACTION_NAMES.get(action, action)}.")
        self.status, self.action = status, action


def next_status(status: str, action: str) -> str:
    """Return the status after `action`, or raise InvalidTransition."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise InvalidTransition(status, action) from None
