"""Slow end-to-end checks on real data: DIP must beat bicubic (run with -m slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio

from sr.baselines import bicubic
from sr.degrade import sentinel2_degrade
from sr.dip import run_dip
from sr.metrics import psnr


@pytest.mark.slow
@pytest.mark.shared_data
def test_fast_preset_beats_bicubic_on_a_sentinel2_crop(shared_data: Path) -> None:
    path = shared_data / "sentinel2" / "austria_danube_s2_2date_8band.tif"
    with rasterio.open(path) as ds:
        hr = ds.read([1, 2, 3, 4], window=((0, 128), (320, 448))).astype(np.float32)
    lr = sentinel2_degrade(hr, 4)
    peak = float(hr.max())
    dip = run_dip(lr, 4, "fast", seed=0, device="auto")
    gain = psnr(dip, hr, peak, border=4) - psnr(bicubic(lr, 4), hr, peak, border=4)
    assert gain > 0.5, f"DIP 'fast' gains only {gain:.2f} dB over bicubic"
