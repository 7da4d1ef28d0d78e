"""Processing baseline 04.00's offset taken out of fetched pixels where the catalogue
declares it and the pixels bear it out (:mod:`sr.stac.harmonize`), on constructed values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pystac

from sr.imagery.baseline_offset import BASELINE_OFFSET_DN, bears_offset
from sr.stac.harmonize import declared_offset_dn, reflectance_tags, without_offset


def _item(scaling: dict[str, Any] | None = None, **properties: Any) -> pystac.Item:
    item = pystac.Item("x", None, None, datetime(2024, 7, 5, tzinfo=UTC), properties)
    extra = {} if scaling is None else {"raster:bands": [scaling]}
    item.add_asset("red", pystac.Asset("https://example.org/B04.tif", extra_fields=extra))
    return item


def _farmland(seed: int = 0) -> np.ndarray:
    """Red, green, blue, NIR of vegetation, bare soil and water as L2A stores them before
    baseline 04.00 (reflectance × 10000), with a strip of nodata."""
    rng = np.random.default_rng(seed)
    kinds = rng.integers(0, 3, size=(40, 40))
    means = np.array([[300, 600, 350, 3500], [1500, 1200, 900, 2500], [200, 400, 500, 150]])
    bands = means[kinds].transpose(2, 0, 1) + rng.integers(-50, 50, size=(4, 40, 40))
    bands[:, :, :3] = 0
    return bands.astype(np.uint16)


def test_the_declared_offset_comes_from_raster_bands_else_the_baseline() -> None:
    assert declared_offset_dn(_item({"scale": 0.0001, "offset": -0.1})) == 1000
    assert declared_offset_dn(_item({"scale": 0.0001, "offset": 0})) == 0
    old_baseline = {"s2:processing_baseline": "03.01"}
    assert declared_offset_dn(_item({"scale": 0.0001, "offset": -0.1}, **old_baseline)) == 1000
    assert declared_offset_dn(_item(None, **{"s2:processing_baseline": "05.11"})) == 1000
    assert declared_offset_dn(_item(None, **{"s2:processing_baseline": "03.01"})) == 0
    assert declared_offset_dn(_item(None, **{"s2:processing_baseline": "n/a"})) == 0
    assert declared_offset_dn(_item(None)) == 0


def test_pixels_bear_the_offset_only_when_even_their_darkest_lie_above_it() -> None:
    old = _farmland()
    new = np.where(old > 0, old + BASELINE_OFFSET_DN, 0).astype(np.uint16)
    assert not bears_offset(old, BASELINE_OFFSET_DN)
    assert bears_offset(new, BASELINE_OFFSET_DN)
    assert not bears_offset(new, 0)  # nothing declared: nothing to look for
    assert not bears_offset(np.zeros((4, 8, 8), np.uint16), BASELINE_OFFSET_DN)  # no data


def test_the_offset_is_taken_out_where_declared_and_borne_out() -> None:
    old = _farmland()
    new = np.where(old > 0, old + BASELINE_OFFSET_DN, 0).astype(np.uint16)
    new[0, 5, 5] = 900  # below the offset: a reflectance under 0, kept as the smallest value
    declared = [_item({"scale": 0.0001, "offset": -0.1})]

    out, removed = without_offset(new, declared)
    assert removed == BASELINE_OFFSET_DN and out.dtype == np.uint16
    expected = old.copy()
    expected[0, 5, 5] = 1
    np.testing.assert_array_equal(out, expected)  # nodata (0) stays 0

    # declared, but the pixels have none (Earth Search's sentinel-2-l2a): left as they are
    kept, removed = without_offset(old, declared)
    assert removed == 0 and kept is old
    # the offset in the pixels, but no catalogue says so: not guessed
    kept, removed = without_offset(new, [_item({"scale": 0.0001, "offset": 0})])
    assert removed == 0 and kept is new


def test_the_tags_say_the_stored_values_are_reflectance_times_the_scale() -> None:
    declared = _item({"scale": 0.0001, "offset": -0.1})
    assert reflectance_tags(declared, [0, 1000]) == {
        "REFLECTANCE_SCALE": "0.0001",
        "REFLECTANCE_OFFSET": "0",
        "CATALOGUE_REFLECTANCE_OFFSET": "-0.1",
        "OFFSET_REMOVED_DN": "0;1000",
    }
    assert reflectance_tags(_item(None), [0]) == {"OFFSET_REMOVED_DN": "0"}


def test_a_catalogue_offset_past_what_a_band_holds_is_none() -> None:
    """Numbers no Sentinel-2 catalogue means (an offset beyond a uint16 band, or one that
    overflows to infinity) declare nothing, rather than fail the fetch."""
    assert declared_offset_dn(_item({"scale": 1e-320, "offset": -1e10})) == 0
    assert declared_offset_dn(_item({"scale": 0.0001, "offset": -7})) == 0
    assert declared_offset_dn(_item({"scale": 0.0001, "offset": float("nan")})) == 0
    assert declared_offset_dn(_item({"scale": 0.0001, "offset": 0.1})) == 0  # added: none
