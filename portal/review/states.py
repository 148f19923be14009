"""The review states of a claim and the only ways from one to the next."""
from __future__ import annotations

from ..formatting import label


class ReviewError(Exception):
    """A review decision that is not allowed; the message is Dutch and meant for the user."""

    status = 400


class InvalidTransition(ReviewError):
    """The claim's current review state does not allow this action."""

    status = 409

    def __init__(self, state: str, action: str):
        super().__init__(MESSAGES[action].format(state=label(state)))
        self.state = state
        self.action = action


# (current review state, action) -> new review state
TRANSITIONS: dict[tuple[str, str], str] = {
    ("pending", "approve"): "approved",
    ("pending", "reject"): "rejected",
    ("approved", "revoke"): "rejected",
    # Only through an upheld objection: a wrongful rejection (or revocation) reversed by a new approval.
    ("rejected", "reinstate"): "approved",
}

MESSAGES = {
    "approve": "Deze declaratie kan niet worden goedgekeurd: de status is ‘{state}’.",
    "reject": "Deze declaratie kan niet worden afgekeurd: de status is ‘{state}’.",
    "revoke": "Alleen een goedgekeurde declaratie kan worden ingetrokken: de status is ‘{state}’.",
    "reinstate": "Alleen een afgekeurde declaratie kan alsnog worden goedgekeurd: de status is ‘{state}’.",
}


def next_state(state: str, action: str) -> str:
    """Return the review state after the action, or raise InvalidTransition."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransition(state, action) from None


# Actions only an upheld objection takes; the review page does not offer them.
CORRECTION_ACTIONS = frozenset({"reinstate"})


def allowed_actions(state: str) -> frozenset[str]:
    """Return the actions the review page may offer from this state (the transition table, less corrections)."""
    return frozenset(action for (source, action) in TRANSITIONS if source == state and action not in CORRECTION_ACTIONS)
