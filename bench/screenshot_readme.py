"""The README's screenshots of the Map, Label and Review pages, on the bundled Sentinel-2 sample.

    .venv/bin/python -m bench.screenshot_readme [docs/]

Starts the app on a fresh data folder, and in Debian's chromium: a volunteer sharpens two
areas with the enhancer, goes back to the first from the list of enhanced areas, draws a
maize field on it and saves it (docs/screenshot-label.png); the Map page
(docs/screenshot-map.png); a reviewer opens the field (docs/screenshot-review.png). Nothing
leaves the machine (no basemap).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from sr.imagery.scene import open_scene
from sr.sharpen.methods import DEFAULT_METHOD
from tests.e2e.harness import (
    MAP,
    PROJECT_ROOT,
    REVIEWER_CODE,
    draw_fields_tool,
    draw_square,
    enhance_at,
    launch_chromium,
    map_centre,
    map_moved,
    running_app,
    sign_in,
)
from ui.methods import METHODS
from ui.settings import SAMPLE_SCENE

METHOD = METHODS[DEFAULT_METHOD]
# Centres (lon, lat) of the two areas: farmland north-west and north-east of the village;
# the field is drawn on the first, after going back to it from the list.
FIRST_AREA, SECOND_AREA = (13.1330, 48.3000), (13.1570, 48.3000)


def main(out: Path) -> None:
    scene = open_scene(SAMPLE_SCENE)
    west, south, east, north = scene.lonlat_bounds
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        env = {"SHARPFIELDS_AREA_PIXELS": "48"}
        with running_app(data, **env) as url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1500, "height": 1250})
            query = sign_in(page, url, "Sita")
            page.goto(f"{url}/label?{query}")
            map_centre(page)
            page.get_by_role("combobox", name="Sharpening method").click()
            page.get_by_role("option", name=METHOD).click()
            enhance_at(page, *FIRST_AREA)
            goto = page.get_by_label("Go to (lat, lon or west, south, east, north)")
            goto.fill(f"{west}, {south}, {east}, {north}")
            map_moved(page, lambda: goto.press("Enter"))
            enhance_at(page, *SECOND_AREA)
            show = page.get_by_role("button", name="Show", exact=True)
            expect(show).to_have_count(1, timeout=30_000)
            map_moved(page, show.click)
            page.get_by_label("Crop of the new fields").click()
            page.keyboard.type("maize")
            page.keyboard.press("Enter")
            draw_fields_tool(page)
            draw_square(page, half=90)
            page.get_by_text("1 unsaved drawing(s)").wait_for(timeout=30_000)
            page.get_by_role("button", name="Save & submit").click()
            page.get_by_test_id("stToast").filter(has_text="Saved maize field").wait_for()
            map_centre(page)
            page.get_by_text("signed in as").first.scroll_into_view_if_needed()  # the top
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "screenshot-label.png"))

            page.set_viewport_size({"width": 1400, "height": 1000})
            page.goto(f"{url}/map?{query}")
            map_centre(page)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "screenshot-map.png"))

            reviewer = browser.new_page(viewport={"width": 1500, "height": 1000})
            reviewer_query = sign_in(reviewer, url, "Maya", "Reviewer: accept", REVIEWER_CODE)
            reviewer.goto(f"{url}/review?{reviewer_query}")
            reviewer.get_by_text("Reviewed 0 of 1").wait_for(timeout=30_000)
            expect(reviewer.locator(MAP)).to_have_count(1, timeout=30_000)
            reviewer.frame_locator(MAP).last.locator("img.leaflet-tile-loaded").first.wait_for()
            reviewer.wait_for_timeout(2500)
            reviewer.screenshot(path=str(out / "screenshot-review.png"))
            browser.close()
    print(f"wrote {out}/screenshot-{{label,map,review}}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "docs")
