"""``python -m labels``: export, validate, import, stats; exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import shapely

from labels.__main__ import main
from tests.labels.conftest import SCENE, square

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


def test_import_stats_export_validate(tmp_path: Path, capsys) -> None:
    src = feature_collection(tmp_path / "in.geojson", square(), square(85.31), status="accepted")
    store = tmp_path / "new" / "store"
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
