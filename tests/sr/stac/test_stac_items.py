"""Reading Earth Search-shaped items offline: tile names, CRS, scaling, passes.

The properties follow Earth Search v1's sentinel-2-l2a items (``grid:code``, ``mgrs:*``,
``proj:epsg``, ``raster:bands`` with the -0.1 offset of processing baseline 04.00+).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pystac
from shapely.geometry import box, mapping

from sr.stac.area import area_from_bbox
from sr.stac.harmonize import declared_offset_dn
from sr.stac.search import Candidate, candidate_crs, group_candidates

CHITWAN = area_from_bbox(84.40, 27.60, 84.42, 27.62)


def _item(
    tile: str, west: float, when: datetime, cloud: float, updated: str = "2024-10-20T00:00:00Z"
) -> pystac.Item:
    zone, band, square = tile[:2], tile[2], tile[3:]
    item = pystac.Item(
        f"S2B_{tile}_{when:%Y%m%d}_0_L2A",
        mapping(box(west, 27.0, west + 1, 28.0)),
        [west, 27.0, west + 1, 28.0],
        when,
        {
            "platform": "sentinel-2b",
            "eo:cloud_cover": cloud,
            "grid:code": f"MGRS-{tile}",
            "mgrs:utm_zone": int(zone),
            "mgrs:latitude_band": band,
            "mgrs:grid_square": square,
            "proj:epsg": 32600 + int(zone),
            "updated": updated,
        },
    )
    band_info = {"raster:bands": [{"nodata": 0, "scale": 0.0001, "offset": -0.1}]}
    for key in ("red", "green", "blue", "nir", "scl"):
        href = f"https://sentinel-cogs.s3.us-west-2.amazonaws.com/x/{key.upper()}.tif"
        item.add_asset(key, pystac.Asset(href, extra_fields=band_info))
    return item


def test_earth_search_items_need_no_network_for_names_and_crs() -> None:
    item = _item("45RUL", 84.0, datetime(2024, 10, 15, 5, 0, tzinfo=UTC), 3.2)
    candidate = Candidate((item,))
    assert candidate.tiles == ("45RUL",)
    assert candidate_crs(candidate).to_epsg() == 32645
    assert declared_offset_dn(item) == 1000


def test_one_pass_over_two_tiles_is_one_candidate_main_tile_first() -> None:
    when = datetime(2024, 10, 15, 5, 0, tzinfo=UTC)
    items = [
        _item("45RTL", 83.5, when, 10.0),  # covers the area (84.40-84.42)
        _item("45RUL", 84.41, when, 2.0),  # covers half of it
        _item("45RUL", 84.0, datetime(2024, 10, 20, 5, 0, tzinfo=UTC), 1.0),
    ]
    [first, second] = group_candidates(items, CHITWAN)
    assert first.tiles == ("45RUL",) and first.datetime.day == 20  # least tile cloud first
    assert second.tiles == ("45RTL", "45RUL")  # the tile with most of the area first
    assert second.tile_cloud == 6.0


def test_a_reprocessed_tile_counts_once_the_newest_kept() -> None:
    when = datetime(2024, 10, 15, 5, 0, tzinfo=UTC)
    old = _item("45RUL", 84.0, when, 5.0, updated="2024-10-16T00:00:00Z")
    new = _item("45RUL", 84.0, when, 4.0, updated="2025-03-01T00:00:00Z")
    new.id = "S2B_45RUL_20241015_1_L2A"
    [candidate] = group_candidates([old, new], CHITWAN)
    assert candidate.item_ids == ("S2B_45RUL_20241015_1_L2A",)
