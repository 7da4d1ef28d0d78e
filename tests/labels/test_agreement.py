"""Agreement between two mappings of a task, on constructed fields with known answers."""

from __future__ import annotations

import pytest
from pyproj import Transformer
from shapely.geometry import Polygon

from labels.agreement import _to_metres, campaign_agreement, match, task_agreement
from labels.model import Label

TO_LONLAT = Transformer.from_crs(32645, 4326, always_xy=True)
X0, Y0 = 330_000.0, 3_065_000.0  # UTM 45N, near Chitwan


def field(x: float, y: float, w: float = 100.0, h: float = 100.0) -> Polygon:
    """A w × h metre rectangle (drawn in UTM 45N) at (x, y) metres from the origin, lon/lat."""
    corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    return Polygon([TO_LONLAT.transform(X0 + cx, Y0 + cy) for cx, cy in corners])


def test_identical_mappings_agree_fully() -> None:
    fields = [(field(0, 0), "rice"), (field(200, 0), "wheat")]
    found = task_agreement(fields, fields)
    assert (found.matched, found.unmatched_a, found.unmatched_b) == (2, 0, 0)
    assert found.mean_iou == pytest.approx(1.0)
    assert found.boundary_f == pytest.approx(1.0)
    assert found.crop_agreement == 1.0


def test_a_field_shifted_by_ten_metres() -> None:
    # A = [0,100]², B = [10,110]×[0,100]: IoU = 90·100 / 110·100 = 0.818…; A's boundary
    # within 2 m of B's: 92 m of the bottom and of the top edge, 4 m of the right one, none
    # of the left one: 188 of 400 m, the same the other way, so F = 0.47
    found = task_agreement([(field(0, 0), "rice")], [(field(10, 0), "rice")])
    assert found.matched == 1
    assert found.mean_iou == pytest.approx(9000 / 11000, abs=1e-3)
    assert found.boundary_f == pytest.approx(0.47, abs=2e-3)
    assert found.boundary_a_m == pytest.approx(400, abs=0.5)


def test_below_half_overlap_no_match_and_unmatched_counted_each_side() -> None:
    # shifted by 60 m: IoU = 40 / 160 = 0.25 < 0.5
    a = [(field(0, 0), "rice"), (field(500, 500), "maize")]
    b = [(field(60, 0), "rice")]
    found = task_agreement(a, b)
    assert (found.matched, found.unmatched_a, found.unmatched_b) == (0, 2, 1)
    assert found.mean_iou is None and found.crop_agreement is None


def test_crop_agreement_counts_matched_pairs_with_the_same_crop() -> None:
    a = [(field(0, 0), "rice"), (field(200, 0), "wheat")]
    b = [(field(0, 0), "rice"), (field(200, 0), "maize")]
    assert task_agreement(a, b).crop_agreement == 0.5


def test_matching_is_one_to_one_best_first() -> None:
    # two of B's fields both overlap A's one field by IoU > 0.5: A pairs with the better one
    a = [field(0, 0)]
    b = [field(0, 0, 100, 90), field(0, -5)]  # IoU 0.90 and 95/105 = 0.905
    projected = _to_metres(a + b)
    [(i, j, value)] = match(projected[:1], projected[1:])
    assert (i, j) == (0, 1) and value == pytest.approx(95 / 105, abs=1e-3)
    found = task_agreement([(g, "rice") for g in a], [(g, "rice") for g in b])
    assert (found.matched, found.unmatched_a, found.unmatched_b) == (1, 0, 1)


def test_nothing_drawn_on_either_side() -> None:
    found = task_agreement([], [])
    assert found.boundary_f is None and found.matched == 0
    one_sided = task_agreement([(field(0, 0), "rice")], [])
    assert one_sided.boundary_f == 0.0 and one_sided.unmatched_a == 1


def test_campaign_agreement_per_task_volunteer_and_campaign() -> None:
    def label(geom: Polygon, who: str, task: str, crop: str = "rice") -> Label:
        return Label(geom, crop, "scene", who, task_id=task)

    fields = [
        label(field(0, 0), "ram", "c:1"),
        label(field(0, 0), "sita", "c:1"),
        label(field(1000, 0), "ram", "c:2"),
        label(field(1060, 0), "hari", "c:2"),  # IoU 0.25: no match
        label(field(5000, 0), "ram", "c:9"),  # not a double task
    ]
    found = campaign_agreement({"c:1": ("ram", "sita"), "c:2": ("hari", "ram")}, fields)
    assert found.per_task["c:1"].mean_iou == pytest.approx(1.0)
    assert (found.per_task["c:2"].matched, found.per_task["c:2"].unmatched_a) == (0, 1)
    assert found.campaign.tasks == 2 and found.campaign.matched == 1
    assert found.per_volunteer["ram"].tasks == 2
    assert found.per_volunteer["ram"].matched == 1
    assert found.per_volunteer["sita"].summary()["mean_iou"] == pytest.approx(1.0)
    assert found.per_volunteer["hari"].unmatched_a == 1
