"""Several dates help the outline assist (sr.outline.dates): a boundary that shows on any date
is a boundary — the library on constructed dates, and ``python -m sr outline`` with dates."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from shapely.geometry import box, shape

from sr.cli import main
from sr.outline import outline_at
from sr.outline.assist import field_instances, outlines_at
from sr.outline.dates import Combine, as_dates, chosen_combine, overlay
from sr.outline.segment import GradientSegmenter, default_segmenter
from tests.conftest import write_raster
from ui.settings import SAMPLE_SCENE

ROWS, COLS = 48, 96
LEFT = (24.5, 24.5)  # a click in the left field, (column, row)


def two_fields_dates() -> list[np.ndarray]:
    """Two fields side by side (columns 0–47 and 48–95) inside a dark border: alike on date 1
    (one green), different on date 2 (green and bare brown); a little noise on both."""
    rng = np.random.default_rng(4)
    dates = []
    for right in ((0.2, 0.6, 0.2), (0.6, 0.4, 0.2)):
        image = np.zeros((3, ROWS + 8, COLS + 8), np.float32)
        image[:, 4:-4, 4 : 4 + COLS // 2] = np.array((0.2, 0.6, 0.2))[:, None, None]
        image[:, 4:-4, 4 + COLS // 2 : -4] = np.array(right)[:, None, None]
        dates.append(image + rng.normal(0, 0.01, image.shape).astype(np.float32))
    return dates


LEFT_FIELD = box(4, 4, 4 + COLS // 2, 4 + ROWS)


def left_share(polygon: object) -> float:
    """IoU of an outline with the left field."""
    assert polygon is not None
    return float(
        polygon.intersection(LEFT_FIELD).area / polygon.union(LEFT_FIELD).area  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("combine", ["stack", "overlay"])
def test_fields_alike_on_one_date_are_split_only_with_both_dates(combine: Combine) -> None:
    one, two = two_fields_dates()
    [alone] = outline_at(one, [LEFT])
    assert alone is not None and alone.area > 1.8 * LEFT_FIELD.area  # both fields as one
    [polygon] = outlines_at(field_instances([one, two], combine=combine), [LEFT])
    assert left_share(polygon) > 0.8
    [as_array] = outline_at(np.stack([one, two]), [LEFT])  # (dates, bands, rows, columns)
    assert left_share(as_array) > 0.8


@pytest.mark.parametrize("combine", ["stack", "overlay"])
def test_a_gap_on_one_date_is_left_to_the_others(combine: Combine) -> None:
    """A cloud left out of date 2 (0 in every band) over the border of the two fields: the
    fields are still told apart there by date 2's pixels around the gap, and date 1 decides
    what the gap holds; a gap on both dates is in no field."""
    one, two = two_fields_dates()
    two[:, 10:40, 30:70] = 0  # across the border at column 52
    one[:, 44:52, 80:96] = 0
    two[:, 44:52, 80:96] = 0  # on both dates
    instances = field_instances([one, two], combine=combine)
    [in_gap] = outlines_at(instances, [(40.5, 25.5)])
    assert left_share(in_gap) > 0.8
    assert (instances[44:52, 80:96] == 0).all()
    assert (instances[10:40, 30:70] != 0).mean() > 0.9


def test_overlay_keeps_what_every_date_agrees_on_and_a_gap_on_any_date() -> None:
    first = np.zeros((10, 10), np.int32)
    first[:, :5], first[:, 5:] = 1, 2
    second = np.ones((10, 10), np.int32)
    second[5:] = 7
    second[:, 0] = 0  # no field there on date 2 (a track)
    combined = overlay([first, second], min_pixels=1)
    assert (combined[:, 0] == 0).all()
    assert len(np.unique(combined[combined > 0])) == 4  # quarters
    same = overlay([first, first], min_pixels=1)
    assert len(np.unique(same)) == 2 and (same > 0).all()


def test_overlay_proposes_a_part_that_stands_out_on_some_date() -> None:
    """Negative labels (fields a click gets, not proposed) keep their meaning across dates:
    a part is proposed when its field stood out on at least one date."""
    first = np.zeros((10, 10), np.int32)
    first[:, :5], first[:, 5:] = -1, 2  # left: faint on date 1
    second = np.full((10, 10), -3, np.int32)  # all faint on date 2
    combined = overlay([first, second], min_pixels=1)
    assert (combined[:, :5] < 0).all() and (combined[:, 5:] > 0).all()
    assert len(np.unique(combined)) == 2


def test_dates_must_be_one_size_and_stacking_needs_a_segmenter_of_many_channels() -> None:
    with pytest.raises(ValueError, match="one size"):
        as_dates([np.zeros((3, 8, 8)), np.zeros((3, 8, 9))])
    assert chosen_combine(default_segmenter()) == "stack"
    assert chosen_combine(GradientSegmenter()) == "overlay"
    with pytest.raises(ValueError, match="takes three bands"):
        chosen_combine(GradientSegmenter(), "stack")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["outline", *args])
    return code, capsys.readouterr().err


def test_two_files_are_two_dates_of_one_area(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for number, image in enumerate(two_fields_dates()):
        paths.append(tmp_path / f"date{number + 1}.png")
        pixels = np.clip(image * 255, 0, 255).astype(np.uint8)
        Image.fromarray(np.moveaxis(pixels, 0, -1)).save(paths[-1])
    out = tmp_path / "out.geojson"
    click = f"{LEFT[0]},{LEFT[1]}"
    code, err = run([str(paths[0]), "--at", click, "--out", str(out)], capsys)
    [alone] = json.loads(out.read_text())["features"]
    assert code == 0 and shape(alone["geometry"]).area > 1.8 * LEFT_FIELD.area
    code, err = run([*map(str, paths), "--at", click, "--out", str(out)], capsys)
    assert code == 0, err
    [both] = json.loads(out.read_text())["features"]
    assert left_share(shape(both["geometry"])) > 0.8
    assert both["properties"]["assist"] == (
        f"{default_segmenter().version} on 2 dates (stack): date1.png, date2.png"
    )
    small = tmp_path / "small.png"
    Image.fromarray(np.zeros((20, 20, 3), np.uint8)).save(small)
    code, err = run([str(paths[0]), str(small), "--all", "--out", str(out)], capsys)
    assert code == 2 and "small.png does not cover the same pixels as date1.png" in err


def test_dates_all_uses_every_date_a_geotiff_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "all.geojson"
    code, err = run([str(SAMPLE_SCENE), "--dates", "all", "--all", "--out", str(out)], capsys)
    assert code == 0, err
    features = json.loads(out.read_text())["features"]
    assert len(features) >= 3
    assert {f["properties"]["assist"] for f in features} == {
        f"{default_segmenter().version} on 2 dates (stack): date 1, date 2"
    }
    code, err = run([str(SAMPLE_SCENE), "--dates", "3", "--all", "--out", str(out)], capsys)
    assert code == 2 and "has 2 dates, not date 3" in err
    one = write_raster(tmp_path / "one.tif", np.zeros((3, 16, 16), np.uint16))
    code, err = run([str(one), "--dates", "all", "--all", "--out", str(out)], capsys)
    assert code == 2 and "one.tif has one date" in err
    code, err = run([str(one), "--dates", "first", "--all", "--out", str(out)], capsys)
    assert code == 2 and "--dates needs 'all' or date numbers" in err
