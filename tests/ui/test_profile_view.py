"""The season profile beside the map: values from the sample's two dates, neighbours, and the
Review page showing it for the field under review."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from rasterio.warp import transform_bounds
from shapely.geometry import box

from labels.model import Label
from labels.store import open_store
from sr.imagery.profile import field_profile
from sr.imagery.scene import open_scene
from tests.ui.conftest import MAYA, SITA, map_html, run_page, save_on_sample, shown
from ui.label_actions import DrawnOn
from ui.profile_view import (
    BAND_COLUMNS,
    NDVI_COLUMNS,
    THIS_FIELD,
    bands_frame,
    ndvi_frame,
    neighbours_of,
    unseen_dates,
)
from ui.settings import SAMPLE_SCENE


def _fields_near_centre(n: int) -> list:  # type: ignore[type-arg]
    scene = open_scene(SAMPLE_SCENE)
    c = scene.footprint.centroid
    return [box(c.x + i * 0.002, c.y, c.x + i * 0.002 + 0.0015, c.y + 0.001) for i in range(n)]


def _save_one_field(app_data: Path, crop: str) -> Label:
    """One field of ``crop`` saved by Sita near the sample's centre, in the pages' store."""
    [label_id] = save_on_sample(app_data, _fields_near_centre(1), crop)
    store = open_store(app_data / "labels")
    saved = store.get(label_id)
    store.close()
    return saved


def test_profile_of_a_sample_field_and_its_neighbours() -> None:
    scene = open_scene(SAMPLE_SCENE)
    field, *others = _fields_near_centre(8)
    labels = [Label(g, "rice", scene.scene_id, "Ram") for g in others]
    neighbours = neighbours_of(field, labels)
    assert len(neighbours) == 5  # the nearest five, nearest first
    assert neighbours[0].geometry.equals(others[0])
    frame = ndvi_frame(scene, field, neighbours)
    assert list(frame.index) == ["date 1", "date 2"] and frame.columns[0] == THIS_FIELD
    assert frame.shape == (2, 6)
    assert frame[THIS_FIELD].between(-1, 1).all()
    # The chart's values are the profile's: the mean NDVI over the field's pixels.
    expected = [m.ndvi for m in field_profile(scene, field)]
    assert np.allclose(frame[THIS_FIELD].to_numpy(), expected)
    table = bands_frame(scene, field)
    assert list(table["date"]) == ["date 1", "date 2"] and (table["pixels"] > 10).all()


def test_review_page_shows_the_profile_of_the_field(app_data: Path) -> None:
    save_on_sample(
        app_data, _fields_near_centre(2), "maize", drawn_on=DrawnOn(dates_seen="date 1, date 2")
    )
    app = run_page("pages/review.py", MAYA)
    assert any("Season profile: this field" in m.value for m in app.markdown)
    assert any("dates looked at: date 1, date 2" in shown(m.value) for m in app.markdown)
    [table, bands] = [d for d in app.dataframe if "date" in d.value.columns]  # the profile's
    assert list(table.value.columns) == list(NDVI_COLUMNS)
    assert list(table.value["date"]) == ["date 1", "date 2"]
    assert table.value["NDVI"].between(-1, 1).all()
    assert list(bands.value.columns) == list(BAND_COLUMNS)  # under Band means per date
    assert (bands.value[["red", "green", "blue", "NIR"]] > 0).all().all()


def test_label_page_offers_a_profile_of_a_chosen_field(app_data: Path) -> None:
    saved = _save_one_field(app_data, "rice")
    app = run_page("pages/label.py", SITA)
    assert not app.dataframe  # nothing chosen yet
    app.selectbox(key="profile_of").set_value(saved.id).run()
    assert not app.exception
    assert any(m.value.startswith("**Season profile: rice") for m in app.markdown)
    assert list(app.dataframe[0].value["date"]) == ["date 1", "date 2"]


def test_review_shows_two_dates_side_by_side(app_data: Path) -> None:
    scene_id = _save_one_field(app_data, "maize").scene_id
    app = run_page("pages/review.py", MAYA)
    html = map_html(app)
    assert f"/tiles/{scene_id}/true-d1/" not in html
    app.toggle(key="review-side-by-side").set_value(True).run()
    assert not app.exception
    html = map_html(app)
    assert f"/tiles/{scene_id}/true/" in html  # left: the date on screen
    assert f"/tiles/{scene_id}/true-d1/" in html  # right: the other date
    assert any("Right: date 2" in shown(c.value) for c in app.caption)


def test_a_date_on_which_the_field_is_under_a_gap_is_named(tmp_path: Path) -> None:
    """The sample with date 2 left out over a block (a time stack's cloud): a field inside
    it has pixels on date 1 and none on date 2, which the profile names."""
    gapped = tmp_path / "gapped.tif"
    with rasterio.open(SAMPLE_SCENE) as src:
        profile, data, names = src.profile, src.read(), src.descriptions
    data[4:8, 100:200, 100:200] = 0
    with rasterio.open(gapped, "w", **profile) as dst:
        dst.write(data)
        dst.descriptions = names
    scene = open_scene(gapped)
    (west, north), (east, south) = (scene.transform @ (130, 130), scene.transform @ (170, 170))
    field = box(*transform_bounds(scene.crs, "EPSG:4326", west, south, east, north))
    table = bands_frame(scene, field)
    assert table["pixels"].iloc[0] > 1000 and table["pixels"].iloc[1] == 0
    assert unseen_dates(table) == ["date 2"]
    assert unseen_dates(bands_frame(open_scene(SAMPLE_SCENE), field)) == []
