"""A campaign's crops on the Label page: the coordinator chose them, and a volunteer mapping
one of its tasks picks among them (ui.label_work, ui.label_actions, ui.rework)."""

from __future__ import annotations

from pathlib import Path

from shapely.geometry import box

from labels.model import DEFAULT_CROPS
from tests.ui.campaign_steps import campaign_on_sample
from tests.ui.conftest import SITA, run_page
from ui.drawings import Draft, Drafts
from ui.label_actions import DrawnOn, save_new_fields
from ui.label_choices import CROP_KEY, CROP_LABEL
from ui.rework import change_crop

CROPS = ("wheat", "maize")


def test_a_field_in_the_task_is_saved_with_one_of_the_campaigns_crops_only(
    app_data: Path,
) -> None:
    scene, campaigns, made = campaign_on_sample(app_data, "Terai wheat", crops=CROPS)
    task = campaigns.lock_for_mapping(made.id, 1, SITA.name)
    x, y = task.geometry.centroid.x, task.geometry.centroid.y
    inside = box(x, y, x + 0.002, y + 0.0015)
    west, south, _, _ = scene.lonlat_bounds
    outside = box(west + 0.0005, south + 0.0005, west + 0.0025, south + 0.002)  # not in the area
    assert not task.holds(outside)

    def save(field: object, crop: str):  # type: ignore[no-untyped-def]
        [outcome] = save_new_fields(
            campaigns.store, [field], crop=crop, identity=SITA, scene_id=scene.scene_id,
            drawn_on=DrawnOn(), task=task,
        )  # fmt: skip
        return outcome

    refused = save(inside, "rice")
    assert not refused.ok and refused.label_id is None and refused.fixable
    said = "Not saved. error: Terai wheat maps wheat, maize, not rice; choose one of them"
    assert refused.message == said
    assert list(campaigns.store.query()) == []
    kept = save(inside, "maize")
    assert kept.ok and campaigns.store.get(str(kept.label_id)).task_id == task.ref
    free = save(outside, "rice")  # outside the task: no campaign's field
    assert free.ok and campaigns.store.get(str(free.label_id)).task_id is None

    # The crop correction of "My fields that need fixing" goes through the same check.
    field = campaigns.store.get(str(kept.label_id))
    changed = change_crop(campaigns.store, field, "potato", SITA)
    assert not changed.ok and "maps wheat, maize, not potato" in changed.message
    assert campaigns.store.get(field.id).crop == "maize"
    assert change_crop(campaigns.store, field, "wheat", SITA).ok


def test_the_crop_box_offers_the_campaigns_crops_while_mapping_its_task(app_data: Path) -> None:
    scene, campaigns, made = campaign_on_sample(app_data, "Terai wheat", crops=CROPS)
    app = run_page("pages/label.py", SITA)
    assert list(app.selectbox(key=CROP_KEY).options) == list(DEFAULT_CROPS)  # mapping freely

    task = campaigns.lock_for_mapping(made.id, 1, SITA.name)
    x, y = task.geometry.centroid.x, task.geometry.centroid.y
    Drafts(app_data / "drafts", SITA.name, scene.scene_id).save(
        Draft([box(x, y, x + 0.002, y + 0.0015)], {})
    )
    app.session_state[CROP_KEY] = "potato"  # chosen before the task was taken
    app.run()
    assert not app.exception
    crop = app.selectbox(key=CROP_KEY)
    assert (list(crop.options), crop.value) == (list(CROPS), "wheat")  # what Save will store
    assert crop.label == CROP_LABEL and "Terai wheat" in str(crop.help)
    assert any("take its crops: wheat, maize." in c.value for c in app.caption)  # task panel
    next(b for b in app.button if b.label == "Save & submit").click().run()
    assert not app.exception
    [saved] = campaigns.store.query()
    assert (saved.crop, saved.task_id) == ("wheat", task.ref)
    # Its crop changed later offers the campaign's crops too.
    fix = next(s for s in app.selectbox if s.label == "Its crop")
    assert list(fix.options) == list(CROPS)
