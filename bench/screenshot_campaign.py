"""The README's screenshot of the Campaigns page for a coordinator, on the bundled sample.

    .venv/bin/python -m bench.screenshot_campaign [docs/]

Starts the app on a fresh data folder with `bench.bench_campaign_tables`' campaign (nine
tasks: one mapped, sent back twice and mapped again, one validated, one set aside for bad
imagery, three assigned), and in Debian's chromium a coordinator opens it: the tasks on the
map by state, the counts beside it, the tasks set aside and the Volunteers tables under it
(docs/screenshot-campaign.png). Nothing leaves the machine (no basemap).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.bench_campaign_tables import seed
from tests.e2e.campaign_pages import COORDINATOR_CODE
from tests.e2e.harness import (
    PROJECT_ROOT,
    launch_chromium,
    map_centre,
    running_app,
    sign_in,
    wait_idle,
)


def main(out: Path) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        running_app(Path(folder), SHARPFIELDS_COORDINATOR_CODE=COORDINATOR_CODE) as url,
        sync_playwright() as playwright,
    ):
        seed(Path(folder))
        browser = launch_chromium(playwright)
        # tall enough for the map and the first Volunteers table (the page scrolls inside)
        page = browser.new_page(viewport={"width": 1500, "height": 1500})
        page.set_default_timeout(180_000)
        query = sign_in(page, url, "Boss", "Coordinator: review", COORDINATOR_CODE)
        page.goto(f"{url}/campaigns?{query}")
        page.get_by_text("Volunteers: their fields").first.wait_for()
        map_centre(page)
        wait_idle(page, steady_s=2.0)
        page.screenshot(path=str(out / "screenshot-campaign.png"))
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "docs")
