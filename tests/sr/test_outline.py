"""The outline assist's library: masks to polygons, clicks to fields (sr.outline)."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from shapely.geometry import Point, box

from sr.outline import outline_all, outline_at
from sr.outline.bands import three_bands
from sr.outline.polygons import MAX_VERTICES, mask_to_polygon, reaches_edge


class KnownFields:
    """A segmenter that answers with fixed instances (tests of the plumbing around it)."""

    version = "known@test"

    def __init__(self, instances: np.ndarray) -> None:
        self.instances = instances
        self.seen: np.ndarray | None = None

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        self.seen = rgb
        return self.instances


def rectangle_mask() -> np.ndarray:
    mask = np.zeros((40, 60), bool)
    mask[10:30, 5:45] = True  # rows 10–29, columns 5–44
    return mask


def test_a_rectangle_becomes_its_pixel_edge_box() -> None:
    polygon = mask_to_polygon(rectangle_mask())
    assert polygon is not None
    assert polygon.equals(box(5, 10, 45, 30))
    assert len(polygon.exterior.coords) == 5


def test_with_a_transform_the_outline_is_in_map_coordinates() -> None:
    transform = Affine(2.5, 0, 500_000, 0, -2.5, 3_000_000)
    polygon = mask_to_polygon(rectangle_mask(), transform)
    assert polygon is not None
    assert polygon.equals(box(500_012.5, 2_999_925, 500_112.5, 2_999_975))


def test_an_l_shape_keeps_its_six_corners_and_its_area() -> None:
    mask = np.zeros((30, 30), bool)
    mask[5:25, 5:12] = True
    mask[18:25, 5:25] = True
    polygon = mask_to_polygon(mask)
    assert polygon is not None
    assert len(polygon.exterior.coords) - 1 == 6
    assert polygon.area == mask.sum()


def test_a_ragged_disc_is_simplified_to_few_corners_and_stays_close() -> None:
    rows, cols = np.mgrid[0:200, 0:200]
    rng = np.random.default_rng(0)
    radius = 80 + rng.integers(-2, 3, size=(200, 200))
    mask = (rows - 100) ** 2 + (cols - 100) ** 2 < radius**2
    polygon = mask_to_polygon(mask)
    assert polygon is not None and polygon.is_valid
    assert len(polygon.exterior.coords) - 1 <= MAX_VERTICES
    disc = Point(100, 100).buffer(80)
    assert polygon.intersection(disc).area / polygon.union(disc).area > 0.97


def test_holes_are_filled_and_the_largest_part_is_kept() -> None:
    mask = np.zeros((50, 50), bool)
    mask[5:35, 5:35] = True
    mask[15:20, 15:20] = False  # a farmstead inside the field
    mask[40:45, 40:45] = True  # a small separate patch
    polygon = mask_to_polygon(mask)
    assert polygon is not None
    assert not polygon.interiors
    assert polygon.equals(box(5, 5, 35, 35))


@pytest.mark.parametrize(
    ("rows", "cols", "reaches"),
    [((0, 5), (10, 20), True), ((10, 30), (35, 40), True), ((1, 29), (1, 39), False)],
    ids=["top", "right", "one pixel in"],
)
def test_an_outline_reaches_the_images_edge_only_when_it_touches_it(
    rows: tuple[int, int], cols: tuple[int, int], reaches: bool
) -> None:
    mask = np.zeros((30, 40), bool)
    mask[slice(*rows), slice(*cols)] = True
    assert reaches_edge(mask_to_polygon(mask), mask.shape) is reaches  # type: ignore[arg-type]
    utm = Affine(2.5, 0, 500_000, 0, -2.5, 5_330_000)
    on_map = mask_to_polygon(mask, utm)
    assert reaches_edge(on_map, mask.shape, utm) is reaches  # type: ignore[arg-type]


def test_an_empty_mask_has_no_outline() -> None:
    assert mask_to_polygon(np.zeros((8, 8), bool)) is None


def test_each_click_gets_its_field_in_click_order_and_none_outside_any_field() -> None:
    instances = np.zeros((40, 60), np.int32)
    instances[0:20, 0:30] = 1
    instances[22:40, 10:50] = 2
    known = KnownFields(instances)
    image = np.random.default_rng(0).integers(0, 4000, (4, 40, 60)).astype(np.uint16)
    clicks = [(40.5, 30.2), (5, 5), (55, 5), (-1, 3), (60, 10)]
    found = outline_at(image, clicks, segmenter=known)
    assert found[0] is not None and found[0].equals(box(10, 22, 50, 40))
    assert found[1] is not None and found[1].equals(box(0, 0, 30, 20))
    assert found[2:] == [None, None, None]  # in no field; left of and right of the image
    assert known.seen is not None and known.seen.shape == (3, 40, 60)
    every = outline_all(image, segmenter=known)
    assert [p.bounds for p in every] == [(0, 0, 30, 20), (10, 22, 50, 40)]  # in number order


def test_a_gap_without_data_is_in_no_field() -> None:
    """A time stack's cloud left out (0 in every band, ``sr.stac.cloud_mask``) across the
    border of two fields: a click there gets nothing and no proposal is the gap (before,
    the gap was the most distinct "field" of the image). A gap inside one field is inside
    its outline: the field goes on under the cloud."""
    rng = np.random.default_rng(0)
    image = np.empty((3, 128, 128), np.uint16)
    image[:, :, :64] = rng.normal(800, 40, (3, 128, 64))
    image[:, :, 64:] = rng.normal(2500, 40, (3, 128, 64))
    across, inside = box(40, 40, 90, 80), box(10, 90, 40, 120)
    for gap in (across, inside):
        x0, y0, x1, y1 = (int(v) for v in gap.bounds)
        image[:, y0:y1, x0:x1] = 0
    assert outline_at(image, [(60.5, 60.5), (25.5, 105.5)]) == [None, None]
    every = outline_all(image)
    assert len(every) == 2
    for proposal in every:
        assert proposal.intersection(across).area < 0.05 * across.area
    assert any(proposal.contains(inside) for proposal in every)


def test_any_band_count_and_dtype_becomes_three_bands_in_0_to_1() -> None:
    for bands, dtype in ((1, np.uint8), (2, np.int16), (4, np.uint16), (8, np.float64)):
        image = np.random.default_rng(bands).integers(0, 200, (bands, 16, 16)).astype(dtype)
        out = three_bands(image)
        assert out.shape == (3, 16, 16) and out.dtype == np.float32
        assert out.min() >= 0 and out.max() <= 1
    with_nan = np.full((3, 8, 8), np.nan, np.float32)
    assert (three_bands(with_nan) == 0).all()
    with pytest.raises(ValueError, match="bands, rows, columns"):
        three_bands(np.zeros((2, 3, 4, 5)))
