"""The label store on SQLite and on PostGIS: versions, history, optimistic concurrency, roles,
snapshots, failures (labels.store and its backends)."""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

import pytest
from shapely.geometry import mapping

from labels.base_store import BaseLabelStore, LabelFilter, LabelStore, safe_name
from labels.errors import (
    NotFoundError,
    PermissionDeniedError,
    StaleEditError,
    StoreError,
    StoreFullError,
    TransitionError,
    ValidationError,
)
from labels.model import Role, Status, View
from labels.store import open_store
from sr import fsutil
from tests.labels.conftest import FOOTPRINT, SCENE, make_label, open_test_store, square


def test_missing_store_path_is_created_and_is_a_label_store(tmp_path: Path) -> None:
    s = open_store(tmp_path / "a" / "b" / "store")
    assert (tmp_path / "a" / "b" / "store" / "labels.sqlite").is_file()
    assert isinstance(s, LabelStore)
    assert s.connection().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_path_that_is_a_file_or_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is a file; the label store must be a folder"):
        open_store(tmp_path / "file")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "labels.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="cannot be used: file is not a database"):
        open_store(tmp_path / "junk")


def test_save_fills_measures_timestamps_version(store: BaseLabelStore) -> None:
    label = make_label(
        square(side_m=100.0), view=View.ENHANCED, enhancement="esrgan-x4", model_version="v1.2"
    )
    result = store.save(label, actor="ram", role=Role.VOLUNTEER)
    saved = result.label
    assert result.warnings == []
    assert saved.version == 1 and saved.updated_by == "ram"
    assert saved.area_ha == pytest.approx(1.0, rel=0.005)
    assert saved.perimeter_m == pytest.approx(400.0, rel=0.005)
    assert saved.created_at == saved.updated_at and saved.created_at.endswith("Z")
    again = store.get(label.id)
    assert again == saved  # geometry exact through WKB
    assert (again.view, again.enhancement, again.model_version) == ("enhanced", "esrgan-x4", "v1.2")


def test_every_change_is_a_version_with_who_and_when(store: BaseLabelStore) -> None:
    v1 = store.save(make_label(), actor="ram", role="volunteer").label
    v2 = store.save(v1.replace(crop="wheat", status="submitted"), actor="ram", role="volunteer")
    v3 = store.review(
        v1.id, actor="sita", decision="rejected", comment="this is a road", expected_version=2
    )
    assert (v3.label.status, v3.label.reviewer, v3.label.version) == ("rejected", "sita", 3)
    history = store.history(v1.id)
    assert [
        (h.op, h.actor, h.role, h.label.version, h.label.crop, h.label.status) for h in history
    ] == [
        ("create", "ram", "volunteer", 1, "rice", "draft"),
        ("update", "ram", "volunteer", 2, "wheat", "submitted"),
        ("review", "sita", "reviewer", 3, "wheat", "rejected"),
    ]
    assert history[1].label == v2.label
    assert history[0].label.created_at == v3.label.created_at
    assert store.check() == []


def test_stale_edit_is_refused_with_a_clear_message(store: BaseLabelStore) -> None:
    v1 = store.save(make_label(), actor="ram", role="volunteer").label
    store.save(v1.replace(crop="wheat"), actor="sita", role="reviewer")
    with pytest.raises(StaleEditError) as info:
        store.save(v1.replace(crop="maize"), actor="ram", role="volunteer")
    assert str(info.value) == (
        f"label {v1.id} was changed by sita since you opened it: you edited version 1, the "
        "store holds version 2; reload it and apply your change again"
    )
    assert store.get(v1.id).crop == "wheat"
    with pytest.raises(StaleEditError, match="already exists"):
        store.save(make_label(id=v1.id), actor="ram", role="volunteer")
    with pytest.raises(StaleEditError, match="does not exist"):
        store.save(make_label(version=4), actor="ram", role="volunteer")


def test_volunteer_rights_are_enforced_by_the_store(store: BaseLabelStore) -> None:
    v1 = store.save(make_label(), actor="ram", role="volunteer").label
    with pytest.raises(PermissionDeniedError):
        store.save(v1.replace(crop="wheat"), actor="hari", role="volunteer")
    with pytest.raises(PermissionDeniedError):
        store.save(v1.replace(status="accepted"), actor="ram", role="volunteer")
    with pytest.raises(TransitionError):
        store.review(v1.id, actor="sita", decision="accepted", expected_version=1)
    v2 = store.save(v1.replace(status="submitted"), actor="ram", role="volunteer").label
    v3 = store.review(
        v1.id, actor="sita", decision=Status.REJECTED, comment="no", expected_version=v2.version
    ).label
    # the volunteer fixes and resubmits; the reviewer's fields stay as the reviewer left them
    v4 = store.save(
        v3.replace(status="submitted", reviewer="ram", review_comment="ok now"),
        actor="ram",
        role="volunteer",
    ).label
    assert (v4.reviewer, v4.review_comment, v4.status) == ("sita", "no", "submitted")
    assert store.history(v1.id)[-1].label.version == 4


def test_validation_errors_block_warnings_pass(store: BaseLabelStore) -> None:
    with pytest.raises(ValidationError) as info:
        store.save(make_label(square(side_m=10.0), crop="banana"), actor="ram", role="volunteer")
    codes = [f.code for f in info.value.findings]
    assert codes == ["unknown-crop", "too-small"]
    assert str(info.value).startswith("label ") and "not saved, 2 error(s): crop 'banana'" in str(
        info.value
    )
    with pytest.raises(ValidationError, match="lies entirely outside the scene footprint"):
        store.save(make_label(square(lon=86.5)), actor="ram", role="volunteer")
    assert store.count() == 0
    first = store.save(make_label(), actor="ram", role="volunteer").label
    second = store.save(make_label(annotator="hari"), actor="hari", role="volunteer")  # same place
    assert [w.code for w in second.warnings] == ["overlap"]
    assert first.id in second.warnings[0].message


def test_geojson_dict_geometry_is_accepted(store: BaseLabelStore) -> None:
    label = make_label(geometry=mapping(square()))  # what a map draw tool sends
    label = make_label().replace(geometry=json.loads(json.dumps(label.geometry)))
    saved = store.save(label, actor="ram", role="volunteer").label
    assert saved.area_ha == pytest.approx(1.0, rel=0.005)
    bad = make_label().replace(geometry={"type": "Point", "coordinates": [85.3, 27.7]})
    with pytest.raises(ValidationError, match="geometry type 'Point' is not supported"):
        store.save(bad, actor="ram", role="volunteer")


def test_delete_keeps_history_and_hides_label(store: BaseLabelStore) -> None:
    v1 = store.save(make_label(), actor="ram", role="volunteer").label
    store.delete(v1.id, actor="ram", role="volunteer", expected_version=1)
    assert store.count() == 0 and store.count(LabelFilter(include_deleted=True)) == 1
    assert [h.op for h in store.history(v1.id)] == ["create", "delete"]
    with pytest.raises(NotFoundError, match="was deleted by ram"):
        store.save(store.get(v1.id), actor="ram", role="volunteer")
    with pytest.raises(NotFoundError, match="no label with id nope"):
        store.get("nope")


def test_labels_near_are_the_neighbours_whole_in_one_query(store: BaseLabelStore) -> None:
    def saved(lon: float, lat: float, scene: str = SCENE, **kw: object) -> str:
        label = make_label(square(lon, lat), scene_id=scene, **kw)
        return store.save(label, actor="ram", role=Role.VOLUNTEER).label.id

    store.register_scene("other", FOOTPRINT)
    here = square(85.3, 27.7)
    beside = saved(85.301, 27.7, crop="wheat")  # its box touches here's box
    gone = saved(85.3, 27.701)
    store.delete(gone, actor="ram", role=Role.VOLUNTEER, expected_version=1)
    saved(85.3, 27.7, scene="other")  # the same place on another scene
    saved(85.4, 27.8)  # far away
    near = store.labels_near(here, SCENE)
    assert [lab.id for lab in near] == [i for i, _ in store.neighbours(here, SCENE)] == [beside]
    assert near[0] == store.get(beside)  # every column, as get reads it
    assert near[0].crop == "wheat"


def test_query_filters(store: BaseLabelStore) -> None:
    a = store.save(make_label(crop="rice"), actor="ram", role="volunteer").label
    b = store.save(
        make_label(square(85.31), crop="wheat", annotator="hari"), actor="hari", role="volunteer"
    ).label
    store.save(b.replace(status="submitted"), actor="hari", role="volunteer")

    def ids(**kw) -> list[str]:
        return [x.id for x in store.query(LabelFilter(**kw))]

    assert ids() == [a.id, b.id]
    assert ids(crop="wheat") == [b.id]
    assert ids(status=["submitted", "accepted"]) == [b.id]
    assert ids(annotator="ram", scene_id=SCENE) == [a.id]
    assert ids(scene_id="other") == []
    assert ids(since=a.updated_at, until=a.updated_at) == [a.id]
    assert ids(since="2999-01-01") == []


def test_counts_and_distinct_values_come_from_the_database(store: BaseLabelStore) -> None:
    rice = store.save(make_label(crop="rice"), actor="ram", role="volunteer").label
    store.save(
        make_label(square(85.31), crop="rice", annotator="hari"), actor="hari", role="volunteer"
    )
    wheat = store.save(
        make_label(square(85.32), crop="wheat", annotator="hari", status="submitted"),
        actor="hari",
        role="volunteer",
    ).label
    store.delete(rice.id, actor="ram", role="volunteer", expected_version=1)
    assert store.count_by("crop") == {"rice": 1, "wheat": 1}  # the deleted one not counted
    assert store.count_by("status", LabelFilter(annotator="hari")) == {"draft": 1, "submitted": 1}
    assert store.count_by("crop", LabelFilter(include_deleted=True)) == {"rice": 2, "wheat": 1}
    assert store.distinct("annotator") == ["hari"]
    assert store.distinct("scene_id", LabelFilter(crop="wheat")) == [SCENE]
    assert store.distinct("crop", LabelFilter(scene_id="other")) == []
    with pytest.raises(ValueError, match="not 'geometry'"):
        store.count_by("geometry")
    before = store.version_count()
    store.save(wheat.replace(crop="maize"), actor="hari", role="volunteer")
    assert store.version_count() == before + 1  # the revision caches compare


def test_snapshot_is_geojson_of_the_scene_and_atomic(store: BaseLabelStore) -> None:
    label = store.save(make_label(), actor="ram", role="volunteer").label
    path = store.snapshot_path(SCENE)
    assert not path.exists()  # off the save path: written later, or on demand
    assert store.flush_snapshots() == []
    doc = json.loads(path.read_text())
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert [f["id"] for f in doc["features"]] == [label.id]
    assert doc["features"][0]["properties"]["crop:name"] == "rice"
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert safe_name("a/b c") != safe_name("a_b_c") and "/" not in safe_name("a/b c")


@pytest.mark.parametrize("in_process", [True, False], ids=["thread", "child-process"])
def test_snapshot_is_written_in_the_background(
    store_target: str, tmp_path: Path, in_process: bool
) -> None:
    store = open_test_store(
        store_target, tmp_path, snapshot_delay_s=0.05, snapshot_process=not in_process
    )
    store.register_scene(SCENE, FOOTPRINT)
    saved = [
        store.save(make_label(square(85.3 + 0.01 * i)), actor="ram", role="volunteer").label
        for i in range(3)
    ]
    path = store.snapshot_path(SCENE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if path.exists() and len(json.loads(path.read_text())["features"]) == 3:
            break
        time.sleep(0.05)
    assert [f["id"] for f in json.loads(path.read_text())["features"]] == [s.id for s in saved]
    store.close()


def test_disk_full_in_database_leaves_previous_state(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    store.register_scene(SCENE, FOOTPRINT)
    v1 = store.save(make_label(), actor="ram", role="volunteer").label
    conn = store.connection()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    big = make_label(square(85.4)).replace(review_comment="x" * 200_000)
    with pytest.raises(StoreFullError, match="is full; the change was not saved and the previous"):
        store.save(big, actor="ram", role="volunteer")
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.count() == 1 and store.get(v1.id) == v1
    assert store.check() == []
    store.save(v1.replace(crop="wheat"), actor="ram", role="volunteer")  # works again


def test_disk_full_while_writing_snapshot(store: BaseLabelStore, monkeypatch) -> None:
    v1 = store.save(make_label(), actor="ram", role="volunteer").label
    store.flush_snapshots()
    before = store.snapshot_path(SCENE).read_text()

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    result = store.save(v1.replace(crop="wheat"), actor="ram", role="volunteer")
    assert result.label.version == 2 and result.warnings == []  # the database has it
    monkeypatch.setattr(fsutil.os, "fsync", no_space)
    (w,) = store.flush_snapshots()
    monkeypatch.undo()
    assert w.code == "snapshot-not-written" and "no space left on the disk" in w.message
    assert store.snapshot_path(SCENE).read_text() == before  # old snapshot intact
    assert not [p for p in store.snapshot_dir.iterdir() if p.name.endswith(".tmp")]
    store.write_snapshot(SCENE)  # caught up once space is back
    assert "wheat" in store.snapshot_path(SCENE).read_text()


def test_save_many_is_all_or_nothing(store: BaseLabelStore) -> None:
    good = [make_label(square(85.3 + 0.01 * i)) for i in range(3)]
    bad = make_label(square(side_m=5.0))
    with pytest.raises(ValidationError, match=f"label {bad.id}: area"):
        store.save_many([*good, bad], actor="admin", role=Role.COORDINATOR)
    assert store.count() == 0
    results = store.save_many(good, actor="admin", role=Role.COORDINATOR)
    assert [r.label.version for r in results] == [1, 1, 1] and store.count() == 3
