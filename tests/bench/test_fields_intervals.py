"""Intervals over the delineation benchmark's chips (bench/fields_intervals.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench.fields_intervals import STATISTICS, chip_bootstrap, intervals, main


def record(chip: str, view: str, psnr: float, clicks: list[float]) -> dict:
    return {
        "chip": chip,
        "degradation": "area",
        "view": view,
        "psnr": psnr,
        "boundary_f1_2px": 0.5,
        "assist_click_iou": clicks,
        "assist_press_iou": clicks,
        "all_f1_judged": 0.4,
    }


def farms(gain: float, spread: float) -> list[dict]:
    """Ten chips whose PSNR varies by ``spread``; the enhancer ``gain`` dB above bicubic on
    each, and its clicks 0.1 better."""
    rng = np.random.default_rng(5)
    out = []
    for i in range(10):
        base = 27 + spread * rng.normal()
        clicks = list(rng.uniform(0.2, 0.8, 6))
        out.append(record(f"chip{i}", "bicubic", base, clicks))
        out.append(record(f"chip{i}", "enhancer", base + gain, [c + 0.1 for c in clicks]))
    return out


def by_chip(records: list[dict]) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for r in records:
        out.setdefault(r["chip"], {})[r["view"]] = r
    return out


def test_a_gain_the_same_on_every_chip_is_known_exactly() -> None:
    chips = by_chip(farms(gain=0.4, spread=1.0))
    psnr = STATISTICS["PSNR dB (mean)"]
    value, low, high = chip_bootstrap(chips, psnr, ("enhancer", "bicubic"), draws=200)
    assert value == pytest.approx(0.4) and low == pytest.approx(0.4) and high == pytest.approx(0.4)
    # The level itself varies from chip to chip: its interval holds the value and is wide.
    value, low, high = chip_bootstrap(chips, psnr, ("enhancer",), draws=200)
    assert low < value < high and high - low > 0.5


def test_the_click_median_pools_every_click_and_its_gain_is_paired() -> None:
    records = farms(gain=0.0, spread=0.5)
    chips = by_chip(records)
    median = STATISTICS["assist click IoU (median)"]
    value, _, _ = chip_bootstrap(chips, median, ("bicubic",), draws=10)
    everything = [v for r in records if r["view"] == "bicubic" for v in r["assist_click_iou"]]
    assert value == pytest.approx(np.median(everything))
    gain, low, high = chip_bootstrap(chips, median, ("enhancer", "bicubic"), draws=200)
    assert gain == pytest.approx(0.1) and low == pytest.approx(0.1) and high == pytest.approx(0.1)


def test_the_same_seed_gives_the_same_interval() -> None:
    chips = by_chip(farms(gain=0.2, spread=1.0))
    psnr = STATISTICS["PSNR dB (mean)"]
    assert chip_bootstrap(chips, psnr, ("enhancer",), draws=100) == chip_bootstrap(
        chips, psnr, ("enhancer",), draws=100
    )


def test_the_bench_writes_a_table_per_degradation(tmp_path: Path) -> None:
    source = tmp_path / "fields.json"
    source.write_text(json.dumps({"records": farms(gain=0.3, spread=1.0)}))
    out = tmp_path / "intervals.json"
    assert main([str(source), "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["chips"] == 10
    cell = result["intervals"]["area"]["PSNR dB (mean)"]
    assert cell["enhancer gain"] == pytest.approx([0.3, 0.3, 0.3])
    table = out.with_suffix(".md").read_text()
    assert "## Input degraded by `area`" in table and "+0.300 [+0.300, +0.300]" in table
    assert set(intervals(farms(0.3, 1.0))) == {"area"}


def test_every_sharpened_view_gets_its_own_columns(tmp_path: Path) -> None:
    records = farms(gain=0.3, spread=1.0)
    records += [
        {**r, "view": "dip+enhancer", "psnr": r["psnr"] + 0.2}
        for r in records
        if r["view"] == "bicubic"
    ]
    records.append({**records[0], "chip": "chip0", "view": "truth", "psnr": None})
    cell = intervals(records)["area"]["PSNR dB (mean)"]
    assert set(cell) == {"enhancer", "enhancer gain", "dip+enhancer", "dip+enhancer gain"}
    assert cell["dip+enhancer gain"] == pytest.approx([0.2, 0.2, 0.2])
