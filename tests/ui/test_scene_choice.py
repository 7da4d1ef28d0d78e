"""Choosing a scene: samples for everyone; server paths and uploads for coordinators, inside
the allowed folders only; bad files explained and dropped."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from labels.model import Role
from sr.imagery.scene_errors import NoGeoreferenceError, NotARasterError, SceneError
from tests.conftest import write_raster
from ui.auth import Identity
from ui.scene_choice import (
    NOT_ALLOWED,
    NotPermittedError,
    SceneNotAllowedError,
    open_by_path,
    open_ref,
    person_upload_dir,
    save_upload,
    scene_ref,
)
from ui.settings import SAMPLE_REF, SAMPLE_SCENE

GITA = Identity("Gita", Role.COORDINATOR)
SITA = Identity("Sita", Role.VOLUNTEER)


@pytest.fixture(autouse=True)
def _folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path / "data"))
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    monkeypatch.setenv("SHARPFIELDS_SCENE_DIRS", str(scenes))
    return scenes


def test_upload_of_a_valid_scene_is_kept_once(s2_like: Path) -> None:
    scene = save_upload("My Scene.tif", s2_like.read_bytes(), GITA)
    assert scene.count == 4 and scene.path.parent == person_upload_dir(GITA)
    again = save_upload("My Scene.tif", s2_like.read_bytes(), GITA)
    assert again.path == scene.path
    assert len(list(person_upload_dir(GITA).iterdir())) == 1
    # The page address names it by reference, and the reference opens it again.
    ref = scene_ref(scene)
    assert ref.startswith("uploads:") and str(scene.path.parent) not in ref
    assert open_ref(ref).path == scene.path


def test_only_coordinators_upload_or_open_server_paths(s2_like: Path) -> None:
    with pytest.raises(NotPermittedError):
        save_upload("x.tif", s2_like.read_bytes(), SITA)
    with pytest.raises(NotPermittedError):
        open_by_path(str(s2_like), SITA)
    assert not person_upload_dir(SITA).exists()


def test_upload_size_limit_and_quota(s2_like: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = s2_like.read_bytes()
    monkeypatch.setenv("SHARPFIELDS_MAX_UPLOAD_MB", "1")
    with pytest.raises(SceneError, match="larger than 1 MB"):
        save_upload("big.tif", data + b"\0" * 2**20, GITA)
    monkeypatch.setenv("SHARPFIELDS_UPLOAD_QUOTA_MB", "1")
    first = save_upload("one.tif", data, GITA)
    copies = 2**20 // len(data) + 1
    with pytest.raises(SceneError, match="quota of 1 MB"):
        for i in range(copies):  # different bytes each time, so new files
            save_upload(f"c{i}.tif", data + bytes([i]) * 16, GITA)
    assert first.path.exists()
    used = sum(p.stat().st_size for p in person_upload_dir(GITA).iterdir())
    assert used <= 2**20


def test_upload_without_georeference_is_explained_by_name_and_not_kept(tmp_path: Path) -> None:
    raw = write_raster(tmp_path / "raw.tif", np.ones((3, 8, 8), np.uint8), crs=None)
    with pytest.raises(NoGeoreferenceError, match=r"field_photo\.tif"):
        save_upload("field_photo.tif", raw.read_bytes(), GITA)
    assert list(person_upload_dir(GITA).iterdir()) == []


def test_upload_of_garbage_is_refused() -> None:
    with pytest.raises(NotARasterError, match=r"notes\.tif"):
        save_upload("notes.tif", b"not an image at all", GITA)


def test_server_paths_open_inside_the_scene_folders_only(
    _folders: Path, tmp_path: Path, s2_like: Path
) -> None:
    inside = _folders / "T45RUL.tif"
    inside.write_bytes(s2_like.read_bytes())
    assert open_by_path(' "T45RUL.tif" ', GITA).count == 4  # relative to the folder
    assert open_by_path(str(inside), GITA).count == 4  # or absolute
    with pytest.raises(SceneError, match="Type the path"):
        open_by_path("   ", GITA)
    outside = tmp_path / "outside.tif"
    outside.write_bytes(s2_like.read_bytes())
    (_folders / "link.tif").symlink_to(outside)
    refused = [
        str(outside),
        "../outside.tif",
        "link.tif",
        "/nowhere/scene.tif",
        "/etc/passwd",
        "/vsicurl/http://127.0.0.1:9/x.tif",
        str(s2_like),
    ]
    for text in refused:
        with pytest.raises(SceneNotAllowedError) as caught:
            open_by_path(text, GITA)
        assert str(caught.value) == NOT_ALLOWED  # one message, no server path


def test_scene_references_cannot_leave_their_folder(_folders: Path, s2_like: Path) -> None:
    assert open_ref(SAMPLE_REF).path == SAMPLE_SCENE.resolve()
    (_folders / "ok.tif").write_bytes(s2_like.read_bytes())
    assert open_ref("server1:ok.tif").count == 4
    for ref in [
        "samples:../README.md",
        "samples:../../etc/passwd",
        f"server1:{os.path.relpath('/etc/passwd', _folders)}",
        "server1:/etc/passwd",
        str(s2_like),
        "nowhere:x.tif",
        "samples:",
        "samples:README.md",
    ]:
        with pytest.raises(SceneError):
            open_ref(ref)


def test_upload_names_are_reduced_to_safe_characters(s2_like: Path) -> None:
    scene = save_upload('<img src=x onerror="alert(1)">.tif', s2_like.read_bytes(), GITA)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+\.tif", scene.path.name)
