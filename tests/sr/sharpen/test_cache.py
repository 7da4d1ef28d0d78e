"""The enhanced-area cache: stable keys, atomic entries, a full disk loses nothing."""

from __future__ import annotations

import errno
from pathlib import Path

import numpy as np
import pytest

from sr.sharpen.cache import CacheWriteError, ResultCache, cache_key
from tests.conftest import write_raster


def test_keys_depend_on_every_part_but_not_their_order() -> None:
    key = cache_key(scene="s1", window=(0, 0, 64, 64), method="dip", model="v1")
    assert key == cache_key(model="v1", method="dip", window=(0, 0, 64, 64), scene="s1")
    assert key != cache_key(scene="s1", window=(0, 0, 64, 64), method="dip", model="v2")
    assert key != cache_key(scene="s1", window=(0, 0, 64, 65), method="dip", model="v1")


def test_put_then_get_returns_the_raster_and_its_provenance(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache")
    array = np.arange(3 * 8 * 8, dtype=np.uint16).reshape(3, 8, 8)
    stored = cache.put("k1", lambda p: write_raster(p, array), {"method": "bicubic"})
    again = cache.get("k1")
    assert again is not None and again.path == stored.path
    assert again.provenance == {"method": "bicubic"}
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["k1.json", "k1.tif"]
    assert cache.get("missing") is None


def test_a_full_disk_leaves_no_partial_entry(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)

    def disk_full(path: Path) -> None:
        path.write_bytes(b"half a GeoTIFF")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(CacheWriteError, match="No space left on device"):
        cache.put("k2", disk_full, {})
    assert list(tmp_path.iterdir()) == []
    assert cache.get("k2") is None


def test_an_entry_without_its_sidecar_is_not_served(tmp_path: Path) -> None:
    (tmp_path / "k3.tif").write_bytes(b"orphan")
    assert ResultCache(tmp_path).get("k3") is None
