"""A scene's dates: from band tags, band names, a written or confirmed layout, STAC datetimes;
and the refusal of a layout that cannot be told."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import rasterio

from sr.imagery.band_layout import (
    AmbiguousLayoutError,
    LayoutBook,
    layout_of_items,
    parse_layout,
)
from sr.imagery.bands import BandRoles
from sr.imagery.scene import open_scene
from tests.conftest import write_raster

TWO_DATES = (BandRoles(1, 2, 3, 4), BandRoles(5, 6, 7, 8))


def eight_bands(path: Path) -> Path:
    array = np.arange(8 * 16 * 16, dtype=np.uint16).reshape(8, 16, 16) + 1
    return write_raster(path, array)


def describe(
    path: Path, names: list[str], band_tags: list[dict[str, str]] | None = None, **tags: str
) -> Path:
    with rasterio.open(path, "r+") as ds:
        for index, name in enumerate(names, 1):
            ds.set_band_description(index, name)
        for index, values in enumerate(band_tags or [], 1):
            ds.update_tags(index, **values)
        if tags:
            ds.update_tags(**tags)
    return path


def test_eight_unnamed_bands_are_refused_with_a_message_that_asks(tmp_path: Path) -> None:
    path = eight_bands(tmp_path / "two_dates.tif")
    with pytest.raises(AmbiguousLayoutError) as refused:
        open_scene(path, LayoutBook(tmp_path / "book"))
    message = str(refused.value)
    assert "8 bands" in message and "confirm its band layout" in message
    assert "2 × (B4 B3 B2 B8)" in message
    assert refused.value.count == 8


def test_three_or_four_unnamed_bands_stay_one_date(s2_like: Path, tmp_path: Path) -> None:
    scene = open_scene(s2_like, LayoutBook(tmp_path / "book"))
    assert len(scene.dates) == 1 and scene.layout is not None
    assert scene.layout.source == "single" and scene.dates[0].bands == BandRoles(1, 2, 3, 4)


def test_dates_from_per_band_tags(tmp_path: Path) -> None:
    path = describe(
        eight_bands(tmp_path / "tagged.tif"),
        ["B04", "B03", "B02", "B08"] * 2,
        [{"DATETIME": "2024-08-04T10:00:00Z"}] * 4 + [{"DATETIME": "2024-07-05T10:00:00"}] * 4,
    )
    scene = open_scene(path, LayoutBook(tmp_path / "book"))
    assert scene.layout is not None and scene.layout.source == "band dates"
    # in time order, whatever the file order
    assert [d.when for d in scene.dates] == ["2024-07-05T10:00:00Z", "2024-08-04T10:00:00Z"]
    assert [d.bands for d in scene.dates] == [TWO_DATES[1], TWO_DATES[0]]
    assert scene.bands == TWO_DATES[1]  # the first date's bands are the scene's default


def test_dates_from_band_descriptions(tmp_path: Path) -> None:
    names = [f"{b} 2024-0{m}-15" for m in (5, 9) for b in ("B2", "B3", "B4", "B8")]
    scene = open_scene(describe(eight_bands(tmp_path / "d.tif"), names), LayoutBook(tmp_path))
    assert [d.label for d in scene.dates] == ["2024-05-15", "2024-09-15"]
    assert [d.bands for d in scene.dates] == [BandRoles(3, 2, 1, 4), BandRoles(7, 6, 5, 8)]


def test_repeated_band_names_are_dates_in_file_order_with_the_dates_tag(tmp_path: Path) -> None:
    path = eight_bands(tmp_path / "names.tif")
    describe(path, ["B4 red", "B3 green", "B2 blue", "B8 nir"] * 2)
    scene = open_scene(path, LayoutBook(tmp_path))
    assert [d.label for d in scene.dates] == ["date 1", "date 2"]
    assert [d.when for d in scene.dates] == [None, None]
    assert [d.bands for d in scene.dates] == list(TWO_DATES)
    describe(path, [], DATES="2024-04-20, 2024-10-02")
    dated = open_scene(path, LayoutBook(tmp_path))
    assert [d.when for d in dated.dates] == ["2024-04-20T00:00:00Z", "2024-10-02T00:00:00Z"]


def test_some_bands_dated_and_others_not_is_refused(tmp_path: Path) -> None:
    path = describe(
        eight_bands(tmp_path / "half.tif"), ["B4 2024-07-05", "B3 2024-07-05", "B2", "B8"] * 2
    )
    with pytest.raises(AmbiguousLayoutError, match="band\\(s\\) 3, 4, 7, 8 do not"):
        open_scene(path, LayoutBook(tmp_path))


def test_a_confirmed_layout_opens_the_file_and_is_kept_per_file_version(tmp_path: Path) -> None:
    path = eight_bands(tmp_path / "shared_like.tif")
    book = LayoutBook(tmp_path / "book")
    with pytest.raises(AmbiguousLayoutError, match="names 4 bands"):
        book.confirm(path, "B4 B3 B2 B8", 8, "Coordinator")  # does not fit: not kept
    assert book.get(path) is None
    book.confirm(path, "2 × (B4 B3 B2 B8)", 8, "Coordinator")
    scene = open_scene(path, book)
    assert scene.layout is not None and scene.layout.source == "confirmed"
    assert [d.bands for d in scene.dates] == list(TWO_DATES)
    assert scene.layout.unused == ()
    eight_bands(path)  # the file changes: asked again
    with pytest.raises(AmbiguousLayoutError):
        open_scene(path, book)


def test_layout_texts() -> None:
    assert [d.bands for d in parse_layout("2 x (B4 B3 B2 B8)", 8)] == list(TWO_DATES)
    flat = parse_layout("B2 B3 B4 B8 B2 B3 B4 B8 @ 2024-05-01, 2024-09-01", 8)
    assert [(d.label, d.bands) for d in flat] == [
        ("2024-05-01", BandRoles(3, 2, 1, 4)),
        ("2024-09-01", BandRoles(7, 6, 5, 8)),
    ]
    three = parse_layout("3 × (red green blue other)", 12)
    assert [d.bands for d in three][2] == BandRoles(9, 10, 11, None)
    for bad, why in (
        ("2 × (B4 B3 B5 B8)", "not a band this app knows"),
        ("2 × (B4 B3 B2 B8) @ 2024-05-01", "1 date\\(s\\) for 2"),
        ("", "not a band layout"),
        ("2 × (B4 B3 B8 other)", "do not name red, green and blue"),
    ):
        with pytest.raises(AmbiguousLayoutError, match=why):
            parse_layout(bad, 8)


def test_a_written_layout_tag_and_stac_item_datetimes(tmp_path: Path) -> None:
    """A time stack writes its items' datetimes as its layout: the scene has those dates."""
    when = [datetime(2024, 7, 5, 10), datetime(2024, 8, 4, 10), datetime(2024, 9, 3, 10)]
    tag = layout_of_items(when, ["B04", "B03", "B02", "B08"])
    assert tag == "3 x (B04 B03 B02 B08) @ 2024-07-05, 2024-08-04, 2024-09-03"
    array = np.ones((12, 8, 8), dtype=np.uint16)
    path = write_raster(tmp_path / "stack.tif", array)
    describe(path, [], BAND_LAYOUT=tag)
    scene = open_scene(path, LayoutBook(tmp_path))
    assert [d.label for d in scene.dates] == ["2024-07-05", "2024-08-04", "2024-09-03"]
    assert scene.dates[2].bands == BandRoles(9, 10, 11, 12)


def test_named_extra_bands_are_kept_and_said(tmp_path: Path) -> None:
    array = np.ones((6, 8, 8), dtype=np.uint16)
    path = describe(
        write_raster(tmp_path / "six.tif", array), ["B2", "B3", "B4", "B5", "B8", "B11"]
    )
    scene = open_scene(path, LayoutBook(tmp_path))
    assert scene.bands == BandRoles(3, 2, 1, 5)
    assert scene.layout is not None and scene.layout.unused == (4, 6)
    assert "band(s) 4, 6 not shown" in scene.layout.describe()


def test_readers_of_every_band_need_no_layout(tmp_path: Path) -> None:
    """The command line's --bbox reads all bands: an unnamed 8-band file opens for it."""
    path = eight_bands(tmp_path / "cli.tif")
    scene = open_scene(path, LayoutBook(tmp_path / "book"), ask_layout=False)
    assert scene.count == 8 and scene.layout is None and len(scene.dates) == 1
    assert scene.bands == BandRoles(1, 2, 3, 4)
