"""What the pages say about an outline over open water: on the bundled sample's Danube, on its
fields, and on a sample without near-infrared; and the Review page's caution."""

from __future__ import annotations

from pathlib import Path

from rasterio.warp import transform_bounds
from shapely.geometry import Polygon, box

from sr.imagery.scene import Scene, open_scene
from tests.ui.conftest import MAYA, run_page, save_on_sample
from ui.settings import SAMPLE_SCENE
from ui.water_note import STILL_A_FIELD, water_note

LANDSAT_SAMPLE = Path("samples/parana_farmland_landsat8_20200518.tif")


def pixel_box(scene: Scene, col: int, row: int, half: int = 5) -> Polygon:
    """A lon/lat box of (2 × ``half``)² pixels of the scene around (``col``, ``row``)."""
    left, top = scene.transform @ (col - half, row - half)
    right, bottom = scene.transform @ (col + half, row + half)
    return box(*transform_bounds(scene.crs, "EPSG:4326", left, bottom, right, top))


def on_the_river(scene: Scene) -> Polygon:
    """A box on the Danube in the sample (open water on both dates there)."""
    return pixel_box(scene, 80, 314)


def on_fields(scene: Scene) -> Polygon:
    """A box over fields north of the river."""
    return pixel_box(scene, 138, 150)


def test_an_outline_on_the_river_is_said_to_look_like_water_one_on_fields_is_not() -> None:
    scene = open_scene(SAMPLE_SCENE)
    volunteer = water_note(scene, on_the_river(scene), reviewing=False)
    assert volunteer is not None
    assert volunteer == (
        "Looks like open water on both dates (100% and 100% of it): a river or pond, not a "
        f"field. Bin it, {STILL_A_FIELD}."
    )
    reviewer = water_note(scene, on_the_river(scene), reviewing=True)
    assert reviewer == volunteer.replace("Bin it", "Reject it")
    assert water_note(scene, on_fields(scene), reviewing=False) is None


def test_a_scene_without_near_infrared_says_nothing_about_water() -> None:
    scene = open_scene(LANDSAT_SAMPLE)  # red, green, blue only: cannot tell
    reservoir_shore = pixel_box(scene, 480, 480, half=400)
    assert water_note(scene, reservoir_shore, reviewing=True) is None


def test_review_cautions_on_a_field_that_looks_like_water(app_data: Path) -> None:
    scene = open_scene(SAMPLE_SCENE)
    saved = save_on_sample(app_data, [on_the_river(scene), on_fields(scene)], "rice")  # older first
    app = run_page("pages/review.py", MAYA)
    assert not app.exception
    river = water_note(scene, on_the_river(scene), reviewing=True)
    assert [w.value for w in app.warning if w.value.startswith("Looks like open water")] == [river]
    app.selectbox(key="review_choice").set_value(saved[1]).run()
    assert not app.exception
    assert not [w for w in app.warning if "open water" in w.value]
