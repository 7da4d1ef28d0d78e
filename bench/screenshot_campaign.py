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
from pathlib import Path

from bench.bench_campaign_tables import coordinator_on_seeded
from tests.e2e.harness import PROJECT_ROOT, map_centre, wait_idle


def main(out: Path) -> None:
    # tall enough for the map and the first Volunteers table (the page scrolls inside)
    with coordinator_on_seeded((1500, 1500)) as (page, url, query, _):
        page.goto(f"{url}/campaigns?{query}")
        page.get_by_text("Volunteers: their fields").first.wait_for()
        map_centre(page)
        wait_idle(page, steady_s=2.0)
        page.screenshot(path=str(out / "screenshot-campaign.png"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "docs")
