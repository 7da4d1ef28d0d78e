"""The real thing: Earth Search's sentinel-2-l2a over a small area of Chitwan, Nepal.

Marked ``online`` and deselected by default (``-m online`` runs it); everything else about
finding and fetching is tested offline against the local catalogue (test_stac.py).
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sr.imagery.scene import open_scene
from sr.stac.area import area_from_bbox
from sr.stac.search import StacSettings, fetch_candidate, search_candidates

pytestmark = pytest.mark.online

# Rice fields south of Bharatpur, Chitwan: about 2 × 2 km.
CHITWAN = area_from_bbox(84.40, 27.60, 84.42, 27.62)


@pytest.fixture()
def earth_search() -> StacSettings:
    """Earth Search v1; skipped (with the reason) when it cannot be reached, e.g. when a
    command line's own ``-m`` replaced the default ``-m "not online"``."""
    settings = StacSettings()
    host = urlparse(settings.catalog_url).hostname or ""
    try:
        socket.create_connection((host, 443), timeout=5).close()
    except OSError as exc:
        pytest.skip(f"{host} cannot be reached from here: {exc}")
    return settings


def test_earth_search_finds_and_fetches_a_post_monsoon_scene(
    tmp_path: Path, earth_search: StacSettings
) -> None:
    settings = earth_search
    candidates = search_candidates(CHITWAN, "2024-10-01/2024-11-30", 20, settings)
    assert candidates and candidates[0].area_cloud is not None
    assert candidates[0].tiles[0].startswith("45R")
    result = fetch_candidate(candidates[0], CHITWAN, tmp_path / "chitwan.tif", settings)
    scene = open_scene(result.scene.path)
    assert scene.descriptions == ("B04", "B03", "B02", "B08")
    assert 150 < scene.width < 260 and 150 < scene.height < 260
    assert result.tags["STAC_CATALOG"] == settings.catalog_url
