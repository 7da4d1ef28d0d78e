"""The Find imagery page: its logic, and the page itself run headless (AppTest) against the
local STAC catalogue (tests/stac_catalog.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import rasterio
import streamlit as st
from streamlit.testing.v1 import AppTest

from labels.model import Role
from sr.stac.area import AreaError
from tests.conftest import PROJECT_ROOT
from tests.stac_catalog import LocalCatalog
from tests.stac_catalog import local_catalog as local_catalog  # the session fixture
from tests.ui.conftest import session_token, shown
from ui.auth import Identity
from ui.fetch_view import (
    area_map,
    chosen_area,
    clouds_note,
    dates_text,
    fetched_scene,
    offset_note,
    progress_reporter,
)
from ui.settings import SAMPLE_SCENE
from ui.tile_routes import tile_url

APP = str(PROJECT_ROOT / "app.py")
RECTANGLE = {
    "type": "Feature",
    "properties": {},
    "geometry": {
        "type": "Polygon",
        "coordinates": [[[84.4, 27.6], [84.5, 27.6], [84.5, 27.7], [84.4, 27.7], [84.4, 27.6]]],
    },
}


def test_typed_area_wins_over_the_drawn_one() -> None:
    assert chosen_area(RECTANGLE, "").bbox == pytest.approx((84.4, 27.6, 84.5, 27.7))
    assert chosen_area(RECTANGLE, "84.1 27.1 84.2 27.2").bbox == pytest.approx(
        (84.1, 27.1, 84.2, 27.2)
    )
    assert chosen_area(None, "  ") is None
    with pytest.raises(AreaError):
        chosen_area(None, "84.2 27.1 84.1 27.2")


def test_dates_in_order() -> None:
    assert dates_text(date(2024, 6, 1), date(2024, 9, 30)) == "2024-06-01/2024-09-30"
    with pytest.raises(AreaError, match="after the end"):
        dates_text(date(2024, 9, 30), date(2024, 6, 1))


def test_the_area_map_draws_rectangles_with_local_leaflet() -> None:
    html = area_map(chosen_area(RECTANGLE, ""), "none", _key).get_root().render()
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.js" in html
    assert '"polygon": false, "polyline": false, "rectangle": true' in html


def test_progress_drives_a_bar() -> None:
    seen: list[tuple[float, str]] = []

    class Bar:
        def progress(self, value: float, text: str) -> None:
            seen.append((value, text))

    report = progress_reporter(Bar())
    report(1, 4, "reading B03")
    report(4, 4, "done")
    assert seen == [(0.25, "reading B03"), (1.0, "done")]


def _key(scene_id: str) -> str:
    return f"key-of-{scene_id}"


@pytest.fixture()
def fetch_app(
    local_catalog: LocalCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppTest]:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    monkeypatch.setenv("SHARPFIELDS_STAC_URL", local_catalog.stac_url)
    monkeypatch.chdir(PROJECT_ROOT)
    st.cache_resource.clear()
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["session_token"] = session_token(Identity("Ana", Role.COORDINATOR))
    app.switch_page("pages/fetch.py")
    yield app
    st.cache_resource.clear()


@pytest.mark.shared_data
def test_volunteers_are_sent_away(fetch_app: AppTest) -> None:
    fetch_app.session_state["session_token"] = session_token(Identity("Ram", Role.VOLUNTEER))
    fetch_app.run()
    assert any("for coordinators" in w.value for w in fetch_app.warning)
    assert not fetch_app.button


@pytest.mark.shared_data
def test_a_coordinator_finds_and_fetches_a_scene(
    fetch_app: AppTest, local_catalog: LocalCatalog, tmp_path: Path
) -> None:
    fetch_app.run()
    assert not fetch_app.exception
    west = local_catalog.lonlat_box(slice(60, 160), slice(40, 150))
    fetch_app.text_area(key="fetch_area").set_value(", ".join(f"{v:.5f}" for v in west))
    fetch_app.run()
    fetch_app.button(key="fetch_search").click().run()
    assert not fetch_app.exception and not fetch_app.error
    assert fetch_app.subheader[-1].value.startswith("3 scene(s)")
    summaries = [shown(m.value) for m in fetch_app.markdown if "cloud over the area" in m.value]
    assert summaries[0].startswith("04 Aug 2024") and "100% cloud over the area" in summaries[2]

    fetch_app.button(key="fetch_0").click().run()
    assert not fetch_app.exception and not fetch_app.error
    [fetched] = (tmp_path / "scenes").glob("S2_33UXP_20240804_*.tif")
    assert fetch_app.session_state["scene_ref"] == f"fetched:{fetched.name}"
    assert any("It is now the current scene" in s.value for s in fetch_app.success)
    assert not [c for c in fetch_app.caption if "processing-baseline" in c.value]
    with rasterio.open(fetched) as ds:
        assert ds.descriptions == ("B04", "B03", "B02", "B08")


@pytest.mark.shared_data
def test_an_area_too_big_is_refused_on_the_page(fetch_app: AppTest) -> None:
    fetch_app.run()
    fetch_app.text_area(key="fetch_area").set_value("83, 27, 85, 28.5")
    fetch_app.run()
    fetch_app.button(key="fetch_search").click().run()
    assert any("more than the 2,500 km²" in shown(e.value) for e in fetch_app.error)


def test_the_fetched_scene_is_shown_on_the_area_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    served = fetched_scene(str(SAMPLE_SCENE))
    assert served is not None
    html = area_map(None, "none", _key, served).get_root().render()
    assert tile_url(served.scene.scene_id, "true", _key(served.scene.scene_id)) in html
    assert fetched_scene(str(tmp_path / "gone.tif")) is None
    assert fetched_scene(None) is None


def fetch_stack_on_page(
    app: AppTest, lonlat_box: tuple[float, float, float, float], start: date, end: date
) -> None:
    """Type the area and the season on Find imagery and press Fetch a time stack."""
    app.run()
    app.text_area(key="fetch_area").set_value(", ".join(f"{v:.5f}" for v in lonlat_box))
    app.date_input(key="fetch_start").set_value(start)
    app.date_input(key="fetch_end").set_value(end)
    app.run()
    app.button(key="fetch_stack").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]


@pytest.mark.shared_data
def test_a_coordinator_fetches_a_time_stack(
    fetch_app: AppTest, local_catalog: LocalCatalog, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SHARPFIELDS_STAC_COLLECTION", "s2-season")
    fetch_app.run()
    middle = local_catalog.lonlat_box(slice(120, 280), slice(200, 400))
    fetch_app.text_area(key="fetch_area").set_value(", ".join(f"{v:.5f}" for v in middle))
    fetch_app.run()
    fetch_app.number_input(key="stack_months").set_value(1)
    fetch_app.button(key="fetch_stack").click().run()
    assert not fetch_app.exception and not fetch_app.error, [e.value for e in fetch_app.error]
    [stack] = (tmp_path / "scenes").glob("S2_season_20240601-20240930_*_1m.tif")
    assert fetch_app.session_state["scene_ref"] == f"fetched:{stack.name}"
    [summary] = [i.value for i in fetch_app.info if "date(s)" in i.value]
    assert summary.startswith("3 date(s): 08 Jun 2024") and "2024-09-01/2024-09-30" in summary
    assert "left out" not in summary  # the area is clear on every date chosen


@pytest.mark.shared_data
def test_the_page_says_when_clouds_were_left_out_of_a_stack(
    fetch_app: AppTest, local_catalog: LocalCatalog
) -> None:
    """July over source columns 170-330 of ``sentinel-2-l2a``: the pass chosen keeps a cloud
    over an eighth of the area (tests/sr/stac/test_stac_stack.py), which is left out."""
    box = local_catalog.lonlat_box(slice(120, 280), slice(170, 330))
    fetch_stack_on_page(fetch_app, box, date(2024, 7, 1), date(2024, 7, 31))
    [summary] = [i.value for i in fetch_app.info if "date(s)" in i.value]
    assert "Clouds and their shadows are left out of 1 of its 1 dates (at most 1" in summary


def test_the_clouds_note_reads_the_tag_and_ignores_what_is_not_a_number() -> None:
    assert clouds_note({"CLOUD_MASKED_PERCENT": "0.0;0.0"}) is None
    assert clouds_note({}) is None
    note = clouds_note({"CLOUD_MASKED_PERCENT": "0.0;23.4;x;5.0"})
    assert note is not None and "2 of its 3 dates (at most 23% of a date's pixels" in note


@pytest.mark.shared_data
def test_the_page_says_when_the_baseline_offset_was_taken_out(
    fetch_app: AppTest, local_catalog: LocalCatalog, monkeypatch
) -> None:
    """A season across processing baseline 04.00 (collection ``s2-baselines``): the page
    says the offset was taken out of one of its two dates; a fetch without it says nothing."""
    monkeypatch.setenv("SHARPFIELDS_STAC_COLLECTION", "s2-baselines")
    middle = local_catalog.lonlat_box(slice(120, 280), slice(200, 400))
    fetch_stack_on_page(fetch_app, middle, date(2024, 6, 1), date(2024, 7, 31))
    notes = [c.value for c in fetch_app.caption if "processing-baseline offset" in c.value]
    assert notes == [
        "Sentinel-2's processing-baseline offset (1000 added to every value since 2022) was "
        "taken out of 1 of its 2 dates: the values are reflectance × 10000 on every date, so "
        "NDVI reads true and alike across dates."
    ]
    assert offset_note(str(local_catalog.root / "nothing.tif")) is None
