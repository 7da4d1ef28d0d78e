"""Attacks on data at rest and on Export: other users of the machine reading the label store,
snapshots and cache; a volunteer exporting everyone's fields."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from shapely.geometry import box

from labels.model import Role
from labels.store import open_store
from sr.imagery.scene import open_scene
from tests.ui.conftest import run_page, shown
from ui.auth import Identity
from ui.drawings import Draft, Drafts
from ui.label_actions import DrawnOn, save_new_fields
from ui.settings import SAMPLE_SCENE

SITA = Identity("Sita", Role.VOLUNTEER)
RAM = Identity("Ram", Role.VOLUNTEER)


@pytest.fixture()
def umask() -> Iterator[None]:
    """The test process's umask back as it was afterwards (the app sets its own)."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def _fields(app_data: Path) -> None:
    scene = open_scene(SAMPLE_SCENE)
    store = open_store(app_data / "labels")
    store.register_scene(scene.scene_id, scene.footprint)
    c = scene.footprint.centroid
    for i, who in enumerate((SITA, RAM, RAM)):
        west = c.x + i * 0.003
        [done] = save_new_fields(
            store, [box(west, c.y, west + 0.002, c.y + 0.002)], crop="rice", identity=who,
            scene_id=scene.scene_id, drawn_on=DrawnOn(),
        )  # fmt: skip
        assert done.ok, done.message
    store.close()


def _modes(folder: Path) -> dict[str, int]:
    """The permission bits of ``folder`` and of everything in it. A file gone between the
    listing and its look (SQLite removes its -wal file when the last connection closes)
    exposes nothing and is left out."""
    found = {str(folder): stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        with contextlib.suppress(FileNotFoundError):
            found[str(path.relative_to(folder))] = stat.S_IMODE(path.lstat().st_mode)
    return found


@pytest.mark.usefixtures("umask")
def test_what_the_app_writes_is_readable_by_its_user_only(app_data: Path) -> None:
    app_data.chmod(0o755)
    app = run_page("pages/label.py", SITA)  # label store, snapshots folder, cache
    scene = open_scene(SAMPLE_SCENE)
    Drafts(app_data / "drafts", SITA.name, scene.scene_id).save(Draft([box(0, 0, 1, 1)]))
    app.run()
    modes = _modes(app_data)
    assert any("labels" in name for name in modes) and len(modes) > 3
    exposed = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert not exposed, exposed


@pytest.mark.usefixtures("umask")
def test_a_group_may_be_given_the_data_folder(
    app_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARPFIELDS_DATA_GROUP", "1")
    run_page("pages/label.py", SITA)
    modes = _modes(app_data)
    assert not {name for name, mode in modes.items() if mode & 0o007}  # never others
    assert stat.S_IMODE(app_data.stat().st_mode) == 0o750


def test_a_volunteer_exports_their_own_fields_only(app_data: Path) -> None:
    _fields(app_data)
    statuses = ["submitted"]
    volunteer = run_page("pages/export.py", SITA)
    volunteer.multiselect(key="export_status").set_value(statuses).run()
    assert shown(volunteer.subheader[1].value).startswith("1 fields")
    assert not [m for m in volunteer.multiselect if m.label == "Volunteer"]
    assert any("Your own fields only" in shown(c.value) for c in volunteer.caption)

    reviewer = run_page("pages/export.py", Identity("Maya", Role.REVIEWER))
    reviewer.multiselect(key="export_status").set_value(statuses).run()
    assert shown(reviewer.subheader[1].value).startswith("3 fields")
    assert [m for m in reviewer.multiselect if m.label == "Volunteer"]
