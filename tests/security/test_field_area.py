"""A 'field' covering a whole scene is refused, by the app and by the import; nothing is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import mapping

from labels.errors import ValidationError
from labels.model import Label, Role, Status
from labels.sqlite_store import SQLiteLabelStore
from labels.store import open_store
from sr.imagery.scene import Scene
from tests.security.conftest import feature, one_field, run_cli, write_features
from ui.auth import Identity
from ui.drawings import Draft, Drafts
from ui.label_actions import DrawnOn, save_new_fields

WHOLE_SCENE = (
    "This outline covers 82,944 ha; a field can be at most 100 ha. Draw one field at a time."
)


def test_a_whole_scene_outline_drawn_in_the_app_is_refused_and_kept(
    store: SQLiteLabelStore, sample_scene: Scene, tmp_path: Path
) -> None:
    volunteer = Identity("Sita", Role.VOLUNTEER)
    drafts = Drafts(tmp_path / "drafts", volunteer.name, sample_scene.scene_id)
    drafts.save(Draft([sample_scene.footprint], {}))
    [outcome] = save_new_fields(
        store,
        drafts.load().new,
        crop="rice",
        identity=volunteer,
        scene_id=sample_scene.scene_id,
        drawn_on=DrawnOn(),
    )
    assert not outcome.ok
    assert outcome.message == f"Not saved. error: {WHOLE_SCENE}"
    assert store.count() == 0
    assert drafts.load().new[0].equals(sample_scene.footprint)  # the drawing is still there


def test_the_store_refuses_it_for_every_role(store: SQLiteLabelStore, sample_scene: Scene) -> None:
    label = Label(
        sample_scene.footprint, "rice", sample_scene.scene_id, "ana", status=Status.SUBMITTED
    )
    for role in Role:
        with pytest.raises(ValidationError) as refused:
            store.save(label, actor="ana", role=role)
        assert [f.message for f in refused.value.findings if f.severity == "error"] == [WHOLE_SCENE]
    assert store.count() == 0


def test_a_whole_scene_outline_in_an_import_file_is_refused(
    store_dir: Path, sample_scene: Scene, tmp_path: Path
) -> None:
    scene_id = sample_scene.scene_id
    src = write_features(
        tmp_path / "hostile.geojson",
        feature(mapping(sample_scene.footprint), id="whole", scene_id=scene_id),
        feature(one_field(sample_scene), id="ok", scene_id=scene_id),
    )
    done = run_cli("import", store_dir, src, "--annotator", "ana")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"error: feature 0 (id whole): {WHOLE_SCENE}" in done.stdout.splitlines()
    assert f"imported 1 of 2 feature(s) into {store_dir}" in done.stdout
    assert [label.id for label in open_store(store_dir).query()] == ["ok"]
    done = run_cli(
        "import", store_dir, src, "--annotator", "ana", env={"SHARPFIELDS_MAX_FIELD_HA": "1e6"}
    )
    assert done.returncode == 1  # "ok" is already stored; a region with larger fields:
    assert open_store(store_dir).get("whole").area_ha == pytest.approx(82_944, abs=1)


def test_a_broken_limit_setting_is_reported_not_ignored(
    store_dir: Path, sample_scene: Scene, tmp_path: Path
) -> None:
    src = write_features(
        tmp_path / "f.geojson", feature(one_field(sample_scene), scene_id=sample_scene.scene_id)
    )
    done = run_cli(
        "import", store_dir, src, "--annotator", "ana", env={"SHARPFIELDS_MAX_FIELD_HA": "lots"}
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: the setting SHARPFIELDS_MAX_FIELD_HA='lots' is not a positive number of hectares; "
        "fix it (or unset it for the default of 100 ha)"
    ]
