"""ui.page_keys: the keys a map's frame hands on to the page (the browser test presses them:
tests/e2e/test_review_keys.py)."""

from __future__ import annotations

import folium
import pytest

from sr.imagery.render import Pyramid
from sr.imagery.scene import open_scene
from ui.page_keys import NEXT_DATE_KEY, KeysToPage
from ui.registry import ServedScene
from ui.scene_map import scene_frame
from ui.settings import SAMPLE_SCENE


def test_the_keys_chosen_are_handed_on_as_letters_and_nothing_else() -> None:
    fmap = folium.Map()
    KeysToPage(["A", "k"]).add_to(fmap)
    html = fmap.get_root().render()
    assert 'var keys = ["a", "k"];' in html
    assert "window.parent.document" in html and "isContentEditable" in html
    for bad in (['"];alert(1);//'], ["Enter"], [""]):
        with pytest.raises(ValueError):
            KeysToPage(bad)


def test_every_scene_map_hands_on_next_dates_key() -> None:
    """Next date's key reached the page only outside the map: with the keyboard's focus in
    the map (after a click or a pan there) it did nothing."""
    scene = open_scene(SAMPLE_SCENE)
    html = scene_frame(ServedScene(scene, Pyramid(scene))).get_root().render()
    assert f'var keys = ["{NEXT_DATE_KEY}"];' in html
