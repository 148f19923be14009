"""The objection's transition table: open becomes upheld or rejected, and that is final."""
from __future__ import annotations

import pytest

from portal.objections.states import (STATUS_LABELS, TRANSITIONS, InvalidTransition, ObjectionRefused,
                                      allowed_actions, next_status)


def test_an_open_objection_is_upheld_or_rejected():
    assert next_status("open", "uphold") == "upheld"
    assert next_status("open", "reject") == "rejected"
    assert allowed_actions("open") == {"uphold", "reject"}


@pytest.mark.parametrize("status", ["upheld", "rejected"])
@pytest.mark.parametrize("action", ["uphold", "reject"])
def test_a_decided_objection_allows_nothing(status, action):
    assert allowed_actions(status) == frozenset()
    with pytest.raises(InvalidTransition) as caught:
        next_status(status, action)
    assert STATUS_LABELS[status].lower() in str(caught.value)
    assert isinstance(caught.value, ObjectionRefused) and caught.value.status == 409


def test_every_status_reached_has_a_dutch_label():
    assert {s for (s, _) in TRANSITIONS} | set(TRANSITIONS.values()) <= set(STATUS_LABELS)
