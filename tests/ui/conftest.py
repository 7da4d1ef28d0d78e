"""Fixtures for the page logic: a label store with a few fields on one scene."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from shapely.geometry import box

from labels.model import Role
from labels.store import SQLiteLabelStore, open_store
from ui.auth import Identity, shared_auth_store
from ui.label_actions import DrawnOn, save_new_fields
from ui.settings import data_dir

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


def session_token(identity: Identity) -> str:
    """An open session for ``identity`` in the current data folder ($SHARPFIELDS_DATA), as
    the sign-in would make it: put it in an AppTest's ``session_state["session_token"]``."""
    _, token = shared_auth_store(data_dir()).open_session(identity)
    return token
