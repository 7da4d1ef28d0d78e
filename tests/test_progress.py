"""Commands that can take more than a few seconds show a tqdm bar on stderr, and none with
--quiet (sr.progress_bar; labels export / import / snapshot on a terminal, sr enhance)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from labels.__main__ import main as labels_main
from labels.model import Role
from labels.store import open_store
from sr.cli import main as sr_main
from tests.conftest import write_raster
from tests.labels.conftest import FOOTPRINT, SCENE, make_label, square


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    store = open_store(tmp_path / "store", snapshots=False)
    store.register_scene(SCENE, FOOTPRINT)
    labels = [make_label(square(85.3 + i * 0.01)) for i in range(3)]
    store.save_many(labels, actor="admin", role=Role.COORDINATOR)
    return tmp_path / "store"


def test_labels_commands_show_progress_on_a_terminal(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    out = tmp_path / "quiet.parquet"
    assert labels_main(["export", str(store_dir), str(out)]) == 0
    assert capsys.readouterr().err == ""  # not a terminal: stderr stays for errors
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    out = tmp_path / "all.parquet"
    assert labels_main(["export", str(store_dir), str(out)]) == 0
    captured = capsys.readouterr()
    assert "exported 3 label(s)" in captured.out and "/3 [" in captured.err  # the bar
    assert labels_main(["export", str(store_dir), str(out), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    other = open_store(tmp_path / "other", snapshots=False)
    other.register_scene(SCENE, FOOTPRINT)
    assert labels_main(["import", str(tmp_path / "other"), str(out), "--annotator", "a"]) == 0
    captured = capsys.readouterr()
    assert "saved" in captured.err and "imported 3 of 3" in captured.out
    assert labels_main(["snapshot", str(store_dir)]) == 0
    captured = capsys.readouterr()
    assert "scene" in captured.err and captured.out.startswith("wrote ")


def test_enhance_shows_the_enhancers_tiles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pixels = np.random.default_rng(1).integers(100, 3000, size=(4, 40, 40)).astype("uint16")
    src = write_raster(tmp_path / "in.tif", pixels)
    assert sr_main(["enhance", str(src), str(tmp_path / "out.tif"), "--method", "enhancer"]) == 0
    err = capsys.readouterr().err
    assert "enhancer tiles" in err and "/1 [" in err
