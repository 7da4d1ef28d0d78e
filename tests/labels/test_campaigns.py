"""The campaign grid and the pure task rules (labels.campaigns)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Polygon, box

from labels.campaigns import (
    Campaign,
    CampaignError,
    Task,
    TaskEvent,
    TaskState,
    check_campaign,
    crop_refused,
    doubled,
    format_hours,
    iso,
    parse_task_ref,
    pixel_side_metres,
    progress,
    split_cell,
    task_grid,
    task_ref,
)

GEOD = Geod(ellps="WGS84")
TO_LONLAT = Transformer.from_crs(32645, 4326, always_xy=True)


def utm_box(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    """A box drawn in UTM 45N, as a lon/lat polygon."""
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    return Polygon([TO_LONLAT.transform(x, y) for x, y in corners])


def side_m(polygon: Polygon) -> tuple[float, float]:
    """Geodesic length of a task's south and west edges (metres)."""
    (x0, y0), (x1, y1) = shapely.get_coordinates(polygon.envelope)[[0, 2]]
    west_south = min(shapely.get_coordinates(polygon), key=lambda p: p[0] + p[1])
    lon, lat = west_south
    width = GEOD.inv(lon, lat, lon + (x1 - x0), lat)[2]
    height = GEOD.inv(lon, lat, lon, lat + (y1 - y0))[2]
    return width, height


def test_a_utm_area_is_cut_into_whole_cells_aligned_on_the_scene_pixels() -> None:
    # 3 × 2 cells of 1280 m (128 pixels of 10 m), aligned on the scene's origin
    area = utm_box(301_280, 3_097_440, 305_120, 3_100_000)
    tasks = task_grid(area, "EPSG:32645", (1280.0, 1280.0), origin=(300_000, 3_100_000))
    assert len(tasks) == 6
    to_utm = Transformer.from_crs(4326, 32645, always_xy=True)
    first = shapely.transform(tasks[0], lambda xy: __import__("numpy").column_stack(
        to_utm.transform(xy[:, 0], xy[:, 1])))  # fmt: skip
    x0, y0, x1, y1 = first.bounds
    assert (x0, y1) == pytest.approx((301_280, 3_100_000), abs=0.01)  # north-west first
    assert (x1 - x0, y1 - y0) == pytest.approx((1280, 1280), abs=0.01)
    assert sum(t.area for t in tasks) == pytest.approx(area.area, rel=1e-6)


def test_cells_are_clipped_to_the_area_and_cells_outside_it_dropped() -> None:
    # a triangle over a 4 × 4 grid: the corner cells beyond the hypotenuse are dropped,
    # those it crosses are clipped
    x0, y0, side = 300_000, 3_094_880, 5120
    corners = [(x0, y0), (x0 + side, y0), (x0, y0 + side)]
    triangle = Polygon([TO_LONLAT.transform(x, y) for x, y in corners])
    tasks = task_grid(triangle, "EPSG:32645", (1280.0, 1280.0), origin=(300_000, 3_100_000))
    assert len(tasks) == 10  # 4 + 3 + 2 + 1 cells on or below the diagonal
    assert all(t.area > 0 for t in tasks)
    assert sum(t.area for t in tasks) == pytest.approx(triangle.area, rel=1e-3)
    full = max(t.area for t in tasks)
    assert sum(t.area < 0.6 * full for t in tasks) == 4  # the diagonal's half cells


def test_a_task_is_split_in_four_on_the_scene_pixels_a_strip_in_two_a_small_one_not() -> None:
    to_utm = Transformer.from_crs(4326, 32645, always_xy=True)

    def utm_bounds(polygon: Polygon) -> tuple[float, ...]:
        xs, ys = to_utm.transform(*polygon.exterior.xy)
        return tuple(round(v, 2) for v in (min(xs), min(ys), max(xs), max(ys)))

    task = utm_box(301_280, 3_097_440, 302_560, 3_098_720)  # one cell of 128 pixels
    parts = split_cell(task, "EPSG:32645", (300_000, 3_100_000), (10.0, -10.0))
    assert [utm_bounds(p) for p in parts] == [
        (301_280, 3_098_080, 301_920, 3_098_720), (301_920, 3_098_080, 302_560, 3_098_720),
        (301_280, 3_097_440, 301_920, 3_098_080), (301_920, 3_097_440, 302_560, 3_098_080),
    ]  # fmt: skip
    odd = utm_box(301_280, 3_097_440, 301_733, 3_097_893)  # 45.3 pixels: cut at a pixel edge
    assert {utm_bounds(p)[2] for p in split_cell(odd, "EPSG:32645", (300_000, 0), (10, 10))} == {
        301_510, 301_733
    }  # fmt: skip
    strip = utm_box(301_280, 3_097_440, 301_480, 3_098_720)  # 20 × 128 pixels, at an edge
    assert [utm_bounds(p) for p in split_cell(strip, "EPSG:32645", (300_000, 0), (10, 10))] == [
        (301_280, 3_098_080, 301_480, 3_098_720),
        (301_280, 3_097_440, 301_480, 3_098_080),
    ]  # fmt: skip  (cut across its length only: north, then south; no part under 16 pixels)
    corners = [(301_280, 3_097_440), (302_560, 3_097_440), (301_280, 3_098_720)]
    triangle = Polygon([TO_LONLAT.transform(x, y) for x, y in corners])
    clipped = split_cell(triangle, "EPSG:32645", (300_000, 3_100_000), (10.0, -10.0))
    assert len(clipped) == 3  # the north-east quarter lies beyond the diagonal: dropped
    assert sum(p.area for p in clipped) == pytest.approx(triangle.area, rel=1e-4)
    small = utm_box(301_280, 3_097_440, 301_590, 3_097_750)  # 31 pixels: halves under 16
    with pytest.raises(CampaignError, match="too small to split"):
        split_cell(small, "EPSG:32645", (300_000, 3_100_000), (10.0, -10.0))


def test_an_area_touching_a_cell_only_on_its_edge_gives_no_task_there() -> None:
    area = utm_box(301_280, 3_098_720, 302_560, 3_100_000)  # exactly one cell
    assert len(task_grid(area, "EPSG:32645", (1280.0, 1280.0), origin=(300_000, 3_100_000))) == 1


def test_task_size_in_metres_on_a_geographic_scene() -> None:
    # a lon/lat scene of 0.0001° pixels: a task of 128 pixels is ~1280 m north-south and
    # cos(lat) × that east-west
    res = 0.0001
    area = box(85.30, 27.70, 85.34, 27.73)
    tasks = task_grid(area, "EPSG:4326", (128 * res, 128 * res), origin=(85.0, 28.0))
    whole = [t for t in tasks if abs(t.area - (128 * res) ** 2) < 1e-12]
    width, height = side_m(whole[0])
    assert height == pytest.approx(128 * res * 110_700, rel=0.01)
    assert width == pytest.approx(pixel_side_metres("EPSG:4326", res, (85.3, 27.7)) * 128, rel=1e-3)
    assert pixel_side_metres("EPSG:4326", res, (85.3, 27.7)) == pytest.approx(9.86, abs=0.02)


def test_pixel_side_in_metres_on_projected_crs_in_metres_and_in_feet() -> None:
    assert pixel_side_metres("EPSG:32645", 10.0, (87.0, 27.7)) == pytest.approx(10.0, rel=1e-3)
    # NAD83 / California zone 6 (US survey feet): 10 ft ≈ 3.048 m
    assert pixel_side_metres("EPSG:2230", 10.0, (-117.1, 32.7)) == pytest.approx(3.048, rel=1e-3)


def test_too_many_tasks_or_an_empty_area_is_refused_in_plain_words() -> None:
    area = box(85.0, 27.0, 86.0, 28.0)
    with pytest.raises(CampaignError, match="the most is 100"):
        task_grid(area, "EPSG:4326", (0.01, 0.01), max_tasks=100)
    with pytest.raises(CampaignError, match="empty"):
        task_grid(Polygon(), "EPSG:4326", (0.01, 0.01))
    with pytest.raises(CampaignError, match="larger than zero"):
        task_grid(area, "EPSG:4326", (0.0, 0.01))


def test_task_refs_round_trip_and_doubles_are_a_stable_share() -> None:
    assert parse_task_ref(task_ref("abc", 12)) == ("abc", 12)
    assert parse_task_ref("not a task") is None
    twice = doubled(200, 0.1, "campaign-1")
    assert len(twice) == 20 and twice <= set(range(1, 201))
    assert doubled(200, 0.1, "campaign-1") == twice
    assert doubled(200, 0.0, "x") == set()
    assert len(doubled(3, 0.1, "x")) == 1  # a share of a small campaign is at least one


def test_a_campaign_is_checked_before_it_is_made() -> None:
    good = Campaign("Terai rice", ("S",), box(0, 0, 1, 1), "boss")
    check_campaign(good)
    for bad, reason in [
        (good.replace(name=" "), "name"),
        (good.replace(scene_ids=()), "scene"),
        (good.replace(crops=()), "crop"),
        (good.replace(double_share=1.5), "double"),
        (good.replace(task_pixels=2), "between 8"),
        (good.replace(lock_minutes=0), "lock"),
    ]:
        with pytest.raises(CampaignError, match=reason):
            check_campaign(bad)
    with pytest.raises(CampaignError, match="unknown crop"):
        check_campaign(good.replace(crops=("rice", "kale")), known_crops=("rice",))


def test_an_expired_lock_counts_as_gone() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    task = Task("c", 1, box(0, 0, 1, 1), TaskState.LOCKED_MAPPING, locked_by="ram",
                locked_until=iso(now), locked_from=TaskState.INVALIDATED)  # fmt: skip
    assert task.state_at(iso(now - timedelta(seconds=1))) is TaskState.LOCKED_MAPPING
    assert task.state_at(iso(now + timedelta(seconds=1))) is TaskState.INVALIDATED


def test_progress_counts_states_people_and_the_time_left_at_the_recent_pace() -> None:
    now = datetime(2026, 1, 2, 12, tzinfo=UTC)
    geom = box(0, 0, 1, 1)
    tasks = [
        Task("c", 1, geom, TaskState.VALIDATED, mappers=("ram",), validator="sita"),
        Task("c", 2, geom, TaskState.VALIDATED, mappers=("ram",), validator="sita"),
        Task("c", 3, geom, TaskState.VALIDATED, mappers=("hari",), validator="sita"),
        Task("c", 4, geom, TaskState.LOCKED_MAPPING, locked_by="x",
             locked_until=iso(now - timedelta(minutes=1)), locked_from=TaskState.READY),
        Task("c", 5, geom),
        Task("c", 6, geom),
    ]  # fmt: skip
    events = [
        TaskEvent("c", 1, "validated", "locked_validation", "validated", "sita",
                  iso(now - timedelta(hours=4))),
        TaskEvent("c", 2, "validated", "locked_validation", "validated", "sita",
                  iso(now - timedelta(hours=2))),
        TaskEvent("c", 3, "validated", "locked_validation", "validated", "sita",
                  iso(now - timedelta(hours=1))),
        TaskEvent("c", 9, "validated", "locked_validation", "validated", "sita",
                  iso(now - timedelta(hours=30))),  # older than a day: not in the pace
    ]  # fmt: skip
    found = progress(tasks, events, {"ram": 7}, now)
    assert found.counts[TaskState.READY] == 3  # the expired lock included
    assert found.counts[TaskState.LOCKED_MAPPING] == 0
    assert found.share(TaskState.VALIDATED) == pytest.approx(3 / 6)
    assert found.mapped_by == {"ram": 2, "hari": 1}
    assert found.validated_by == {"sita": 3}
    assert found.tasks_per_hour == pytest.approx(0.75)  # 3 tasks in the 4 h since the first
    assert found.hours_left == pytest.approx(4.0)  # 3 left at 0.75 / h
    assert format_hours(found.hours_left) == "about 4 h"
    two = progress(tasks, events[1:], {}, now)  # two validated in the last day: too few
    assert two.tasks_per_hour is None and two.hours_left is None
    assert format_hours(None).startswith("not known yet")
    assert progress([], [], {}, now).hours_left is None
    aside = [*tasks[:5], Task("c", 6, geom, TaskState.BAD_IMAGERY, comment="clouds")]
    set_aside = TaskEvent("c", 6, "bad imagery", "locked_mapping", "bad_imagery", "hari",
                          iso(now - timedelta(hours=3)), "clouds")  # fmt: skip
    cloudy = progress(aside, [*events, set_aside], {}, now)  # one cannot be mapped on it
    assert (cloudy.set_aside, cloudy.workable, cloudy.set_aside_by) == (1, 5, {"hari": 1})
    assert cloudy.set_aside_now == {6: set_aside}  # who set it aside, when and why
    planned = [*tasks[:5], Task("c", 6, geom, assigned_to="Sita"),
               Task("c", 7, geom, TaskState.VALIDATED, assigned_to="Sita")]  # fmt: skip
    assert progress(planned, events, {}, now).assigned_left == {"Sita": 1}  # one still to map
    assert cloudy.done_share == pytest.approx(3 / 5)  # of the tasks the imagery allows
    assert cloudy.hours_left == pytest.approx(2 / 0.75)  # two left, not three


def test_a_field_belongs_to_the_task_holding_at_least_half_of_it() -> None:
    task = Task("c", 1, box(0, 0, 1, 1))
    assert task.holds(box(0.2, 0.2, 0.4, 0.4))  # inside
    assert task.holds(box(0.5, 0.2, 1.5, 0.4))  # half in: in the task that holds it
    assert not task.holds(box(0.7, 0.2, 1.7, 0.4))  # 30 % in: the neighbour's
    assert not task.holds(box(2, 2, 3, 3))
    assert not task.holds(Polygon())  # nothing to hold


def test_a_field_in_a_campaigns_task_takes_one_of_the_crops_its_coordinator_chose() -> None:
    campaign = Campaign("Terai rice", ("s",), box(0, 0, 1, 1), "Boss", crops=("rice", "wheat"))
    assert crop_refused(campaign.name, campaign.crops, "wheat") is None
    refused = crop_refused(campaign.name, campaign.crops, "potato")
    assert refused == "Terai rice maps rice, wheat, not potato; choose one of them"
