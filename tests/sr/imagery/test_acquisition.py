"""The imagery's acquisition date from a scene file's tags (sr.imagery.acquisition), on real
GeoTIFFs."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import rasterio

from sr.imagery.acquisition import acquisition_datetime, parse_acquisition
from tests.conftest import write_raster
from ui.settings import LANDSAT_SAMPLE, SAMPLE_SCENE


def tagged(path: Path, **tags: str) -> Path:
    """A small GeoTIFF at ``path`` whose dataset tags are ``tags``."""
    write_raster(path, np.ones((3, 8, 8), np.uint16))
    with rasterio.open(path, "r+") as ds:
        ds.update_tags(**tags)
    return path


def test_a_fetched_sentinel2_scene_gives_its_stac_datetime(tmp_path: Path) -> None:
    path = tagged(tmp_path / "s2.tif", DATETIME="2024-03-01T05:05:31.024000+00:00")
    assert acquisition_datetime(path) == "2024-03-01T05:05:31Z"


def test_the_bundled_samples(tmp_path: Path) -> None:
    assert acquisition_datetime(LANDSAT_SAMPLE) == "2020-05-18T00:00:00Z"  # ACQUISITION_DATE
    assert acquisition_datetime(SAMPLE_SCENE) is None  # its source file records no date


def test_the_files_own_write_time_is_not_the_imagery_date(tmp_path: Path) -> None:
    path = tagged(tmp_path / "x.tif", TIFFTAG_DATETIME="2026:11:30 10:00:00")
    assert acquisition_datetime(path) is None
    both = tagged(
        tmp_path / "y.tif", TIFFTAG_DATETIME="2026:11:30 10:00:00", DATE_ACQUIRED="2021-07-04"
    )
    assert acquisition_datetime(both) == "2021-07-04T00:00:00Z"


def test_a_tag_that_is_not_a_date_gives_none_and_the_next_tag_counts(tmp_path: Path) -> None:
    assert acquisition_datetime(tagged(tmp_path / "a.tif", DATETIME="yesterday")) is None
    path = tagged(tmp_path / "b.tif", DATETIME="not a date", SENSING_TIME="2022-10-02T10:20:30")
    assert acquisition_datetime(path) == "2022-10-02T10:20:30Z"


def test_a_rewritten_file_is_read_again(tmp_path: Path) -> None:
    path = tagged(tmp_path / "c.tif", DATETIME="2020-01-01")
    assert acquisition_datetime(path) == "2020-01-01T00:00:00Z"
    tagged(path, DATETIME="2020-02-02")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert acquisition_datetime(path) == "2020-02-02T00:00:00Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-05-18", "2020-05-18T00:00:00Z"),
        ("2020-05-18T10:11:12", "2020-05-18T10:11:12Z"),
        ("2020-05-18T10:11:12Z", "2020-05-18T10:11:12Z"),
        ("2020-05-18T10:11:12+05:45", "2020-05-18T04:26:12Z"),
        ("", None),
        ("2020-13-01", None),
        ("18/05/2020", None),
    ],
)
def test_dates_are_written_as_rfc3339_utc(text: str, expected: str | None) -> None:
    assert parse_acquisition(text) == expected
