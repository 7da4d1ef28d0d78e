"""``python -m labels``: export, validate, import, stats; exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

from labels.__main__ import main
from labels.errors import StaleEditError
from labels.store import open_store
from labels.transfer import fingerprint
from tests.labels.conftest import FOOTPRINT, SCENE, make_label, open_test_store, square

ROOT = Path(__file__).resolve().parents[2]


def feature_collection(path: Path, *geoms, **props) -> Path:
    features = [
        {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(g),
            "properties": {"crop:name": "rice", "scene_id": SCENE, **props},
        }
        for g in geoms
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_import_stats_export_validate(store_target: str, tmp_path: Path, capsys) -> None:
    src = feature_collection(tmp_path / "in.geojson", square(), square(85.31), status="accepted")
    store = store_target.replace("/store", "/new/store")  # a folder is created when missing
    assert (
        main(["import", str(store), str(src), "--annotator", "ram", "--as-reviewed-by", "uma"]) == 0
    )
    assert "imported 2 of 2 feature(s)" in capsys.readouterr().out
    assert main(["stats", str(store), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["total"]["count"] == 2 and abs(stats["total"]["hectares"] - 2.0) < 0.01
    out = tmp_path / "out.gpkg"
    assert (
        main(
            [
                "export",
                str(store),
                str(out),
                "--status",
                "accepted",
                "--crop",
                "rice",
                "--scene",
                SCENE,
                "--annotator",
                "ram",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == f"exported 2 label(s) to {out}"
    assert main(["validate", str(out)]) == 0
    assert main(["export", str(store), str(tmp_path / "o.geojson"), "--crop", "wheat"]) == 0
    assert "exported 0 label(s)" in capsys.readouterr().out


def test_validate_exit_status_and_messages(tmp_path: Path, capsys) -> None:
    bad = feature_collection(tmp_path / "bad.geojson", square(side_m=10.0))
    assert main(["validate", str(bad)]) == 1
    assert "error: feature 0 (id " in capsys.readouterr().out
    broken = tmp_path / "broken.geojson"
    broken.write_text("{")
    assert main(["validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not valid JSON at line 1, column 2" in err
    assert "Traceback" not in err


def test_module_runs_as_a_command(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "labels", "validate", str(tmp_path / "missing.geojson")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.strip() == f"error: {tmp_path / 'missing.geojson'}: no such file"


def test_migrate_sqlite_to_postgis_and_back(postgis_url: str, tmp_path: Path, capsys) -> None:
    sqlite_dir = tmp_path / "a"
    store = open_store(sqlite_dir)
    store.register_scene(SCENE, FOOTPRINT)
    v1 = store.save(make_label(), actor="ram", role="volunteer").label
    v2 = store.save(v1.replace(status="submitted"), actor="ram", role="volunteer").label
    store.review(v1.id, actor="sita", decision="rejected", comment="a road", expected_version=2)
    gone = store.save(make_label(square(85.31)), actor="ram", role="volunteer").label
    store.delete(gone.id, actor="ram", role="volunteer", expected_version=1)
    before = fingerprint(store)
    assert (before.scenes, before.labels, before.versions) == (1, 2, 5)

    assert main(["migrate", str(sqlite_dir), postgis_url]) == 0
    out = capsys.readouterr().out
    assert f"copied {before.line()}" in out and "counts and checksum verified" in out
    pg = open_store(postgis_url, snapshots=False)
    assert fingerprint(pg) == before
    assert [h.op for h in pg.history(v1.id)] == ["create", "update", "review"]
    assert pg.get(v1.id).review_comment == "a road" and pg.get(gone.id).deleted
    with pytest.raises(StaleEditError):  # optimistic versions carried over
        pg.save(v2.replace(crop="wheat"), actor="ram", role="volunteer")
    pg.save(make_label(square(85.32)), actor="ram", role="volunteer")  # and it takes new ones

    assert main(["migrate", postgis_url, str(tmp_path / "b")]) == 0  # back to SQLite
    assert fingerprint(open_store(tmp_path / "b")) == fingerprint(pg)
    assert main(["migrate", postgis_url, str(sqlite_dir)]) == 2  # never into a used store
    assert "is not empty; copy only into an empty label store" in capsys.readouterr().err


def test_unreachable_database_is_a_clear_error(capsys) -> None:
    url = "postgresql://someone:secret@127.0.0.1:9/labels"
    assert main(["stats", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach the label database someone@127.0.0.1:9/labels")
    assert "secret" not in err and "Traceback" not in err


def test_snapshot_command_writes_every_scene(store_target: str, tmp_path: Path, capsys) -> None:
    store = open_test_store(store_target, tmp_path, snapshots=False)
    store.register_scene(SCENE, FOOTPRINT)
    saved = store.save(make_label(), actor="ram", role="volunteer").label
    into = tmp_path / "for-qgis"
    assert main(["snapshot", store_target, "--into", str(into)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {into / (SCENE + '.geojson')}"
    doc = json.loads((into / f"{SCENE}.geojson").read_text())
    assert [f["id"] for f in doc["features"]] == [saved.id]
    if store_target.startswith("postgresql://"):
        assert main(["snapshot", store_target]) == 2  # a database has no folder of its own
        assert "has no folder for GeoJSON snapshots; give one" in capsys.readouterr().err
