"""A scene whose file keeps Sentinel-2's baseline offset without saying so is asked about on
the Home page: a coordinator takes the offset out (or keeps the values), can change the
answer, and the scene reads its NDVI true from then on; a volunteer is told to ask."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from labels.model import Role
from tests.conftest import PROJECT_ROOT, with_baseline_offset
from tests.ui.conftest import session_token
from ui.auth import Identity
from ui.offset_question import answer_offset
from ui.registry import registry
from ui.scene_choice import NotPermittedError, open_ref

GITA = Identity("Gita", Role.COORDINATOR)
RAM = Identity("Ram", Role.VOLUNTEER)
REF = "server1:offset.tif"


@pytest.fixture()
def scenes(server_scenes: Path) -> Path:
    with_baseline_offset(server_scenes / "offset.tif")
    return server_scenes


def _home(identity: Identity, ref: str | None = None) -> AppTest:
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    app.session_state["session_token"] = session_token(identity)
    if ref is not None:
        app.session_state["scene_ref"] = ref
    return app.run()


def _asked(app: AppTest) -> bool:
    return any("NDVI may read low" in w.value for w in app.warning)


def _values_note(app: AppTest) -> str:
    return next((c.value for c in app.caption if c.value.startswith("Values:")), "")


def test_the_coordinator_takes_the_offset_out_and_can_change_the_answer(scenes: Path) -> None:
    app = _home(GITA)
    app.radio(key="scene_source").set_value("A file on this server").run()
    app.text_input(key="scene_path_input").input("offset.tif").run()
    app.button(key="open_path").click().run()
    assert not app.exception
    assert _asked(app)
    assert "on 2 of its 2 dates (date 1, date 2)" in app.warning[0].value
    assert open_ref(REF).band_scaling == ()

    app.button(key="offset_take").click().run()
    assert not app.exception and not _asked(app)
    assert "1000 (Sentinel-2's processing-baseline offset) is taken out" in _values_note(app)
    assert "as Gita answered" in _values_note(app)
    scene = open_ref(REF)
    assert scene.band_scaling == ((1.0, -1000.0),) * 8
    served = registry().get(scene.scene_id)
    assert served is not None and served.scene == scene  # tiles and NDVI read the answer

    app.button(key="offset_again").click().run()
    assert _asked(app) and not _values_note(app)
    app.button(key="offset_keep").click().run()
    assert "read as they are" in _values_note(app)
    assert open_ref(REF).band_scaling == ()


def test_a_volunteer_is_told_and_cannot_answer(scenes: Path) -> None:
    app = _home(RAM, REF)
    assert not app.exception and _asked(app)
    assert any("Ask a coordinator" in i.value for i in app.info)
    assert not [b for b in app.button if b.key in ("offset_take", "offset_keep")]
    with pytest.raises(NotPermittedError):
        answer_offset(open_ref(REF), (0, 1), RAM)


def test_the_bundled_sample_is_not_asked_about(scenes: Path) -> None:
    app = _home(GITA)
    next(b for b in app.button if b.label == "Use the sample scene").click().run()
    assert not app.exception
    assert any("Current scene" in s.value for s in app.success)
    assert not _asked(app) and not _values_note(app)
