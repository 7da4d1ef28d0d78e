"""The time stack against the local STAC catalogue (collection ``s2-season``, see
tests/stac_catalog.py): one scene per month chosen by the cloud over the area, every date
on one grid, identical to the source pixels where clear, its clouds left out, written as one
multi-date scene."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.windows import from_bounds
from shapely.geometry import box

from sr.imagery.bands import BandRoles
from sr.imagery.profile import field_profile
from sr.stac.area import area_from_bbox
from sr.stac.remote import grid_for_bbox
from sr.stac.search import NoSceneError, StacError, StacSettings
from sr.stac.stack import Period, fetch_time_stack, season_periods
from tests.stac_catalog import SOURCE, LocalCatalog

pytestmark = pytest.mark.shared_data
SEASON = "2024-06-01/2024-09-30"


def _settings(catalog: LocalCatalog) -> StacSettings:
    return StacSettings(catalog_url=catalog.stac_url, collection="s2-season")


def test_seasons_are_cut_into_calendar_periods() -> None:
    assert season_periods("2024-06-15/2024-08-10") == [
        Period(date(2024, 6, 15), date(2024, 6, 30)),
        Period(date(2024, 7, 1), date(2024, 7, 31)),
        Period(date(2024, 8, 1), date(2024, 8, 10)),
    ]
    assert season_periods("2024-11-01/2025-04-30", months=3) == [
        Period(date(2024, 11, 1), date(2025, 1, 31)),
        Period(date(2025, 2, 1), date(2025, 4, 30)),
    ]
    with pytest.raises(StacError, match="1 to 12 months"):
        season_periods(SEASON, months=0)
    with pytest.raises(StacError, match="at most 24 dates"):
        season_periods("2020-01-01/2024-12-31")


def test_one_scene_per_month_least_cloud_over_the_area_on_one_grid(
    local_catalog: LocalCatalog, tmp_path: Path
) -> None:
    area = area_from_bbox(*local_catalog.lonlat_box(slice(120, 280), slice(200, 400)))
    out = tmp_path / "season.tif"
    result = fetch_time_stack(area, SEASON, 100, _settings(local_catalog), out)

    # June: the clear pass, though older; July: the pass clear over the area, though its
    # tile is cloudier; August: the one pass (two tiles); September: nothing.
    picked = [c.chosen.items[0].id[-2:].strip("_") if c.chosen else None for c in result.choices]
    assert picked == ["J1", "L2", "G", None]
    assert [c.considered for c in result.choices] == [2, 2, 1, 0]
    assert result.tags["PERIODS_WITHOUT_SCENE"] == "2024-09-01/2024-09-30"

    scene = result.scene
    assert [d.label for d in scene.dates] == ["2024-06-08", "2024-07-20", "2024-08-04"]
    assert [d.when for d in scene.dates] == [
        "2024-06-08T10:00:00Z",
        "2024-07-20T10:00:00Z",
        "2024-08-04T10:00:00Z",
    ]
    assert scene.dates[2].bands == BandRoles(9, 10, 11, 12)
    assert scene.descriptions[4] == "B04 2024-07-20"

    # One grid: the area's 10 m grid, snapped like the one-date fetch.
    grid = grid_for_bbox(area.bbox, scene.crs, 10.0)
    assert scene.transform == grid.transform and (scene.width, scene.height) == (
        grid.width,
        grid.height,
    )
    # Co-registered: every date's pixels are the source's at the same place (the June pass
    # is the source's first date, July's and August's its second).
    with rasterio.open(out) as stack, rasterio.open(SOURCE) as src:
        window = from_bounds(*stack.bounds, transform=src.transform).round_offsets()
        window = window.round_lengths()
        got = stack.read()
        for number, date_index in enumerate((0, 1, 1)):
            want = src.read(
                list(range(date_index * 4 + 1, date_index * 4 + 5)),
                window=window,
                boundless=True,
                fill_value=0,
            )
            np.testing.assert_array_equal(got[number * 4 : number * 4 + 4], want)


def test_longer_periods_and_a_season_without_scenes(
    local_catalog: LocalCatalog, tmp_path: Path
) -> None:
    area = area_from_bbox(*local_catalog.lonlat_box(slice(120, 280), slice(200, 400)))
    settings = _settings(local_catalog)
    two_months = fetch_time_stack(area, SEASON, 100, settings, tmp_path / "two.tif", months=2)
    # June-July: of the two passes clear over the area, the newer (07-20 over 06-08);
    # August-September: the August pass.
    assert [d.label for d in two_months.scene.dates] == ["2024-07-20", "2024-08-04"]
    with pytest.raises(NoSceneError, match="Widen the season"):
        fetch_time_stack(area, "2024-10-01/2024-12-31", 100, settings, tmp_path / "none.tif")
    assert not (tmp_path / "none.tif").exists()


def test_a_season_across_processing_baseline_0400_is_on_one_scale(
    local_catalog: LocalCatalog, tmp_path: Path
) -> None:
    """June before the change, July after it (1000 added to every value, offset −0.1
    declared): the stack holds both as the source's reflectance × 10000, so a field's NDVI
    does not jump between them for nothing (collection ``s2-baselines``)."""
    area = area_from_bbox(*local_catalog.lonlat_box(slice(120, 280), slice(200, 400)))
    settings = StacSettings(catalog_url=local_catalog.stac_url, collection="s2-baselines")
    result = fetch_time_stack(area, "2024-06-01/2024-07-31", 100, settings, tmp_path / "s.tif")
    assert [d.label for d in result.scene.dates] == ["2024-06-08", "2024-07-20"]
    assert result.tags["OFFSET_REMOVED_DN"] == "0;1000"
    assert (result.tags["REFLECTANCE_SCALE"], result.tags["REFLECTANCE_OFFSET"]) == ("0.0001", "0")
    with rasterio.open(tmp_path / "s.tif") as stack, rasterio.open(SOURCE) as src:
        assert stack.tags()["OFFSET_REMOVED_DN"] == "0;1000"
        window = from_bounds(*stack.bounds, transform=src.transform).round_offsets()
        got, want = stack.read(), src.read(window=window.round_lengths())
    np.testing.assert_array_equal(got, want)  # the source: date 1, then date 2


def test_each_dates_clouds_are_left_out_so_a_field_under_one_reads_no_value(
    local_catalog: LocalCatalog, tmp_path: Path
) -> None:
    """July over source columns 170-330: pass A (07-05) hides 20 of them under its cloud
    (columns 0-190), pass B (07-20) 40 (columns 290-578), so A is chosen, cloud and all.
    The cloud's pixels are nodata on that date, the rest the source's; a field under the
    cloud gets no NDVI for the date instead of the cloud's."""
    area = area_from_bbox(*local_catalog.lonlat_box(slice(120, 280), slice(170, 330)))
    settings = StacSettings(catalog_url=local_catalog.stac_url, collection="sentinel-2-l2a")
    out = tmp_path / "july.tif"
    result = fetch_time_stack(area, "2024-07-01/2024-07-31", 100, settings, out)
    assert [d.label for d in result.scene.dates] == ["2024-07-05"]
    assert result.tags["CLOUD_MASK"].startswith("SCL 3, 8, 9, 10 set to nodata")
    assert 10 < float(result.tags["CLOUD_MASKED_PERCENT"]) < 15
    with rasterio.open(out) as stack, rasterio.open(SOURCE) as src:
        assert stack.tags()["CLOUD_MASKED_PERCENT"] == result.tags["CLOUD_MASKED_PERCENT"]
        window = from_bounds(*stack.bounds, transform=src.transform).round_offsets()
        got = stack.read()
        want = src.read([1, 2, 3, 4], window=window.round_lengths())
    first = int(window.col_off)  # the source column of the stack's first column
    cloud, clear = slice(None, 188 - first), slice(192 - first, None)  # 2 px from the edge
    assert not got[:, :, cloud].any()
    np.testing.assert_array_equal(got[:, :, clear], want[:, :, clear])
    under = box(*local_catalog.lonlat_box(slice(150, 200), slice(172, 186)))
    beside = box(*local_catalog.lonlat_box(slice(150, 200), slice(200, 240)))
    assert [(d.pixels, d.ndvi) for d in field_profile(result.scene, under)] == [(0, None)]
    (clear_date,) = field_profile(result.scene, beside)
    assert clear_date.pixels > 0 and clear_date.ndvi is not None
