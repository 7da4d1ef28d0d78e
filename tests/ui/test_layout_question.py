"""An eight-band file without band names is asked about where scenes are added (Home), and
opens with two dates once a coordinator confirms its layout; nothing is guessed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from labels.model import Role
from sr.imagery.band_layout import AmbiguousLayoutError
from sr.imagery.bands import BandRoles
from tests.conftest import PROJECT_ROOT, write_raster
from tests.ui.conftest import session_token
from ui.auth import Identity
from ui.layout_question import layout_choices, layout_text
from ui.scene_choice import LayoutQuestion, confirm_layout, open_by_path, open_ref, save_upload

GITA = Identity("Gita", Role.COORDINATOR)


@pytest.fixture()
def scenes(server_scenes: Path) -> Path:
    array = np.random.default_rng(1).integers(1, 3000, (8, 40, 40), dtype=np.uint16)
    write_raster(server_scenes / "two_dates.tif", array)
    return server_scenes


def test_choices_fit_the_band_count() -> None:
    assert layout_choices(8)[:2] == ["2 × (B4 B3 B2 B8)", "2 × (B2 B3 B4 B8)"]
    assert "4 × (B4 B3 B2)" not in layout_choices(8)  # 8 is not 4 × 3
    assert layout_choices(4)[0] in ("B4 B3 B2 B8", "B2 B3 B4 B8")
    assert layout_text("2 × (B4 B3 B2 B8)", " 2024-05-01, 2024-09-01 ").endswith(
        "@ 2024-05-01, 2024-09-01"
    )


def test_server_file_and_upload_ask_then_open_with_the_confirmed_layout(scenes: Path) -> None:
    with pytest.raises(LayoutQuestion) as asked:
        open_by_path("two_dates.tif", GITA)
    assert asked.value.ref == "server1:two_dates.tif" and asked.value.count == 8
    with pytest.raises(AmbiguousLayoutError, match="names 4 bands"):
        confirm_layout(asked.value.ref, "B4 B3 B2 B8", GITA)
    with pytest.raises(LayoutQuestion):  # a wrong layout is not kept
        open_ref(asked.value.ref)
    scene = confirm_layout(asked.value.ref, "2 × (B4 B3 B2 B8) @ 2024-05-01, 2024-09-01", GITA)
    assert [d.label for d in scene.dates] == ["2024-05-01", "2024-09-01"]
    assert scene.date_bands(1) == BandRoles(5, 6, 7, 8)
    assert open_ref("server1:two_dates.tif").dates == scene.dates  # kept for next time
    # An upload is kept (nothing lost) and asked about the same way.
    with pytest.raises(LayoutQuestion) as upload:
        save_upload("field trip.tif", (scenes / "two_dates.tif").read_bytes(), GITA)
    assert upload.value.ref.startswith("uploads:")
    assert confirm_layout(upload.value.ref, "2 × (B4 B3 B2 B8)", GITA).count == 8


def test_home_page_asks_the_coordinator_and_opens_the_scene(scenes: Path) -> None:
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    app.session_state["session_token"] = session_token(GITA)
    app.run()
    app.radio(key="scene_source").set_value("A file on this server").run()
    app.text_input(key="scene_path_input").input("two_dates.tif").run()
    app.button(key="open_path").click().run()
    assert not app.exception
    assert any("8 bands" in w.value and "confirm" in w.value for w in app.warning)
    app.radio(key="layout_pick").set_value("2 × (B4 B3 B2 B8)").run()
    app.button[-1].click().run()  # the form's submit button
    assert not app.exception
    assert app.session_state["scene_ref"] == "server1:two_dates.tif"
    assert "dates: 2 dates (date 1, date 2)" in app.markdown[-1].value
