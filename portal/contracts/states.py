"""The life of a contract amendment: the only allowed moves (a decided version never moves again)."""
from __future__ import annotations

# (status, action) -> new status
TRANSITIONS = {
    ("proposed", "approve"): "approved",
    ("proposed", "reject"): "rejected",
}

ACTION_NAMES = {"approve": "goedkeuren", "reject": "afwijzen"}
STATUS_NAMES = {"proposed": "voorgesteld", "approved": "goedgekeurd", "rejected": "afgewezen"}


class AmendmentRefused(Exception):
    """An amendment action is not allowed; the message is Dutch and meant for the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class InvalidTransition(AmendmentRefused):
    def __init__(self, status: str, action: str):
        super().__init__(f"Een wijziging met status '{STATUS_NAMES.get(status, status)}' kunt u niet "
                         f"{ACTION_NAMES.get(action, action)}.")
        self.status, self.action = status, action


def next_status(status: str, action: str) -> str:
    """Return the status after `action`, or raise InvalidTransition."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise InvalidTransition(status, action) from None
