"""The review transition table: only pending claims are decided, only approvals are revoked."""
from __future__ import annotations

import pytest

from portal.review.states import TRANSITIONS, InvalidTransition, allowed_actions, next_state

STATES = ("pending", "approved", "rejected")
ACTIONS = ("approve", "reject", "revoke", "reinstate")


def test_the_table_is_exactly_the_four_moves():
    assert TRANSITIONS == {("pending", "approve"): "approved", ("pending", "reject"): "rejected",
                           ("approved", "revoke"): "rejected", ("rejected", "reinstate"): "approved"}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_other_move_is_an_invalid_transition(state, action):
    if (state, action) in TRANSITIONS:
        assert next_state(state, action) == TRANSITIONS[(state, action)]
    else:
        with pytest.raises(InvalidTransition) as error:
            next_state(state, action)
        assert error.value.status == 409 and "status is" in str(error.value)


def test_allowed_actions_follow_the_table():
    assert allowed_actions("pending") == {"approve", "reject"}
    assert allowed_actions("approved") == {"revoke"}
    assert allowed_actions("rejected") == frozenset()  # reinstating is only a correction from an objection
