"""The accessibility check itself: it finds what it should, and reports it usefully."""
from __future__ import annotations

import pytest

from .axe import assert_accessible

pytestmark = pytest.mark.browser


def test_the_check_fails_on_a_page_with_serious_problems_and_names_them(page):
    page.set_content('<html><body><img src="data:,"><form><input type="text"></form>'
                     '<p style="color:#aaa;background:#fff">te licht</p></body></html>')
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    for rule in ("image-alt", "label", "html-has-lang", "color-contrast"):
        assert rule in message
    assert "at img" in message  # the offending nodes are listed


def test_the_check_passes_a_plain_accessible_page(page):
    page.set_content('<html lang="nl"><head><title>Goed</title></head><body><main><h1>Goed</h1>'
                     '<label for="x">Naam</label><input id="x"></main></body></html>')
    assert_accessible(page)
