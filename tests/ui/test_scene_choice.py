"""Choosing a scene by path or upload: valid files are kept, bad ones explained and dropped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sr.scene import NoGeoreferenceError, NotARasterError, SceneError
from tests.conftest import write_raster
from ui.scene_choice import open_by_path, save_upload


def test_upload_of_a_valid_scene_is_kept_once(tmp_path: Path, s2_like: Path) -> None:
    folder = tmp_path / "uploads"
    scene = save_upload("My Scene.tif", s2_like.read_bytes(), folder)
    assert scene.count == 4 and scene.path.parent == folder
    again = save_upload("My Scene.tif", s2_like.read_bytes(), folder)
    assert again.path == scene.path
    assert len(list(folder.iterdir())) == 1


def test_upload_without_georeference_is_explained_by_name_and_not_kept(tmp_path: Path) -> None:
    raw = write_raster(tmp_path / "raw.tif", np.ones((3, 8, 8), np.uint8), crs=None)
    folder = tmp_path / "uploads"
    with pytest.raises(NoGeoreferenceError, match=r"field_photo\.tif"):
        save_upload("field_photo.tif", raw.read_bytes(), folder)
    assert list(folder.iterdir()) == []


def test_upload_of_garbage_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotARasterError, match=r"notes\.tif"):
        save_upload("notes.tif", b"not an image at all", tmp_path)


def test_open_by_path_strips_quotes_and_reports_missing_files(s2_like: Path) -> None:
    assert open_by_path(f' "{s2_like}" ').count == 4
    with pytest.raises(SceneError, match="Type the path"):
        open_by_path("   ")
    with pytest.raises(NotARasterError, match="No file"):
        open_by_path("/nowhere/scene.tif")
