"""Finding and fetching Sentinel-2 through a real STAC API and COG server on loopback.

The path is the production one: pystac-client searches stac-fastapi-static (CQL2 filter on
eo:cloud_cover), GDAL reads the COGs with /vsicurl/ range requests. See tests/stac_catalog.py
for the catalogue (passes A, B, M and the faulty collections).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pystac
import pytest
import rasterio
from pystac_client import Client
from rasterio.windows import from_bounds

from sr.imagery.scene import open_scene
from sr.stac import remote as stac_remote
from sr.stac.area import Area, AreaError, area_from_bbox
from sr.stac.remote import MAX_RETRY, AssetError, check_href
from sr.stac.search import (
    AllCloudError,
    Candidate,
    CatalogError,
    NoSceneError,
    StacError,
    StacSettings,
    _cloud_limit,
    assess,
    check_dates,
    default_output_name,
    fetch_candidate,
    preview_rgb,
    search_candidates,
    search_items,
)
from tests.stac_catalog import FLAKY_FAILURES, SOURCE, LocalCatalog, free_port

pytestmark = pytest.mark.shared_data

JULY = "2024-07-01/2024-07-31"
AUGUST = "2024-08-01/2024-08-31"
SEASON = "2024-06-01/2024-09-30"


def _area(catalog: LocalCatalog, rows: tuple[int, int], cols: tuple[int, int]) -> Area:
    return area_from_bbox(*catalog.lonlat_box(slice(*rows), slice(*cols)))


def _settings(catalog: LocalCatalog, collection: str = "sentinel-2-l2a") -> StacSettings:
    return StacSettings(catalog_url=catalog.stac_url, collection=collection)


def _source_pixels(path: Path, date_index: int) -> tuple[np.ndarray, np.ndarray]:
    """The fetched COG's pixels and the source's pixels over the same bounds."""
    with rasterio.open(path) as fetched:
        got = fetched.read()
        bounds = fetched.bounds
    with rasterio.open(SOURCE) as src:
        window = from_bounds(*bounds, transform=src.transform).round_offsets().round_lengths()
        bands = range(date_index * 4 + 1, date_index * 4 + 5)
        want = src.read(list(bands), window=window, boundless=True, fill_value=0)
    return got, want


def test_search_applies_the_tile_cloud_limit(local_catalog: LocalCatalog) -> None:
    area = _area(local_catalog, (60, 160), (40, 150))
    everything = {i.id for i in search_items(area, SEASON, 100, _settings(local_catalog))}
    assert {i.split("_")[-1] for i in everything} == {"A", "B", "M"}
    limited = {i.id for i in search_items(area, SEASON, 40, _settings(local_catalog))}
    assert {i.split("_")[-1] for i in limited} == {"A", "M"}  # B's tile is 50 % cloud


def test_the_catalogue_applies_the_cloud_limit_itself(local_catalog: LocalCatalog) -> None:
    """stac-fastapi-static offers the CQL2 filter, so the limit is sent as one."""
    options = _cloud_limit(Client.open(local_catalog.stac_url), 40)
    assert options["filter"] == {"op": "<=", "args": [{"property": "eo:cloud_cover"}, 40]}


def test_candidates_rank_by_cloud_over_the_area_not_the_tile(local_catalog: LocalCatalog) -> None:
    """West of the scene, B (tile 50 % cloud, clear here) beats A (tile 33 %, cloudy here);
    east of it, the other way round."""
    west = _area(local_catalog, (60, 160), (40, 150))
    ranked = search_candidates(west, JULY, 100, _settings(local_catalog))
    assert [c.item_ids[0][-1] for c in ranked] == ["B", "A"]
    assert ranked[0].tile_cloud > ranked[1].tile_cloud
    assert ranked[0].area_cloud == pytest.approx(0.0, abs=0.01)
    assert ranked[1].area_cloud == pytest.approx(1.0, abs=0.01)

    east = _area(local_catalog, (60, 160), (400, 520))
    ranked = search_candidates(east, JULY, 100, _settings(local_catalog))
    assert [c.item_ids[0][-1] for c in ranked] == ["A", "B"]


def test_equal_cloud_ranks_the_newest_first(local_catalog: LocalCatalog) -> None:
    north_east = _area(local_catalog, (20, 80), (200, 280))  # clear in A, B and M
    ranked = search_candidates(north_east, SEASON, 100, _settings(local_catalog))
    assert [c.datetime.day for c in ranked] == [4, 20, 5]


def test_missing_data_over_the_area_counts(local_catalog: LocalCatalog) -> None:
    """An area half beyond the scene's west edge has about half of it without data."""
    half_out = _area(local_catalog, (200, 300), (-60, 60))
    [candidate] = search_candidates(half_out, AUGUST, 100, _settings(local_catalog))
    assert candidate.area_nodata == pytest.approx(0.5, abs=0.08)
    assert candidate.area_cloud == pytest.approx(0.0, abs=0.01)


def test_fetch_writes_a_named_cog_with_provenance(
    local_catalog: LocalCatalog, tmp_path: Path
) -> None:
    area = _area(local_catalog, (10, 370), (300, 570))  # clear in A
    settings = _settings(local_catalog)
    [best, *_] = search_candidates(area, JULY, 100, settings)
    out = tmp_path / default_output_name(best, area)
    assert re.fullmatch(r"S2_33UXP_20240705_[0-9a-f]{6}\.tif", out.name)
    result = fetch_candidate(best, area, out, settings)

    scene = open_scene(out)
    assert scene.descriptions == ("B04", "B03", "B02", "B08")
    assert (scene.bands.red, scene.bands.green, scene.bands.blue, scene.bands.nir) == (1, 2, 3, 4)
    assert scene.crs.to_epsg() == 32633 and scene.resolution == (10.0, 10.0)
    assert scene.overview_factors, "a COG with overviews"
    with rasterio.open(out) as ds:
        assert ds.profile["tiled"] and ds.compression.name.lower() == "deflate"
        tags = ds.tags()
    assert tags["STAC_ITEM_IDS"] == "S2A_33UXP_20240705_0_L2A_A"
    assert tags["STAC_CATALOG"] == local_catalog.stac_url
    assert tags["DATETIME"].startswith("2024-07-05T10:00")
    assert float(tags["AREA_CLOUD_PERCENT"]) < 1
    assert (tags["REFLECTANCE_SCALE"], tags["REFLECTANCE_OFFSET"]) == ("0.0001", "0")
    assert tags["OFFSET_REMOVED_DN"] == "0"
    assert result.tags.items() <= tags.items()
    got, want = _source_pixels(out, date_index=0)
    inside = want[0] > 0
    assert inside.mean() > 0.9
    np.testing.assert_array_equal(got[:, inside], want[:, inside])


def test_a_declared_offset_the_pixels_do_not_bear_is_not_taken_out(
    local_catalog: LocalCatalog, tmp_path: Path
) -> None:
    """Earth Search's ``sentinel-2-l2a`` declares offset −0.1 on values that no longer hold
    it (collection ``s2-declared-only``): the values are kept as delivered."""
    area = _area(local_catalog, (10, 370), (20, 300))  # on the pass's one tile
    settings = _settings(local_catalog, "s2-declared-only")
    [candidate] = search_candidates(area, AUGUST, 100, settings)
    result = fetch_candidate(candidate, area, tmp_path / "h.tif", settings)
    assert result.tags["OFFSET_REMOVED_DN"] == "0"
    assert result.tags["CATALOGUE_REFLECTANCE_OFFSET"] == "-0.1"
    assert result.tags["REFLECTANCE_OFFSET"] == "0"
    got, want = _source_pixels(tmp_path / "h.tif", date_index=0)
    inside = want[0] > 0
    np.testing.assert_array_equal(got[:, inside], want[:, inside])


def test_preview_shows_clouds_white_and_the_ground_visible(local_catalog: LocalCatalog) -> None:
    """Pass A over columns 100-300: cloud on the west part (to column 190), fields east."""
    area = _area(local_catalog, (60, 300), (100, 300))
    [candidate] = search_candidates(area, "2024-07-05", 100, _settings(local_catalog))
    rgb = preview_rgb(candidate, area, max_side=100)
    assert rgb.dtype == np.uint8 and rgb.shape[2] == 3 and max(rgb.shape[:2]) == 100
    cols = rgb.shape[1]
    cloud, ground = rgb[:, : int(cols * 0.4)], rgb[:, int(cols * 0.5) :]
    assert cloud.mean() > 250
    assert 30 < ground.mean() < 200 and ground.std() > 20


def test_area_across_two_tiles_is_mosaicked(local_catalog: LocalCatalog, tmp_path: Path) -> None:
    """Pass M is cut into tiles 33UXP (columns 0-320) and 33UYP (260-578): an area across
    the seam gets pixels from both, identical to the uncut scene."""
    seam = _area(local_catalog, (100, 200), (230, 350))
    settings = _settings(local_catalog)
    [candidate] = search_candidates(seam, AUGUST, 100, settings)
    assert candidate.tiles == ("33UXP", "33UYP")
    out = tmp_path / "seam.tif"
    result = fetch_candidate(candidate, seam, out, settings)
    assert result.tags["MGRS_TILES"] == "33UXP,33UYP"
    got, want = _source_pixels(out, date_index=0)
    assert (got > 0).all(), "no hole along the seam"
    np.testing.assert_array_equal(got, want)


def test_a_scene_all_cloud_over_the_area_is_refused(
    local_catalog: LocalCatalog, tmp_path: Path
) -> None:
    west = _area(local_catalog, (60, 160), (40, 150))
    [cloudy] = search_candidates(west, "2024-07-05", 100, _settings(local_catalog))
    out = tmp_path / "cloudy.tif"
    with pytest.raises(AllCloudError, match="0% of the area clear"):
        fetch_candidate(cloudy, west, out, _settings(local_catalog))
    assert not out.exists()


def test_no_scene_in_range(local_catalog: LocalCatalog) -> None:
    area = _area(local_catalog, (60, 160), (40, 150))
    with pytest.raises(NoSceneError, match="Widen the dates"):
        search_candidates(area, "2023-01-01/2023-03-31", 20, _settings(local_catalog))
    far_away = area_from_bbox(84.4, 27.5, 84.5, 27.6)  # Chitwan: not in this catalogue
    with pytest.raises(NoSceneError):
        search_candidates(far_away, SEASON, 100, _settings(local_catalog))


def test_catalogue_unreachable() -> None:
    settings = StacSettings(catalog_url=f"http://127.0.0.1:{free_port()}", timeout_s=5)
    with pytest.raises(CatalogError, match="could not be searched"):
        search_candidates(area_from_bbox(13.1, 48.3, 13.11, 48.31), SEASON, 20, settings)


@pytest.fixture()
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """GDAL's backoff starting at 0.1 s instead of 0.5 s, to keep the fault tests short."""
    monkeypatch.setattr(stac_remote, "RETRY_DELAY_S", 0.1)


@pytest.mark.usefixtures("quick_retries")
@pytest.mark.parametrize(
    ("collection", "prefix", "message"),
    [
        ("s2-forbidden", "/403/", r"refused access to scl\.tif \(HTTP 403\) after 4 tries"),
        ("s2-down", "/503/", r"failed \(HTTP 503\) after 4 tries.*Try again in a few minutes"),
    ],
)
def test_http_errors_are_retried_then_explained(
    local_catalog: LocalCatalog, collection: str, prefix: str, message: str
) -> None:
    area = _area(local_catalog, (60, 160), (40, 150))
    with pytest.raises(AssetError, match=message):
        search_candidates(area, AUGUST, 100, _settings(local_catalog, collection))
    hits = [n for path, n in local_catalog.images.hits.items() if path.startswith(prefix)]
    assert hits and max(hits) >= MAX_RETRY + 1


@pytest.mark.usefixtures("quick_retries")
def test_a_host_failing_twice_then_answering_works(
    local_catalog: LocalCatalog, tmp_path: Path
) -> None:
    area = _area(local_catalog, (60, 160), (40, 150))
    settings = _settings(local_catalog, "s2-flaky")
    [candidate] = search_candidates(area, AUGUST, 100, settings)
    fetch_candidate(candidate, area, tmp_path / "flaky.tif", settings)
    flaky = {p: n for p, n in local_catalog.images.hits.items() if p.startswith("/flaky/")}
    assert len(flaky) == 5 and all(n > FLAKY_FAILURES for n in flaky.values())
    got, want = _source_pixels(tmp_path / "flaky.tif", date_index=0)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    "href",
    [
        "file:///etc/passwd",
        "/vsicurl/http://127.0.0.1/a.tif",
        "/etc/passwd",
        "s3://bucket/a.tif",
        "http:///a.tif",
    ],
)
def test_only_http_assets_are_read(href: str) -> None:
    with pytest.raises(AssetError, match="not an http"):
        check_href(href)


@pytest.mark.parametrize(
    "href",
    [
        "http://169.254.169.254/latest/meta-data/a.tif",
        "http://metadata.google.internal/a.tif",
        "http://[fe80::1]/a.tif",
        "http://0.0.0.0/a.tif",
    ],
)
def test_machine_internal_hosts_are_never_read(href: str) -> None:
    with pytest.raises(AssetError, match="machine-internal"):
        check_href(href)


def test_an_item_pointing_at_a_local_file_reads_nothing(tmp_path: Path) -> None:
    item = pystac.Item(
        "evil",
        {"type": "Point", "coordinates": [13.1, 48.3]},
        [13.1, 48.3, 13.1, 48.3],
        pystac.utils.str_to_datetime("2024-07-01T00:00:00Z"),
        {"proj:code": "EPSG:32633"},
    )
    item.add_asset("scl", pystac.Asset(SOURCE.as_uri()))
    with pytest.raises(AssetError, match="not an http"):
        assess(Candidate((item,)), area_from_bbox(13.1, 48.3, 13.11, 48.31))


def test_areas_over_the_limit_are_refused_before_searching() -> None:
    huge = area_from_bbox(83.0, 27.0, 85.0, 28.5)  # ~33,000 km²
    settings = StacSettings(catalog_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(AreaError, match=r"more than the 2,500 km²"):
        search_candidates(huge, SEASON, 20, settings)


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ("2024-06-01 to 2024-09-30", "must look like"),
        ("2024-09-30/2024-06-01", "after the end"),
        ("2024-02-30/2024-03-01", "impossible date"),
    ],
)
def test_bad_dates_are_explained(dates: str, message: str) -> None:
    with pytest.raises(StacError, match=message):
        check_dates(dates)
