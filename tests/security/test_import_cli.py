"""Hostile label files through the real ``python -m labels import``: one line, no traceback.

Each case writes the file to tmp_path, runs the CLI in a fresh process and checks the exact
refusal, the exit status and that the store holds nothing new.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from labels.model import Status
from labels.store import open_store
from sr.imagery.scene import Scene
from tests.security.conftest import feature, one_field, run_cli, write_features


def _nothing_stored(store_dir: Path) -> bool:
    return open_store(store_dir).count() == 0


@pytest.mark.parametrize(
    ("bad", "shown"), [(float("nan"), "nan"), (float("inf"), "inf"), (float("-inf"), "-inf")]
)
def test_non_finite_coordinates_are_named_per_feature(
    store_dir: Path, sample_scene: Scene, tmp_path: Path, bad: float, shown: str
) -> None:
    geometry = one_field(sample_scene)
    ring = [list(p) for p in geometry["coordinates"][0]]
    ring[0][0] = ring[-1][0] = bad  # the closing position too: once a GEOS traceback
    src = write_features(
        tmp_path / "nan.geojson",
        feature(
            {"type": "Polygon", "coordinates": [ring]}, id="f7", scene_id=sample_scene.scene_id
        ),
    )
    assert "NaN" in src.read_text() or "Infinity" in src.read_text()  # as JavaScript writes them
    done = run_cli("import", store_dir, src, "--annotator", "ana")
    assert done.returncode == 1 and done.stderr == ""
    assert done.stdout.splitlines()[0] == (
        f"error: feature 0 (id f7): ring 0, position 0: [{shown}, {ring[0][1]}] is not a place; "
        "coordinates must be finite numbers (not NaN or Infinity)"
    )
    assert _nothing_stored(store_dir)


def test_deeply_nested_json_is_one_line(store_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "deep.geojson"
    src.write_text(
        '{"type": "FeatureCollection", "features": ' + "[" * 100_000 + "]" * 100_000 + "}"
    )
    done = run_cli("import", store_dir, src, "--annotator", "ana")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [
        f"error: {src}: JSON nested more than 32 levels deep (GeoJSON needs 7), so this is not "
        "a label file"
    ]
    assert _nothing_stored(store_dir)


def test_a_file_over_the_size_limit_is_not_read(
    store_dir: Path, sample_scene: Scene, tmp_path: Path
) -> None:
    src = write_features(
        tmp_path / "big.geojson",
        *[feature(one_field(sample_scene), scene_id=sample_scene.scene_id, note="x" * 500)] * 10,
    )
    size = src.stat().st_size
    done = run_cli(
        "import", store_dir, src, "--annotator", "ana", env={"SHARPFIELDS_MAX_IMPORT_MB": "0.002"}
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [
        f"error: {src}: {size:,} bytes is larger than the 2,000 bytes a label file may have; "
        "split it "
        "(or raise SHARPFIELDS_MAX_IMPORT_MB)"
    ]
    assert _nothing_stored(store_dir)


def _gpkg_without_tables(path: Path) -> None:
    sqlite3.connect(path).execute("CREATE TABLE x (a)").connection.close()


MALFORMED = {
    "empty.geojson": (b"", "not valid JSON at line 1, column 1: Expecting value"),
    "binary.geojson": (bytes(range(256)), "not UTF-8 text (byte 128); is it GeoJSON?"),
    "array.geojson": (b"[]", "the top level is not a JSON object (GeoJSON needs one)"),
    "features.geojson": (
        b'{"type": "FeatureCollection", "features": {}}',
        "'features' is missing or not a list",
    ),
    "digits.geojson": (
        b'{"type": "FeatureCollection", "features": [' + b"9" * 5000 + b"]}",
        "a number in it has thousands of digits; not GeoJSON",
    ),
    "crs.geojson": (
        b'{"type": "FeatureCollection", "crs": {"properties": [1]}, "features": []}',
        "the file declares the CRS {'properties': [1]}; GeoJSON (RFC 7946) must be in WGS 84 "
        "lon/lat. Reproject it (e.g. ogr2ogr -t_srs EPSG:4326) or use a GeoPackage.",
    ),
    "random.gpkg": (bytes(range(256)) * 8, "cannot be read as a GeoPackage: "),
    "tables.gpkg": (None, "cannot be read as a GeoPackage: At least one of the required"),
    "fifo.geojson": (None, "not a regular file; give a .geojson or .gpkg file"),
    "folder.geojson": (None, "not a regular file; give a .geojson or .gpkg file"),
    "notes.txt": (b"hello", "unknown file type '.txt'; use .geojson or .gpkg"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_any_malformed_file_is_one_line_and_status_2(
    store_dir: Path, tmp_path: Path, name: str
) -> None:
    content, message = MALFORMED[name]
    src = tmp_path / name
    if content is not None:
        src.write_bytes(content)
    elif name == "fifo.geojson":
        os.mkfifo(src)
    elif name == "folder.geojson":
        src.mkdir()
    else:
        _gpkg_without_tables(src)
    done = run_cli("import", store_dir, src, "--annotator", "ana")
    assert (done.returncode, done.stdout) == (2, "")
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: {src}: {message}")
    assert _nothing_stored(store_dir)


def test_hostile_property_values_are_refused_per_feature(
    store_dir: Path, sample_scene: Scene, tmp_path: Path
) -> None:
    props = {"scene_id": sample_scene.scene_id, "status": ["accepted"], "annotator": {"x": 1}}
    src = write_features(
        tmp_path / "props.geojson", feature(one_field(sample_scene), id="p", **props)
    )
    done = run_cli("import", store_dir, src, "--annotator", "ana")
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines()[:2] == [
        "error: feature 0 (id p): annotator {'x': 1} is not text",
        "error: feature 0 (id p): status ['accepted'] is not text",
    ]
    assert _nothing_stored(store_dir)


def test_a_file_cannot_accept_its_own_fields(
    store_dir: Path, sample_scene: Scene, tmp_path: Path
) -> None:
    src = write_features(
        tmp_path / "accepted.geojson",
        feature(
            one_field(sample_scene),
            id="a1",
            scene_id=sample_scene.scene_id,
            annotator="ram",
            status="accepted",
            reviewer="The Boss",
            review_comment="looks great",
        ),
    )
    done = run_cli("import", store_dir, src, "--annotator", "ana")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "note: 1 feature(s) marked accepted or rejected in the file were imported as submitted"
        in done.stdout
    )
    label = open_store(store_dir).get("a1")
    assert (label.status, label.reviewer, label.review_comment) == (Status.SUBMITTED, None, None)
    # explicitly vouched for: kept, under the voucher's name (not the file's)
    other = tmp_path / "other"
    done = run_cli("import", other, src, "--annotator", "ana", "--as-reviewed-by", "Uma")
    assert done.returncode == 0, done.stdout + done.stderr
    label = open_store(other).get("a1")
    assert (label.status, label.reviewer, label.review_comment) == (
        Status.ACCEPTED,
        "Uma",
        "looks great",
    )


def test_a_blank_reviewer_name_is_refused(store_dir: Path, tmp_path: Path) -> None:
    done = run_cli(
        "import", store_dir, tmp_path / "x.geojson", "--annotator", "ana", "--as-reviewed-by", " "
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == "python -m labels: error: --as-reviewed-by needs a name"
