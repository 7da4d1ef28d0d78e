"""The baseline-offset bench's arithmetic on constructed values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio

from bench.bench_baseline_offset import FILES, offset_copy, with_offset
from sr.imagery.baseline_offset import darkest_percentile


def test_the_offset_is_added_to_valid_values_only() -> None:
    bands = np.array([[[0, 10]], [[0, 20]], [[0, 30]], [[0, 40]]], np.uint16)
    np.testing.assert_array_equal(with_offset(bands)[:, 0, 1], [1010, 1020, 1030, 1040])
    assert not with_offset(bands)[:, 0, 0].any()  # nodata stays 0


def test_the_darkest_band_decides_and_nodata_is_left_out() -> None:
    bands = np.zeros((4, 10, 10), np.uint16)
    bands[0], bands[1], bands[2], bands[3] = 500, 300, 700, 3000
    bands[:, 0, :] = 0  # a row of nodata
    assert darkest_percentile(bands) == 300.0
    assert darkest_percentile(np.zeros((4, 3, 3), np.uint16)) is None


def test_a_copy_with_the_offset_keeps_names_and_tags_and_declares_nothing(tmp_path: Path) -> None:
    copy = offset_copy(FILES[0], tmp_path / "copy.tif")
    with rasterio.open(FILES[0]) as source, rasterio.open(copy) as shifted:
        assert shifted.descriptions == source.descriptions
        assert shifted.tags()["SOURCE"] == source.tags()["SOURCE"]
        assert shifted.offsets == (0.0,) * shifted.count
        np.testing.assert_array_equal(shifted.read(), with_offset(source.read()))
