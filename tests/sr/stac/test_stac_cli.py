"""``python -m sr search`` and ``python -m sr fetch`` against the local catalogue."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import rasterio

from sr.cli import main
from tests.conftest import PROJECT_ROOT
from tests.stac_catalog import LocalCatalog, free_port

pytestmark = pytest.mark.shared_data


def _bbox(catalog: LocalCatalog, rows: tuple[int, int], cols: tuple[int, int]) -> list[str]:
    return [f"{v:.6f}" for v in catalog.lonlat_box(slice(*rows), slice(*cols))]


def test_search_lists_candidates_best_first(
    local_catalog: LocalCatalog, capsys: pytest.CaptureFixture[str]
) -> None:
    west = _bbox(local_catalog, (60, 160), (40, 150))
    code = main(
        ["search", "--bbox", *west, "--dates", "2024-06-01/2024-09-30", "--max-cloud", "60",
         "--catalog", local_catalog.stac_url, "--quiet"]
    )  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].split()[:4] == ["rank", "date", "area", "cloud"]
    rows = [line.split() for line in out[1:]]
    assert [r[-1][-1] for r in rows] == ["M", "B", "A"]  # 0 %, 0 % (older), 100 %
    assert rows[2][3] == "100%"


def test_fetch_writes_the_best_scene_with_a_progress_bar(
    local_catalog: LocalCatalog, tmp_path: Path
) -> None:
    """Run as users do (a subprocess), so the progress bar and exit code are the real ones."""
    seam = _bbox(local_catalog, (100, 200), (230, 350))
    out = tmp_path / "seam.tif"
    done = subprocess.run(
        [sys.executable, "-m", "sr", "fetch", "--bbox", *seam, "--dates", "2024-08-01/2024-08-31",
         "--catalog", local_catalog.stac_url, str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "reading B08" in done.stderr and "%|" in done.stderr  # tqdm's bar
    assert f"wrote {out}" in done.stderr and "33UXP + 33UYP" in done.stderr
    with rasterio.open(out) as ds:
        assert ds.descriptions == ("B04", "B03", "B02", "B08")
        assert ds.tags()["MGRS_TILES"] == "33UXP,33UYP"


def test_fetch_a_chosen_item(local_catalog: LocalCatalog, tmp_path: Path) -> None:
    east = _bbox(local_catalog, (60, 160), (400, 520))
    out = tmp_path / "b.tif"
    code = main(
        ["fetch", "--bbox", *east, "--dates", "2024-07-01/2024-07-31", "--max-cloud", "60",
         "--catalog", local_catalog.stac_url, "--item", "S2A_33UXP_20240705_0_L2A_A",
         "--quiet", str(out)]
    )  # fmt: skip
    assert code == 0
    with rasterio.open(out) as ds:
        assert ds.tags()["STAC_ITEM_IDS"] == "S2A_33UXP_20240705_0_L2A_A"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bbox", "84.5", "27.6", "84.4", "27.7"], "West (84.5) must be less than east"),
        (["--bbox", "83", "27", "85", "28.5"], "more than the 2,500 km²"),
        (["--bbox", "13.1", "48.3", "13.11", "48.31", "--max-cloud", "120"], "0 to 100"),
    ],
)
def test_bad_requests_exit_2_with_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = f"http://127.0.0.1:{free_port()}"
    code = main(["search", *args, "--dates", "2024-06-01/2024-09-30", "--catalog", catalog])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_unreachable_catalogue_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    catalog = f"http://127.0.0.1:{free_port()}"
    area = ["--bbox", "13.1", "48.3", "13.11", "48.31"]
    code = main(["search", *area, "--dates", "2024-07-01/2024-07-31", "--catalog", catalog])
    assert code == 2
    assert "could not be searched" in capsys.readouterr().err


def test_stack_writes_one_scene_per_month(
    local_catalog: LocalCatalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    middle = _bbox(local_catalog, (120, 280), (200, 400))
    out = tmp_path / "season.tif"
    code = main(
        ["stack", "--bbox", *middle, "--dates", "2024-06-01/2024-09-30", "--max-cloud", "100",
         "--catalog", local_catalog.stac_url, "--collection", "s2-season", str(out)]
    )  # fmt: skip
    assert code == 0
    message = capsys.readouterr().err
    assert "3 date(s) (2024-06-08, 2024-07-20, 2024-08-04)" in message
    assert "no usable scene for 2024-09-01/2024-09-30" in message
    assert "cloud left out of each date's pixels: 0.0 %, 0.0 %, 0.0 %" in message
    with rasterio.open(out) as ds:
        assert ds.count == 12 and ds.descriptions[8] == "B04 2024-08-04"
