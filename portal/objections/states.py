"""The life of an objection (bezwaar): open until a reviewer upholds or rejects it, then final."""
from __future__ import annotations

# The shared label of 'rejected' is "Afgekeurd" (a claim); an objection is "ongegrond".
STATUS_LABELS = {"open": "Open", "upheld": "Gegrond", "rejected": "Ongegrond"}


class ObjectionError(Exception):
    """An objection action that is not allowed; the message is Dutch and meant for the user."""

    status = 400


class ObjectionRefused(ObjectionError):
    """The rules do not allow this objection or this decision (who, which line, which state)."""

    status = 409


class InvalidTransition(ObjectionRefused):
    """The objection's current status does not allow this decision."""

    def __init__(self, status: str, action: str):
        super().__init__(MESSAGES[action].format(status=STATUS_LABELS.get(status, status).lower()))
        self.current = status
        self.action = action


# (current status, action) -> new status
TRANSITIONS: dict[tuple[str, str], str] = {
    ("open", "uphold"): "upheld",
    ("open", "reject"): "rejected",
}

MESSAGES = {
    "uphold": "Dit bezwaar kan niet gegrond worden verklaard: het is al {status}.",
    "reject": "Dit bezwaar kan niet ongegrond worden verklaard: het is al {status}.",
}


def next_status(status: str, action: str) -> str:
    """Return the status after the action, or raise InvalidTransition."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise InvalidTransition(status, action) from None


def allowed_actions(status: str) -> frozenset[str]:
    """Return the actions the transition table allows from this status."""
    return frozenset(action for (source, action) in TRANSITIONS if source == status)
