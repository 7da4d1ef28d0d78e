"""The Map page shows the bundled sample scene's imagery, with no internet, and the saved
fields on it."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from shapely.geometry import box

from labels.crop_colours import crop_colour
from labels.model import Label, Role
from labels.store import open_store
from sr.imagery.scene import open_scene
from tests.e2e.harness import ARTIFACTS, MAP, map_box, running_app, sign_in
from ui.settings import SAMPLE_SCENE

pytestmark = pytest.mark.e2e


def test_map_shows_scene_tiles_from_local_assets(app_url: str, page) -> None:
    requested_hosts: set[str] = set()
    page.on("request", lambda request: requested_hosts.add(urlparse(request.url).hostname or ""))

    query = sign_in(page, app_url, "Tara")
    page.goto(f"{app_url}/map?{query}")
    frame = page.frame_locator(MAP)
    tiles = frame.locator("img.leaflet-tile-loaded[src*='/tiles/']")
    tiles.nth(1).wait_for(timeout=60_000)  # two tiles loaded (the first alone races the rest)

    # Real imagery: several 256-px PNG tiles decoded by the browser, not broken images. Read
    # until the map has settled: a tile Leaflet is swapping out while the map redraws can
    # show a placeholder for a moment (seen once on a busy machine).
    deadline = time.monotonic() + 60
    while True:
        sizes = tiles.evaluate_all("els => els.map(e => [e.naturalWidth, e.naturalHeight])")
        settled = len(sizes) >= 2 and all(size == [256, 256] for size in sizes)
        if settled or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len(sizes) >= 2
    assert all(size == [256, 256] for size in sizes), sizes
    # The scene outline is drawn as a vector path.
    assert frame.locator("path.leaflet-interactive").count() >= 1
    # Leaflet came from the app itself: no request left this machine.
    assert requested_hosts <= {"127.0.0.1", "localhost", ""}

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_page.png"), full_page=True)


def test_the_map_page_draws_ones_own_fields_and_others(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    scene = open_scene(SAMPLE_SCENE)
    store = open_store(data / "labels")
    store.register_scene(scene.scene_id, scene.footprint)
    x, y = scene.footprint.centroid.x, scene.footprint.centroid.y
    for who, crop, dx in (("Sita", "wheat", -0.004), ("Gita", "rice", 0.001)):
        field = Label(
            box(x + dx, y - 0.0015, x + dx + 0.003, y + 0.0015), crop, scene.scene_id, who
        )
        store.save(field, actor=who, role=Role.VOLUNTEER)
    with running_app(data) as url:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{url}/map?{sign_in(page, url, 'Sita')}")
        page.get_by_text("Saved fields on the map: 1 of yours, 1 by others").wait_for()
        map_box(page)
        strokes = (
            page.frame_locator(MAP)
            .locator("path.leaflet-interactive")
            .evaluate_all("paths => paths.map(p => p.getAttribute('stroke'))")
        )
        assert crop_colour("wheat") in strokes and crop_colour("rice") in strokes, strokes
        page.close()
