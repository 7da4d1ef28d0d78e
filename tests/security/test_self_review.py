"""A reviewer cannot accept or reject a field they drew, however they spell their name."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import shape

from labels.errors import PermissionDeniedError
from labels.model import Label, Role, Status
from labels.sqlite_store import SQLiteLabelStore
from labels.store import open_store
from sr.imagery.scene import Scene
from tests.security.conftest import feature, one_field, run_cli, write_features
from ui.auth import Identity
from ui.label_actions import review_field


def _submitted(store: SQLiteLabelStore, scene: Scene, annotator: str) -> Label:
    label = Label(
        shape(one_field(scene)), "rice", scene.scene_id, annotator, status=Status.SUBMITTED
    )
    return store.save(label, actor=annotator, role=Role.REVIEWER).label


@pytest.mark.parametrize(
    "alias", ["Sita Rai", "sita_rai", " SITA--Rai ", "Sita\u200b Rai", "Ｓｉｔａ Rai"]
)
def test_a_reviewer_cannot_review_their_own_field(
    store: SQLiteLabelStore, sample_scene: Scene, alias: str
) -> None:
    label = _submitted(store, sample_scene, "Sita Rai")
    for decision in (Status.ACCEPTED, Status.REJECTED):
        with pytest.raises(PermissionDeniedError) as refused:
            store.review(
                label.id, actor=alias, decision=decision, comment="fine", expected_version=1
            )
        assert str(refused.value) == (
            f"{alias} drew field {label.id} and cannot accept or reject it; another reviewer "
            "must review it"
        )
    with pytest.raises(PermissionDeniedError):  # nor by saving it with a review status
        store.save(label.replace(status=Status.ACCEPTED), actor=alias, role=Role.REVIEWER)
    assert [v.op for v in store.history(label.id)] == ["create"]
    assert store.get(label.id).status is Status.SUBMITTED


def test_the_review_page_action_says_why(store: SQLiteLabelStore, sample_scene: Scene) -> None:
    label = _submitted(store, sample_scene, "Sita Rai")
    outcome = review_field(
        store, label, Identity("sita_rai", Role.COORDINATOR), accept=True, comment=""
    )
    assert not outcome.ok
    assert outcome.message == (
        f"Not saved: sita_rai drew field {label.id} and cannot accept or reject it; another "
        "reviewer must review it"
    )
    assert review_field(store, label, Identity("Maya", Role.REVIEWER), accept=True, comment="").ok


def test_an_author_cannot_change_their_field_once_another_reviewer_accepted_it(
    store: SQLiteLabelStore, sample_scene: Scene
) -> None:
    label = _submitted(store, sample_scene, "Sita Rai")
    accepted = store.review(
        label.id, actor="Maya", decision=Status.ACCEPTED, expected_version=1
    ).label
    moved = accepted.replace(geometry=accepted.geometry.buffer(0.0001))
    with pytest.raises(
        PermissionDeniedError, match="cannot change it any more; ask another reviewer"
    ):
        store.save(moved, actor="SITA RAI", role=Role.REVIEWER)  # would make Sita its reviewer
    assert (store.get(label.id).reviewer, store.get(label.id).version) == ("Maya", 2)


def test_an_import_cannot_vouch_for_the_importers_own_fields(
    store_dir: Path, sample_scene: Scene, tmp_path: Path
) -> None:
    src = write_features(
        tmp_path / "mine.geojson",
        feature(
            one_field(sample_scene),
            id="f1",
            scene_id=sample_scene.scene_id,
            annotator="Uma_Devi",
            status="accepted",
        ),
    )
    done = run_cli("import", store_dir, src, "--annotator", "uma", "--as-reviewed-by", "uma devi")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (
        "error: feature 0 (id f1): uma devi drew field f1 and cannot accept or reject it; another "
        "reviewer must review it"
    ) in done.stdout.splitlines()
    assert open_store(store_dir).count() == 0
