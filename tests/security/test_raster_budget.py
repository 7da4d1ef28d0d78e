"""Attacks on the server's time: small files that declare huge work (a sparse 95 GiB scene,
100,000 overviews), refused before any work, and one scene's preparation never holding up
the others. Times are measured in bench/bench_hostile_rasters.py, not asserted here."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from labels.model import Role
from sr.imagery.scene import Scene, open_scene
from sr.imagery.scene_errors import NotARasterError
from tests.conftest import write_raster
from tests.security.hostile_rasters import many_images, sparse_giant
from ui import registry as registry_module
from ui.auth import Identity
from ui.registry import SceneRegistry

GITA = Identity("Gita", Role.COORDINATOR)


def test_a_sparse_file_declaring_95_gib_of_pixels_is_refused_before_any_work(
    tmp_path: Path,
) -> None:
    path = sparse_giant(tmp_path / "sparse.tif")
    assert path.stat().st_size < 200_000
    with pytest.raises(NotARasterError, match=r"would read 95\.4 GiB of pixels"):
        open_scene(path)


def test_an_upload_of_the_sparse_file_is_refused_and_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.scene_choice import person_upload_dir, save_upload

    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path / "data"))
    data = sparse_giant(tmp_path / "sparse.tif").read_bytes()
    with pytest.raises(NotARasterError, match="no overviews"):
        save_upload("sparse.tif", data, GITA)
    folder = person_upload_dir(GITA)
    assert not folder.exists() or not any(folder.iterdir())


def test_a_file_with_100000_overviews_is_refused_before_gdal_reads_them(tmp_path: Path) -> None:
    from sr.imagery.raster_guard import count_images

    path = many_images(tmp_path / "many.tif")
    assert count_images(path, 64) == 65  # the walk stops after the limit
    with pytest.raises(NotARasterError, match="more than 64 images"):
        open_scene(path)


def test_a_loop_in_the_directory_chain_is_refused(tmp_path: Path) -> None:
    import struct

    path = many_images(tmp_path / "loop.tif", extra=1)
    data = bytearray(path.read_bytes())
    first = struct.unpack_from("<I", data, 4)[0]
    struct.pack_into("<I", data, len(data) - 4, first)  # the last image points at the first
    path.write_bytes(bytes(data))
    with pytest.raises(NotARasterError, match="more than 64 images"):
        open_scene(path)


def test_ordinary_scenes_are_within_the_budget(tmp_path: Path) -> None:
    # A 3000 × 3000 four-band uint16 scene without overviews (72 MB of pixels): a reduced
    # copy is made for it, as before.
    array = np.zeros((4, 3000, 3000), dtype=np.uint16)
    scene = open_scene(write_raster(tmp_path / "big.tif", array))
    served = SceneRegistry(tmp_path / "cache").register(scene)
    assert len(served.pyramid.levels) > 1


def test_preparing_one_scene_does_not_hold_up_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_scene: Scene
) -> None:
    slow = open_scene(write_raster(tmp_path / "slow.tif", np.ones((3, 32, 32), np.uint8)))
    release = threading.Event()
    started = threading.Event()
    real_pyramid = registry_module.Pyramid

    def pyramid(scene: Scene, cache_dir: Path) -> object:
        if scene.scene_id == slow.scene_id:  # a slow preparation (a big reduced copy)
            started.set()
            assert release.wait(120)
        return real_pyramid(scene, cache_dir)

    monkeypatch.setattr(registry_module, "Pyramid", pyramid)
    registry = SceneRegistry(tmp_path / "cache")
    first = threading.Thread(target=registry.register, args=(slow,))
    first.start()
    assert started.wait(60)
    other = threading.Thread(target=registry.register, args=(sample_scene,))
    other.start()
    other.join(60)
    alive = other.is_alive()
    release.set()
    first.join(60)
    other.join(60)
    assert not alive, "the second scene waited for the first one's preparation"
    assert registry.get(slow.scene_id) and registry.get(sample_scene.scene_id)


def test_a_scene_folder_cannot_be_probed_through_references(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.scene_choice import SceneNotAllowedError, open_ref

    folder = tmp_path / "scenes"
    folder.mkdir()
    (folder / "notes.txt").write_text("not an image")
    sparse_giant(folder / "giant.tif")
    monkeypatch.setenv("SHARPFIELDS_SCENE_DIRS", str(folder))
    messages = set()
    for name in ("notes.txt", "giant.tif", "missing.tif", "../outside.tif"):
        with pytest.raises(SceneNotAllowedError) as refused:
            open_ref(f"server1:{name}")
        messages.add(str(refused.value))
    assert len(messages) == 1  # existing, damaged, too heavy and missing files read the same
