"""sr.stac.cloud_mask: a date's clouds left out, and the tag that says how much."""

from __future__ import annotations

import numpy as np

from sr.stac.cloud_mask import MASKED_TAG, masked_percents, masked_tag, without_clouds


def test_clouds_become_nodata_and_their_share_counts_only_pixels_with_data() -> None:
    bands = np.full((4, 2, 4), 500, dtype=np.uint16)
    bands[:, 1, 3] = 0  # no data: neither cloud nor clear
    scl = np.array([[4, 9, 8, 3], [10, 5, 4, 9]], dtype=np.uint8)
    out, share = without_clouds(bands, scl)
    cloud = np.isin(scl, (3, 8, 9, 10))
    assert (out[:, cloud] == 0).all() and (out[:, ~cloud] == bands[:, ~cloud]).all()
    assert out.dtype == np.uint16
    assert share == 4 / 7  # (0,1) (0,2) (0,3) (1,0) of the 7 pixels with data


def test_the_tag_reads_back_what_was_written() -> None:
    value = masked_tag([0.0, 0.1234, 0.95])
    assert value == "0.0;12.3;95.0"
    assert masked_percents({MASKED_TAG: value}) == [0.0, 12.3, 95.0]
    assert masked_percents({MASKED_TAG: "4.0;x;"}) == [4.0]
    assert masked_percents({}) == []
