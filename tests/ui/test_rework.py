"""The rework loop: a volunteer sees their rejected fields and invalidated tasks with the
reviewer's comment in full on the Label page, fixes a crop or an outline, and the field goes
back to review."""

from __future__ import annotations

from pathlib import Path

from shapely.affinity import translate
from shapely.geometry import box

from labels.campaign_store import CampaignStore
from labels.campaigns import Campaign
from labels.model import Label, Role, Status
from labels.store import open_store
from sr.imagery.scene import open_scene
from tests.ui.conftest import MAYA, SITA, run_page
from ui.label_actions import save_edits
from ui.rework import change_crop, fix_crop_key
from ui.settings import SAMPLE_SCENE

LABEL_PAGE = "pages/label.py"
COMMENT = "This is two fields: the road in the middle splits them. Draw each one on its own."


def rejected_field(app_data: Path) -> tuple[object, Label]:
    """Sita's field on the sample scene, rejected by Maya with a long comment."""
    scene = open_scene(SAMPLE_SCENE)
    store = open_store(app_data / "labels")
    store.register_scene(scene.scene_id, scene.footprint)
    west, south, _, _ = scene.lonlat_bounds
    field = box(west + 0.01, south + 0.01, west + 0.012, south + 0.0115)
    saved = store.save(
        Label(field, "rice", scene.scene_id, "Sita", status=Status.SUBMITTED),
        actor="Sita",
        role=Role.VOLUNTEER,
    ).label
    rejected = store.review(
        saved.id, actor="Maya", decision=Status.REJECTED, comment=COMMENT, expected_version=1
    ).label
    return store, rejected


def test_the_label_page_lists_rejected_fields_with_the_comment_in_full(app_data: Path) -> None:
    store, rejected = rejected_field(app_data)
    scene_id = rejected.scene_id
    campaigns = CampaignStore(store)
    area = rejected.geometry.buffer(0.001)
    c = campaigns.create(Campaign("c", (scene_id,), area, "boss"), [area], actor="boss",
                         role=Role.COORDINATOR)  # fmt: skip
    campaigns.map_next(c.id, "Sita")
    campaigns.mark_mapped(c.id, 1, "Sita")
    campaigns.lock_for_validation(c.id, 1, "Maya", Role.REVIEWER)
    campaigns.invalidate(c.id, 1, "Maya", Role.REVIEWER, "Task comment: the orchard is missing.")
    app = run_page(LABEL_PAGE, SITA)
    [panel] = [e for e in app.expander if e.label.startswith("My fields that need fixing")]
    assert panel.label.endswith("(2)")
    warnings = [w.value for w in app.warning]
    assert COMMENT in warnings  # in full, not only in a tooltip
    assert "Task comment: the orchard is missing." in warnings
    app.selectbox(key=fix_crop_key(rejected)).set_value("wheat")
    next(b for b in app.button if b.label == "Save the crop").click().run()
    fixed = store.get(rejected.id)
    assert (fixed.crop, fixed.status) == ("wheat", Status.SUBMITTED)
    assert fixed.review_comment == COMMENT  # the next reviewer reads why it was rejected
    assert [v.label.status for v in store.history(rejected.id)] == [
        Status.SUBMITTED, Status.REJECTED, Status.SUBMITTED,
    ]  # fmt: skip


def test_an_author_moves_a_rejected_outline_and_changes_a_waiting_crop(app_data: Path) -> None:
    store, rejected = rejected_field(app_data)
    [moved] = save_edits(
        store, {rejected.id: rejected.geometry.buffer(0.0002)}, {rejected.id: 2}, SITA
    )
    assert moved.ok and "goes back to review" in moved.message
    assert store.get(rejected.id).status is Status.SUBMITTED
    waiting = store.get(rejected.id)
    changed = change_crop(store, waiting, "maize", SITA)
    assert changed.ok and store.get(rejected.id).crop == "maize"
    refused = change_crop(store, waiting, "barley", MAYA)  # a stale version
    assert not refused.ok


def test_the_crop_box_shows_the_crop_of_the_field_chosen_to_fix(app_data: Path) -> None:
    store, rejected = rejected_field(app_data)
    moved = translate(rejected.geometry, xoff=0.005)
    maize = store.save(Label(moved, "maize", rejected.scene_id, "Sita", status=Status.SUBMITTED),
                       actor="Sita", role=Role.VOLUNTEER).label  # fmt: skip
    app = run_page(LABEL_PAGE, SITA)
    chosen = app.selectbox(key="fix_field")
    assert chosen.value == rejected.id and app.selectbox(key=fix_crop_key(rejected)).value == "rice"
    app.selectbox(key=fix_crop_key(rejected)).set_value("wheat")  # picked, not saved
    chosen.set_value(maize.id).run()
    assert app.selectbox(key=fix_crop_key(maize)).value == "maize"  # its own, not "wheat"
    next(b for b in app.button if b.label == "Save the crop").click().run()
    assert store.get(maize.id).crop == "maize" and store.get(rejected.id).crop == "rice"
