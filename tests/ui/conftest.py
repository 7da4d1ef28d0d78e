"""Fixtures for the page logic: a label store with a few fields on one scene."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry
from streamlit.testing.v1 import AppTest

from labels.model import Role
from labels.sqlite_store import SQLiteLabelStore
from labels.store import open_store
from sr.imagery.scene import open_scene
from tests.conftest import PROJECT_ROOT
from tests.sign_in import auth, clock  # noqa: F401  (fixtures for the sign-in tests)
from ui.auth import Identity, shared_auth_store
from ui.label_actions import DrawnOn, save_new_fields
from ui.settings import SAMPLE_SCENE, data_dir

SCENE = "scene-1"
SITA = Identity("Sita", Role.VOLUNTEER)
RAM = Identity("Ram", Role.VOLUNTEER)
MAYA = Identity("Maya", Role.REVIEWER)


def field_at(col: int) -> object:
    """A ~1.1 ha square field near Chitwan, Nepal, the ``col``-th along a row."""
    west = 84.4 + col * 0.002
    return box(west, 27.6, west + 0.001, 27.601)


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[SQLiteLabelStore]:
    store = open_store(tmp_path / "labels")
    assert isinstance(store, SQLiteLabelStore)  # a folder opens a SQLite store
    store.register_scene(SCENE, box(84.3, 27.5, 84.5, 27.7))
    yield store
    store.close()


@pytest.fixture()
def filled_store(store: SQLiteLabelStore) -> SQLiteLabelStore:
    """Sita: 2 rice + 1 wheat, Ram: 1 maize; all submitted."""
    for col, crop, who in [
        (0, "rice", SITA),
        (1, "rice", SITA),
        (2, "wheat", SITA),
        (3, "maize", RAM),
    ]:
        [outcome] = save_new_fields(
            store, [field_at(col)], crop=crop, identity=who, scene_id=SCENE, drawn_on=DrawnOn()
        )
        assert outcome.ok, outcome.message
    return store


def save_on_sample(
    app_data: Path,
    fields: Sequence[BaseGeometry],
    crop: str,
    identity: Identity = SITA,
    drawn_on: DrawnOn | None = None,
) -> list[str]:
    """Register the bundled sample in the pages' store (``app_data``) and submit each of the
    lon/lat ``fields`` on it as ``identity``, one save each (so in the given order): their
    label ids."""
    scene = open_scene(SAMPLE_SCENE)
    store = open_store(app_data / "labels")
    store.register_scene(scene.scene_id, scene.footprint)
    saved = []
    for field in fields:
        [outcome] = save_new_fields(
            store,
            [field],
            crop=crop,
            identity=identity,
            scene_id=scene.scene_id,
            drawn_on=drawn_on or DrawnOn(),
        )
        assert outcome.ok, outcome.message
        saved.append(str(outcome.label_id))
    store.close()
    return saved


def session_token(identity: Identity) -> str:
    """An open session for ``identity`` in the current data folder ($SHARPFIELDS_DATA), as
    the sign-in would make it: put it in an AppTest's ``session_state["session_token"]``."""
    _, token = shared_auth_store(data_dir()).open_session(identity)
    return token


@pytest.fixture()
def app_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data folder for AppTests of the pages (label store, enhanced-area cache)."""
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    monkeypatch.chdir(PROJECT_ROOT)
    st.cache_resource.clear()  # the label store is per data folder (enhanced areas follow
    yield tmp_path  # the data folder by themselves: ui.enhance_flow.result_cache)
    st.cache_resource.clear()


def map_html(app: AppTest) -> str:
    """What the page's maps (streamlit-folium components) were given, as text: tile
    addresses, layer names and field ids can be looked for in it."""
    return " ".join(str(c.proto) for c in app.get("component_instance"))


def table_with(app: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page that has ``column``."""
    return next(d.value for d in app.dataframe if column in d.value.columns)


def shown(markdown: str) -> str:
    """The text a reader sees in escaped markdown source (``ui.text.escape_markdown``)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def run_page(path: str, identity: Identity, **params: str) -> AppTest:
    """Run one page of the app as ``identity`` (signed in), with address parameters."""
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    app.session_state["session_token"] = session_token(identity)
    app.query_params.update(params)
    app.switch_page(path)
    app.run()
    assert not app.exception, app.exception
    return app


@pytest.fixture()
def server_scenes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty scene folder of the server (``SHARPFIELDS_SCENE_DIRS``, reached as
    ``server1:``) and a fresh data folder, for tests that add scenes on the Home page."""
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path / "data"))
    folder = tmp_path / "scenes"
    folder.mkdir()
    monkeypatch.setenv("SHARPFIELDS_SCENE_DIRS", str(folder))
    monkeypatch.chdir(PROJECT_ROOT)
    st.cache_resource.clear()
    st.cache_data.clear()
    return folder
