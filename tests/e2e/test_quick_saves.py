"""In a real browser: finish an outline, pick a crop, press Save — at once, many times.

Each save must store the crop the box shows when Save is pressed (issue 20: a quick save
stored the crop picked before, while its toast named it).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from labels.base_store import LabelFilter
from labels.store import open_store
from tests.e2e.harness import draw_square, map_centre, map_replaced, running_app, sign_in

pytestmark = pytest.mark.e2e

CROPS = ["wheat", "maize", "rice", "millet", "barley", "potato", "mustard", "lentil"]


def _new_label(folder: Path, known: set[str], timeout_s: float = 60) -> tuple[str, str]:
    """Wait for one more field in the store than ``known``; its id and crop."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        store = open_store(folder, snapshots=False)
        try:
            fresh = [lab for lab in store.query(LabelFilter()) if lab.id not in known]
        finally:
            store.close()
        if fresh:
            assert len(fresh) == 1, [lab.crop for lab in fresh]
            return fresh[0].id, fresh[0].crop
        time.sleep(0.2)
    raise TimeoutError("the save never reached the label store")


def _pick(page, box, name: str) -> None:  # type: ignore[no-untyped-def]
    """Choose ``name`` in a select box (a rerun that lands meanwhile may close its list)."""
    from playwright.sync_api import Error

    option = page.get_by_role("option", name=name, exact=True)
    for _ in range(5):
        box.click()
        try:
            option.click(timeout=5_000)
            return
        except Error:
            continue
    raise TimeoutError(f"could not choose {name}")


def test_each_quick_save_keeps_the_crop_on_screen(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    with running_app(data) as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"{url}/label?{sign_in(page, url, 'Quick')}")
        map_centre(page)
        map_replaced(page, page.get_by_text("Draw fields", exact=True).first.click)
        crop_box = page.get_by_label("Crop of the new fields")
        save = page.get_by_role("button", name="Save & submit")
        known: set[str] = set()
        stored = []
        for i, crop in enumerate(CROPS):
            draw_square(page, half=12, dx0=-160 + 46 * i)  # ends with "Finish"
            _pick(page, crop_box, crop)  # no pause: pick the crop and save at once
            save.click()
            label_id, saved_crop = _new_label(data / "labels", known)
            known.add(label_id)
            stored.append(saved_crop)
        assert stored == CROPS
