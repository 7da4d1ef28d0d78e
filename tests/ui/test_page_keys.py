"""ui.page_keys: the keys a map's frame hands on to the page (the browser test presses them:
tests/e2e/test_review_keys.py)."""

from __future__ import annotations

import folium
import pytest

from ui.page_keys import KeysToPage


def test_the_keys_chosen_are_handed_on_as_letters_and_nothing_else() -> None:
    fmap = folium.Map()
    KeysToPage(["A", "k"]).add_to(fmap)
    html = fmap.get_root().render()
    assert 'var keys = ["a", "k"];' in html
    assert "window.parent.document" in html and "isContentEditable" in html
    for bad in (['"];alert(1);//'], ["Enter"], [""]):
        with pytest.raises(ValueError):
            KeysToPage(bad)
