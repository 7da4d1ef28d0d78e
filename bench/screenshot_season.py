"""The README's screenshot of the season view: the Label page on the bundled sample's second
date in the NDVI view, a field just drawn and its season profile beside three neighbours.

    .venv/bin/python -m bench.screenshot_season [docs/]

Starts the app on a fresh data folder with three saved fields near the middle of the
sample, and in Debian's chromium: a volunteer zooms there, switches to date 2 and NDVI,
draws a field (docs/screenshot-season.png). Nothing leaves the machine (no basemap).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from shapely.geometry import box

from labels.model import Role
from labels.store import open_store
from sr.imagery.scene import open_scene
from tests.e2e.harness import (
    PROJECT_ROOT,
    draw_square,
    launch_chromium,
    map_centre,
    map_replaced,
    running_app,
    sign_in,
)
from ui.auth import Identity
from ui.label_actions import DrawnOn, save_new_fields
from ui.settings import SAMPLE_SCENE

PLACE = (48.3000, 13.1330)  # lat, lon: farmland north-west of the village
NEIGHBOURS = (("maize", -0.0030, 0.0004), ("wheat", 0.0018, 0.0006), ("rice", -0.0006, -0.0022))


def main(out: Path) -> None:
    scene = open_scene(SAMPLE_SCENE)
    lat, lon = PLACE
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        store = open_store(data / "labels")
        store.register_scene(scene.scene_id, scene.footprint)
        for crop, dx, dy in NEIGHBOURS:
            field = box(lon + dx, lat + dy, lon + dx + 0.0012, lat + dy + 0.0008)
            [saved] = save_new_fields(
                store,
                [field],
                crop=crop,
                identity=Identity("Gita", Role.VOLUNTEER),
                scene_id=scene.scene_id,
                drawn_on=DrawnOn(dates_seen="date 1, date 2"),
            )
            assert saved.ok, saved.message
        store.close()
        with running_app(data) as url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1500, "height": 1450})
            page.goto(f"{url}/label?{sign_in(page, url, 'Sita')}")
            map_centre(page)
            goto = page.get_by_label("Go to (lat, lon or west, south, east, north)")
            goto.fill(f"{lon - 0.006:.4f}, {lat - 0.004:.4f}, {lon + 0.006:.4f}, {lat + 0.004:.4f}")
            map_replaced(page, lambda: goto.press("Enter"))
            map_replaced(page, page.get_by_role("button", name="date 2", exact=True).click)
            map_replaced(page, page.get_by_text("NDVI (vegetation)", exact=True).click)
            map_replaced(page, page.get_by_text("Draw fields", exact=True).first.click)
            draw_square(page, half=35, dx0=-40)
            expect(page.get_by_text("Season profile: your last drawing")).to_be_visible(
                timeout=60_000
            )
            map_centre(page)
            page.get_by_text("signed in as").first.scroll_into_view_if_needed()
            page.wait_for_timeout(2000)
            page.screenshot(path=str(out / "screenshot-season.png"))
            browser.close()
    print(f"wrote {out}/screenshot-season.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "docs")
