"""In a real browser: finish an outline, pick a crop, press Save — at once, many times.

Each save must store the crop the box shows when Save is pressed (issue 20: a quick save
stored the crop picked before, while its toast named it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import (
    draw_fields_tool,
    draw_square,
    map_centre,
    new_label,
    running_app,
    sign_in,
)

pytestmark = pytest.mark.e2e

CROPS = ["wheat", "maize", "rice", "millet", "barley", "potato", "mustard", "lentil"]


def _pick(page, box, name: str) -> None:  # type: ignore[no-untyped-def]
    """Choose ``name`` in a select box, as a volunteer does: again when the box does not show
    it (a rerun that lands meanwhile may close its list, or redraw it)."""
    from playwright.sync_api import Error, expect

    option = page.get_by_role("option", name=name, exact=True)
    for _ in range(5):
        box.click()
        try:
            option.click(timeout=5_000)
            expect(box).to_have_value(name, timeout=5_000)
            return
        except (Error, AssertionError):
            continue
    raise TimeoutError(f"could not choose {name}")


def test_each_quick_save_keeps_the_crop_on_screen(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    with running_app(data) as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"{url}/label?{sign_in(page, url, 'Quick')}")
        map_centre(page)
        draw_fields_tool(page)
        crop_box = page.get_by_label("Crop of the new fields")
        save = page.get_by_role("button", name="Save & submit")
        known: set[str] = set()
        shown, stored = [], []
        for i, crop in enumerate(CROPS):
            draw_square(page, half=12, dx0=-160 + 46 * i)  # ends with "Finish"
            _pick(page, crop_box, crop)  # no pause: pick the crop and save at once
            shown.append(crop_box.input_value(timeout=30_000))  # what Save is pressed beside
            save.click()
            saved = new_label(data / "labels", known)
            known.add(saved.id)
            stored.append(saved.crop)
        assert stored == shown == CROPS
