"""The README's screenshot of the Find imagery page, made against the local test catalogue.

    .venv/bin/python -m bench.screenshot_fetch [docs/screenshot-fetch.png]

Builds the test catalogue of tests/stac_catalog.py (Sentinel-2 cut from ../shared/data,
served by stac-fastapi-static and a Range HTTP server on loopback), starts the app with
SHARPFIELDS_STAC_URL pointing at it, signs in as a coordinator in Debian's chromium, types an
area, searches, fetches the best scene and takes the picture. Nothing leaves the machine
(basemaps stay blank).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.harness import PROJECT_ROOT, launch_chromium, running_app, sign_in
from tests.stac_catalog import RangeServer, build_catalog, source_grid, start_stac_api, stop

CODE = "screenshot-code"


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        images = RangeServer(root / "images")
        process, stac_url = start_stac_api(build_catalog(root, images.url), root / "api.log")
        try:
            crs, transform = source_grid()
            from rasterio.warp import transform_bounds

            left, top = transform @ (120, 60)
            right, bottom = transform @ (420, 300)
            west, south, east, north = transform_bounds(crs, "EPSG:4326", left, bottom, right, top)
            data = root / "data"
            data.mkdir()
            env = {"SHARPFIELDS_STAC_URL": stac_url, "SHARPFIELDS_COORDINATOR_CODE": CODE}
            with running_app(data, **env) as url, sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1400, "height": 1450})
                query = sign_in(page, url, "Ana", "Coordinator: review and export", CODE)
                page.goto(f"{url}/fetch?{query}")
                page.get_by_text("Find Sentinel-2 imagery for an area").wait_for(timeout=60_000)
                page.get_by_text("none", exact=True).click()
                area = page.get_by_label("Area: draw a rectangle on the map", exact=False)
                area.fill(f"{west:.4f}, {south:.4f}, {east:.4f}, {north:.4f}")
                area.press("Control+Enter")
                page.get_by_role("button", name="Search").click()
                page.get_by_text("scene(s), least cloud over the area first").wait_for(
                    timeout=60_000
                )
                page.get_by_role("button", name="Fetch").first.click()
                page.get_by_text("It is now the current scene").wait_for(timeout=60_000)
                page.wait_for_timeout(1500)
                page.screenshot(path=str(out), full_page=True)
                browser.close()
        finally:
            stop(process)
            images.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "docs" / "screenshot-fetch.png")
