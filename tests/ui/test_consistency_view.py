"""Consistency shown to people: badge words, the map's colours, fields' provenance, the
reviewer's filter (no browser)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labels.model import Label, View
from sr.imagery.scene import open_scene
from sr.sharpen.assessment import Badge
from sr.sharpen.cache import CachedResult
from tests.labels.conftest import square
from ui.consistency_view import UNCHECKED, badge_caption, badge_text, colour_map
from ui.label_actions import drawn_on_view
from ui.review import ORIGINAL_VIEW, drawn_on_choice, filter_drawn_on
from ui.settings import SAMPLE_SCENE


def _provenance(badge: str | None, relative: float = 0.0001) -> dict:
    base = {"method": "enhancer", "model_version": "enhancer@abc", "bbox": [0, 0, 1, 1]}
    if badge is None:
        return base
    report = {"reflectance_l1_relative": relative, "reflectance_l1": 1.0}
    return base | {"consistency": {"consistency": report, "synthesis": 0.1, "badge": badge}}


def _result(badge: str | None) -> CachedResult:
    return CachedResult("k", Path("/nonexistent.tif"), _provenance(badge))


def test_badges_in_plain_words() -> None:
    assert badge_text(_provenance("consistent")).label == "faithful"
    assert badge_text(_provenance("inconsistent")).colour == "red"
    assert badge_text(_provenance(None)) is UNCHECKED
    assert "0.01 %" in badge_caption(_provenance("consistent"))
    assert "%" not in badge_caption(_provenance(None))


def test_consistency_map_colours() -> None:
    error = np.array([[0.0, 0.004, 0.01, 0.05]])
    rgba = colour_map(error)
    assert rgba[0, 0, 3] == 0 and rgba[0, 1, 3] == 0  # faithful pixels stay clear
    assert tuple(rgba[0, 2, :3]) == (255, 176, 0) and tuple(rgba[0, 3, :3]) == (220, 30, 30)


def test_a_field_drawn_on_an_enhanced_area_records_its_badge() -> None:
    scene = open_scene(SAMPLE_SCENE)
    assert drawn_on_view(scene, _result("check")).consistency == "check"
    assert drawn_on_view(scene, _result(None)).consistency is None
    original = drawn_on_view(scene, None)
    assert original.view is View.ORIGINAL and original.consistency is None


def _label(view: View, consistency: str | None, lon: float) -> Label:
    return Label(square(lon=lon), "rice", "s", "ram", view=view, consistency=consistency)


@pytest.mark.parametrize("wanted", [["not faithful"], ["faithful", ORIGINAL_VIEW], []])
def test_reviewers_filter_fields_by_the_imagery_they_were_drawn_on(wanted: list[str]) -> None:
    labels = [
        _label(View.ORIGINAL, None, 85.30),
        _label(View.ENHANCED, Badge.CONSISTENT.value, 85.31),
        _label(View.ENHANCED, Badge.INCONSISTENT.value, 85.32),
        _label(View.ENHANCED, None, 85.33),  # drawn before badges were recorded
    ]
    views = {labels[3].id: _result("check")}  # its area, found in the cache, says "check"
    assert [drawn_on_choice(lab, views.get(lab.id)) for lab in labels] == [
        ORIGINAL_VIEW,
        "faithful",
        "not faithful",
        "check",
    ]
    kept = filter_drawn_on(labels, wanted, views)
    expected = [
        lab for lab in labels if not wanted or drawn_on_choice(lab, views.get(lab.id)) in wanted
    ]
    assert kept == expected and (len(kept) < len(labels)) == bool(wanted)


def test_the_detail_the_model_added_in_plain_words_and_colours() -> None:
    from ui.consistency_view import added_caption, added_colours

    for added, words in [(0.001, "little"), (0.03, "check them"), (0.2, "before drawing")]:
        provenance = _provenance("consistent")
        provenance["consistency"]["added_detail"] = added
        caption = added_caption(provenance)
        assert f"{100 * added:.1f} %" in caption and words in caption
    assert "not measured" in added_caption(_provenance("consistent"))
    # the faithful badge no longer says the outlines are in the data
    assert "in the data" not in badge_caption(_provenance("consistent"))
    rgba = added_colours(np.array([[0.001, 0.01, 0.05, np.nan]], np.float32))
    alpha = rgba[0, :, 3]
    assert alpha[0] == 0 and alpha[3] == 0  # little or unknown: clear
    assert 0 < alpha[1] < alpha[2]  # stronger where more was added
