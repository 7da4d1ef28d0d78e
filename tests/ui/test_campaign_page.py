"""The Campaigns page and the Label page's task panel, run headless with AppTest: a
coordinator creates a campaign from an area drawn on the map, a volunteer maps the next task
and hands it in, a reviewer validates it, and another invalidates one with a comment.

The map is a streamlit-folium component AppTest cannot draw on; what it would send back is
put in the session under the map's key, as in tests/ui/test_label_page.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import box, mapping
from streamlit.testing.v1 import AppTest

from labels.campaign_store import CampaignStore
from labels.campaigns import Campaign, Task, TaskState
from labels.model import Role
from labels.review_reasons import TASK_REASONS
from labels.store import open_store
from sr.imagery.scene import Scene, open_scene
from sr.sharpen.cache import ResultCache
from sr.sharpen.pipeline import SharpenRequest, sharpen_area
from tests.ui.campaign_steps import (
    BOSS,
    CAMPAIGNS_PAGE,
    button,
    campaign_on_sample,
    click_task,
    create_on_the_page,
    draw_on_the_map,
    map_with_fields,
)
from tests.ui.conftest import map_html, run_page, shown, table_with
from ui.auth import Identity
from ui.campaign_panel import (
    BAD_IMAGERY,
    DONE,
    GIVE_BACK,
    MAP_NEXT,
    SET_ASIDE_QUESTION,
    SET_ASIDE_REASON,
    SET_IT_ASIDE,
    SPLIT_IT,
    SPLIT_WAITS,
)
from ui.campaign_view import OWN_ROWS_NOTE, AreaError, area_from_geojson, decide, task_bbox
from ui.drawings import Draft, Drafts
from ui.hand_in import AS_IT_IS, NOT_YET, Leftovers
from ui.page_keys import ACCEPT_KEY, REJECT_KEY
from ui.proposal_record import Proposals
from ui.settings import SAMPLE_SCENE
from ui.task_choice import MAP_IT, NOT_FIRST, PUT_IT_BACK, VALIDATE_IT

LABEL_PAGE = "pages/label.py"
SITA = Identity("Sita", Role.VOLUNTEER)
MAYA = Identity("Maya", Role.REVIEWER)


def create_campaign(app_data: Path) -> CampaignStore:
    app = create_on_the_page("Danube wheat", "Outline every wheat field.")
    errors = [e.value for e in app.error]
    assert any("Created 'Danube wheat'" in shown(s.value) for s in app.success), errors
    return CampaignStore(open_store(app_data / "labels"))


def test_a_coordinator_creates_a_campaign_from_an_area_drawn_on_the_map(app_data: Path) -> None:
    campaigns = create_campaign(app_data)
    [campaign] = campaigns.campaigns()
    tasks = campaigns.tasks(campaign.id)
    assert campaign.task_pixels == 128 and campaign.task_side_m == 1280
    assert campaign.instructions == "Outline every wheat field."
    assert 4 <= len(tasks) <= 9 and all(t.state is TaskState.READY for t in tasks)
    app = run_page(CAMPAIGNS_PAGE, BOSS)
    assert any("Outline every wheat field." in shown(i.value) for i in app.info)
    table = app.dataframe[0].value
    assert table.loc[table["state"] == "ready", "tasks"].item() == len(tasks)
    assert any("Nobody holds a task" in c.value for c in app.caption)
    assert "not known yet" in " ".join(c.value for c in app.caption)


def test_a_volunteer_cannot_create_and_sees_the_progress(app_data: Path) -> None:
    create_campaign(app_data)
    app = run_page(CAMPAIGNS_PAGE, SITA)
    assert not [b for b in app.button if b.label == "Create campaign"]
    assert [b for b in app.button if b.label == MAP_NEXT]


def test_map_next_hand_in_validate_and_invalidate(app_data: Path) -> None:
    campaigns = create_campaign(app_data)
    [campaign] = campaigns.campaigns()
    app = run_page(CAMPAIGNS_PAGE, SITA)
    button(app, MAP_NEXT).click().run()
    assert not app.exception, app.exception
    task = campaigns.held_by(campaign.id, "Sita")
    assert task is not None and task.number == 1
    # the Label page: the task panel, the map's area is the task (it flies there)
    assert any(f"Task {task.number}" in h.value for h in app.subheader)
    west, south, east, north = task.geometry.bounds
    assert app.session_state["area"] == (west, south, east, north)
    assert [b for b in app.button if b.label == GIVE_BACK]
    button(app, DONE).click().run()
    assert campaigns.task(campaign.id, task.number).state is TaskState.MAPPED
    # a second task, given back
    button(app, MAP_NEXT).click().run()
    second = campaigns.held_by(campaign.id, "Sita")
    assert second is not None and second.number != task.number
    button(app, GIVE_BACK).click().run()
    assert campaigns.task(campaign.id, second.number).state is TaskState.READY
    # the reviewer validates the mapped task
    review = run_page(CAMPAIGNS_PAGE, MAYA)
    button(review, "Validate next task").click().run()
    assert any(f"Checking task {task.number}" in m.value for m in review.markdown)
    assert not [b for b in review.button if b.label == MAP_NEXT]  # one task at a time
    button(review, "Validate").click().run()
    assert campaigns.task(campaign.id, task.number).state is TaskState.VALIDATED
    assert any("is validated" in s.value for s in review.success)
    table = review.dataframe[0].value
    assert table.loc[table["state"] == "validated", "tasks"].item() == 1


def sita_maps_a_task(app_data: Path) -> tuple[CampaignStore, AppTest, Task, Drafts]:
    """A campaign made on the page; Sita presses Map next task on the Campaigns page (the
    app moves to the Label page: the test follows with ``app.switch_page``). The campaigns,
    her page, the task she holds and her drafts."""
    campaigns = create_campaign(app_data)
    [campaign] = campaigns.campaigns()
    app = run_page(CAMPAIGNS_PAGE, SITA)
    button(app, MAP_NEXT).click().run()
    task = campaigns.held_by(campaign.id, "Sita")
    assert task is not None
    drafts = Drafts(app_data / "drafts", SITA.name, open_scene(SAMPLE_SCENE).scene_id)
    return campaigns, app, task, drafts


def test_a_task_chosen_on_the_map_is_mapped_validated_or_put_back(app_data: Path) -> None:
    campaigns = create_campaign(app_data)
    [campaign] = campaigns.campaigns()
    third = campaigns.tasks(campaign.id)[2]
    sita = run_page(CAMPAIGNS_PAGE, SITA)
    click_task(sita, third)
    assert any(m.value == f"**Task {third.number} · ready**" for m in sita.markdown)
    assert "campaign_area" not in sita.session_state  # a click on a task draws no area
    button(sita, MAP_IT).click().run()
    assert not sita.exception, sita.exception
    held = campaigns.held_by(campaign.id, "Sita")
    assert held is not None and held.number == third.number  # hers, not the next one's
    sita.switch_page(LABEL_PAGE).run()  # the page moved to the Label page with it
    assert any(h.value.startswith(f"Task {third.number} · ") for h in sita.subheader)
    campaigns.mark_mapped(campaign.id, third.number, "Sita")

    ram = run_page(CAMPAIGNS_PAGE, Identity("Ram", Role.VOLUNTEER))
    click_task(ram, campaigns.task(campaign.id, third.number))
    assert any(shown(c.value) == "Mapped: it waits for a reviewer." for c in ram.caption)
    assert not [e for e in ram.expander if e.label.startswith("History")]  # reviewers' only
    maya = run_page(CAMPAIGNS_PAGE, MAYA)
    click_task(maya, campaigns.task(campaign.id, third.number))
    [history] = [e for e in maya.expander if e.label.startswith(f"History of task {third.number}")]
    assert history.label.endswith("(2)")  # locked for mapping, then mapped
    assert any(shown(c.value) == "No fields were saved in this task." for c in maya.caption)
    said = [shown(c.value).split(" · ", 1)[1] for c in history.caption]
    assert said == ["mapped by Sita", "lock for mapping by Sita"]
    button(maya, VALIDATE_IT).click().run()
    assert campaigns.task(campaign.id, third.number).locked_by == "Maya"
    assert any(m.value == f"**Checking task {third.number}** (outlined on the map)"
               for m in maya.markdown)  # fmt: skip

    fourth = campaigns.map_next(campaign.id, "Ram")
    campaigns.set_aside(campaign.id, fourth.number, "Ram", "clouds")
    boss = run_page(CAMPAIGNS_PAGE, BOSS)
    click_task(boss, campaigns.task(campaign.id, fourth.number))
    button(boss, PUT_IT_BACK).click().run()
    assert campaigns.task(campaign.id, fourth.number).state is TaskState.READY


def test_done_with_work_left_on_the_map_asks_first_and_as_it_is_loses_no_drawing(
    app_data: Path,
) -> None:
    campaigns, app, task, drafts = sita_maps_a_task(app_data)
    campaign = campaigns.get(task.campaign_id)
    c = task.geometry.centroid
    drawn = box(c.x, c.y, c.x + 0.001, c.y + 0.001)
    drafts.save(Draft(new=[drawn]))  # drawn, not saved
    record = Proposals.beside(drafts.path)
    record.queue = [box(c.x - 0.002, c.y, c.x - 0.001, c.y + 0.001)] * 2  # Outline all's
    record.save()
    app.switch_page(LABEL_PAGE).run()  # the test's page follows the app's switch
    button(app, DONE).click().run()
    assert not app.exception, app.exception
    assert campaigns.task(campaign.id, task.number).state is TaskState.LOCKED_MAPPING
    [question] = [w.value for w in app.warning if w.value.startswith(f"Task {task.number}")]
    assert question == Leftovers(unsaved=1, waiting=2).question(task.number)
    assert "1 unsaved drawing(s) and 2 proposed field(s) waiting" in question
    assert not [b for b in app.button if b.label in (DONE, GIVE_BACK)]
    button(app, NOT_YET).click().run()  # back to the task, nothing changed
    assert [b for b in app.button if b.label == DONE]
    assert campaigns.task(campaign.id, task.number).state is TaskState.LOCKED_MAPPING
    button(app, DONE).click().run()
    button(app, AS_IT_IS).click().run()
    assert not app.exception, app.exception
    assert campaigns.task(campaign.id, task.number).state is TaskState.MAPPED
    [kept] = drafts.load().new  # the drawing stays on the map
    assert kept.equals(drawn)
    assert Proposals.beside(drafts.path).queue == []  # the proposals no one kept are dropped
    assert [b for b in app.button if b.label == MAP_NEXT]


def test_done_with_nothing_left_on_the_map_hands_in_at_once() -> None:
    assert not Leftovers(unsaved=0, waiting=0)
    assert Leftovers(unsaved=0, waiting=3).question(4) == (
        "Task 4 still has 3 proposed field(s) waiting for Keep / Skip. Save the fields you "
        "want in it first, or hand it in as it is. The proposals waiting are dropped."
    )
    assert (
        Leftovers(unsaved=2, waiting=0)
        .question(4)
        .endswith("Unsaved drawings stay on the map; saved later, they carry no task.")
    )


def test_invalidating_needs_a_comment_and_the_coordinator_releases_locks(app_data: Path) -> None:
    campaigns = create_campaign(app_data)
    [campaign] = campaigns.campaigns()
    campaigns.map_next(campaign.id, "Sita")
    campaigns.mark_mapped(campaign.id, 1, "Sita")
    campaigns.map_next(campaign.id, "Ram")
    review = run_page(CAMPAIGNS_PAGE, MAYA)
    button(review, "Validate next task").click().run()
    button(review, "Invalidate").click().run()
    assert any("needs a comment" in e.value for e in review.error)
    review.text_area(key="task_comment").input("The field in the north-east corner is missing.")
    button(review, "Invalidate").click().run()
    invalid = campaigns.task(campaign.id, 1)
    assert (invalid.state, invalid.comment) == (
        TaskState.INVALIDATED,
        "The field in the north-east corner is missing.",
    )
    boss = run_page(CAMPAIGNS_PAGE, BOSS)
    held = [c.value for c in boss.caption if "until" in c.value]
    assert held and "Ram" in held[0]
    button(boss, "Release").click().run()
    assert campaigns.held_by(campaign.id, "Ram") is None

    sita = run_page(LABEL_PAGE, SITA)  # her task comes back first, with what to fix
    assert not [w for w in sita.warning if "Sent back" in w.value]
    button(sita, MAP_NEXT).click().run()
    assert campaigns.held_by(campaign.id, "Sita").number == 1  # type: ignore[union-attr]
    [note] = [shown(w.value) for w in sita.warning if "Sent back" in w.value]
    assert note == "Sent back by Maya: The field in the north-east corner is missing."
    button(sita, DONE).click().run()  # mapped again: the note goes with the lock
    assert campaigns.task(campaign.id, 1).comment is None


def test_a_reason_picked_fills_the_invalidation_comment_and_the_volunteers_table_counts_it(
    app_data: Path,
) -> None:
    """A reviewer sending a task back picks why under the buttons: the reason's sentence goes
    into the comment, once, before what was typed, and the mapper reads it with the task.
    The coordinator's Volunteers table counts the mapper's tasks invalidated, and for what."""
    campaigns = create_campaign(app_data)
    [campaign] = campaigns.campaigns()
    campaigns.map_next(campaign.id, "Sita")
    campaigns.mark_mapped(campaign.id, 1, "Sita")
    review = run_page(CAMPAIGNS_PAGE, MAYA)
    button(review, "Validate next task").click().run()
    review.text_area(key="task_comment").input("Look along the river.").run()
    why = review.get("button_group")[0]
    assert why.options == list(TASK_REASONS)
    why.set_value("Fields missed").run()
    expected = f"{TASK_REASONS['Fields missed']} Look along the river."
    assert review.text_area(key="task_comment").value == expected
    review.get("button_group")[0].set_value("Fields missed").run()  # picked again: once
    assert review.text_area(key="task_comment").value == expected
    button(review, "Invalidate").click().run()
    assert not review.exception, review.exception
    assert campaigns.task(campaign.id, 1).comment == expected

    sita = run_page(LABEL_PAGE, SITA)
    button(sita, MAP_NEXT).click().run()
    [note] = [shown(w.value) for w in sita.warning if "Sent back" in w.value]
    assert note == f"Sent back by Maya: {expected}"
    boss = run_page(CAMPAIGNS_PAGE, BOSS)
    assert table_with(boss, "sent back").set_index("person").loc["Sita", "sent back"] == 1
    said = table_with(boss, "tasks sent back for it")
    assert said.values.tolist() == [["Sita", "Fields missed", 1, 0]]


def test_validate_and_invalidate_have_reviews_keys_pressed_on_the_page_or_in_the_map(
    app_data: Path,
) -> None:
    """A and X, as Accept and Reject on Review; the map hands them on to the page while a
    task is checked (the browser test presses them: tests/e2e/test_campaign_loop.py)."""
    campaigns = create_campaign(app_data)
    [campaign] = campaigns.campaigns()
    campaigns.map_next(campaign.id, "Sita")
    campaigns.mark_mapped(campaign.id, 1, "Sita")
    review = run_page(CAMPAIGNS_PAGE, MAYA)
    assert 'var keys = ["a", "x"];' not in map_html(review).replace("\\", "")  # none checked
    button(review, "Validate next task").click().run()
    keys = {
        b.label: b.proto.shortcut for b in review.button if b.label in ("Validate", "Invalidate")
    }
    assert keys == {"Validate": ACCEPT_KEY.lower(), "Invalidate": REJECT_KEY.lower()}
    assert 'var keys = ["a", "x"];' in map_html(review).replace("\\", "")  # JSON in JSON


def test_an_uploaded_area_is_read_or_refused_in_plain_words() -> None:
    polygon = box(13.13, 48.28, 13.15, 48.30)
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                      "geometry": mapping(polygon)}]}  # fmt: skip
    assert area_from_geojson(json.dumps(doc).encode()).equals(polygon)
    for bad, reason in [
        (b"not json", "not GeoJSON"),
        (json.dumps({"type": "Point", "coordinates": [1, 2]}).encode(), "no polygon"),
        (json.dumps(mapping(box(500000, 5000000, 500100, 5000100))).encode(), "longitude"),
    ]:
        try:
            area_from_geojson(bad)
        except AreaError as exc:
            assert reason in str(exc)
        else:
            raise AssertionError(f"{bad!r} was accepted")


def _campaign_mapped_twice(app_data: Path) -> tuple[Scene, CampaignStore, Campaign]:
    """A one-task campaign over the sample in which every task is mapped twice."""
    return campaign_on_sample(app_data, "twice", double_share=1.0)


def test_the_agreement_of_double_mapped_tasks_is_shown(app_data: Path) -> None:
    _, campaigns, made = _campaign_mapped_twice(app_data)
    for person in ("Sita", "Ram"):
        campaigns.lock_for_mapping(made.id, 1, person)
        campaigns.mark_mapped(made.id, 1, person)
    app = run_page(CAMPAIGNS_PAGE, BOSS)
    assert any("Agreement on tasks mapped twice" in m.value for m in app.markdown)
    table = app.dataframe[-1].value
    assert list(table["who"]) == ["whole campaign", "Ram", "Sita"]
    assert table["tasks"].tolist() == [1, 1, 1]
    assert table[["fields matched", "only theirs"]].values.tolist() == [[0, 0]] * 3


def test_a_volunteer_sees_their_own_figures_reviewers_see_everyones(app_data: Path) -> None:
    """How often the others were sent back, and for what, is for reviewers and coordinators;
    a volunteer reads their own rows (and the whole campaign's agreement)."""
    _, campaigns, made = _campaign_mapped_twice(app_data)
    for person in ("Sita", "Ram"):
        campaigns.lock_for_mapping(made.id, 1, person)
        campaigns.mark_mapped(made.id, 1, person)
    campaigns.lock_for_validation(made.id, 1, "Maya", Role.REVIEWER)
    campaigns.invalidate(made.id, 1, "Maya", Role.REVIEWER, TASK_REASONS["Edges off"])

    maya = run_page(CAMPAIGNS_PAGE, MAYA)
    assert table_with(maya, "sent back")["person"].tolist() == ["Ram", "Sita"]
    assert table_with(maya, "tasks sent back for it")["person"].tolist() == ["Ram", "Sita"]
    assert table_with(maya, "overlap (IoU)")["who"].tolist() == ["whole campaign", "Ram", "Sita"]
    assert OWN_ROWS_NOTE not in [c.value for c in maya.caption]

    sita = run_page(CAMPAIGNS_PAGE, Identity("sita", Role.VOLUNTEER))  # her name, as typed
    assert not sita.exception, sita.exception
    assert OWN_ROWS_NOTE in [c.value for c in sita.caption]
    assert table_with(sita, "sent back")["person"].tolist() == ["Sita"]
    assert table_with(sita, "tasks sent back for it").values.tolist() == [
        ["Sita", "Edges off", 1, 0]
    ]
    assert table_with(sita, "overlap (IoU)")["who"].tolist() == ["whole campaign", "Sita"]
    hari = run_page(CAMPAIGNS_PAGE, Identity("Hari", Role.VOLUNTEER))  # nothing of his yet
    assert table_with(hari, "sent back").empty
    assert "No task sent back and no field rejected yet." in [c.value for c in hari.caption]


def test_the_export_page_offers_a_campaign_with_its_tasks(app_data: Path) -> None:
    create_campaign(app_data)
    app = run_page("pages/export.py", SITA)
    assert any("A campaign" in h.value for h in app.subheader)
    assert not app.get("download_button")
    button(app, "Prepare fields + tasks (GeoPackage)").click().run()
    assert not app.exception, app.exception
    assert app.get("download_button")  # the file, ready to download


def test_a_reviewer_keeps_one_version_of_a_task_mapped_twice(app_data: Path) -> None:
    from labels.model import PROPOSED

    scene, campaigns, made = _campaign_mapped_twice(app_data)
    for person in ("Sita", "Ram"):
        map_with_fields(campaigns, made, scene, person, drawing=PROPOSED)
    review = run_page(CAMPAIGNS_PAGE, MAYA)
    button(review, "Validate next task").click().run()
    button(review, "Keep Sita's version").click().run()
    assert any("Kept Sita's version" in shown(s.value) for s in review.success)
    assert [lab.annotator for lab in campaigns.fields(made.id)] == ["Sita"]
    button(review, "Validate").click().run()
    assert campaigns.task(made.id, 1).state is TaskState.VALIDATED
    found = campaigns.agreement(made.id)  # Ram's removed version still counts
    assert found.campaign.matched == 1 and found.campaign.mean_iou == 1.0
    people = table_with(review, "fields rejected")
    counted = ["fields", "assist proposals saved unedited", "fields rejected"]
    assert people.set_index("person").loc["Sita", counted].tolist() == [1, 1, 0]


def test_keeping_a_version_stops_at_a_field_changed_since_the_reviewer_looked(
    app_data: Path,
) -> None:
    scene, campaigns, made = _campaign_mapped_twice(app_data)
    for person in ("Sita", "Ram"):
        map_with_fields(campaigns, made, scene, person)
    review = run_page(CAMPAIGNS_PAGE, MAYA)
    button(review, "Validate next task").click().run()
    [rams] = [lab for lab in campaigns.fields(made.id) if lab.annotator == "Ram"]
    campaigns.store.save(rams.replace(crop="maize"), actor="Ram", role=Role.VOLUNTEER)
    button(review, "Keep Sita's version").click().run()
    assert any("then stopped" in shown(e.value) for e in review.error), review.error
    assert sorted(lab.annotator for lab in campaigns.fields(made.id)) == ["Ram", "Sita"]
    button(review, "Keep Sita's version").click().run()  # shown again, as it is now
    assert [lab.annotator for lab in campaigns.fields(made.id)] == ["Sita"]


def test_a_coordinator_changes_the_instructions_and_the_history_shows_it(app_data: Path) -> None:
    campaigns = create_campaign(app_data)
    [campaign] = campaigns.campaigns()
    app = run_page(CAMPAIGNS_PAGE, BOSS)
    app.text_area(key=f"edit-text-{campaign.id}").input("Wheat and barley, please.")
    button(app, "Save the changes").click().run()
    assert any("version 2" in s.value for s in app.success)
    assert campaigns.get(campaign.id).instructions == "Wheat and barley, please."
    history = [c.value for c in app.caption if c.value.startswith("History")]
    assert history and "version 2 · update by Boss" in history[0]
    assert "version 1 · create by Boss" in history[0]


def test_a_change_saved_over_another_coordinators_change_is_refused_and_loses_nothing(
    app_data: Path,
) -> None:
    campaigns = create_campaign(app_data)
    [campaign] = campaigns.campaigns()
    app = run_page(CAMPAIGNS_PAGE, BOSS)  # Boss opens the campaign's settings
    other = Identity("Asha", Role.COORDINATOR)
    campaigns.update(campaign.replace(instructions="Rice only, please."), actor=other.name,
                     role=other.role, expected_version=1)  # fmt: skip
    app.text_input(key=f"edit-name-{campaign.id}").input("Terai, spring")
    button(app, "Save the changes").click().run()
    [said] = [shown(e.value) for e in app.error]
    assert said.startswith("Not saved: Asha changed this campaign after you opened it.")
    now = campaigns.get(campaign.id)
    assert (now.version, now.instructions, now.name) == (2, "Rice only, please.", campaign.name)
    # Asha's instructions show now, Boss's name is kept: saved again, both stay.
    assert app.text_area(key=f"edit-text-{campaign.id}").value == "Rice only, please."
    assert app.text_input(key=f"edit-name-{campaign.id}").value == "Terai, spring"
    button(app, "Save the changes").click().run()
    now = campaigns.get(campaign.id)
    assert (now.version, now.instructions, now.name) == (3, "Rice only, please.", "Terai, spring")


def test_the_task_checked_shows_its_enhanced_area_under_its_fields(app_data: Path) -> None:
    scene, campaigns, made = _campaign_mapped_twice(app_data)
    for person in ("Sita", "Ram"):
        campaigns.lock_for_mapping(made.id, 1, person)
        campaigns.mark_mapped(made.id, 1, person)
    task = campaigns.task(made.id, 1)
    request = SharpenRequest(scene, task_bbox(task), "bicubic")
    sharpened = sharpen_area(request, ResultCache(app_data / "cache" / "enhanced"))

    review = run_page(CAMPAIGNS_PAGE, MAYA)
    assert sharpened.key not in map_html(review)  # nothing held: the progress map only
    button(review, "Validate next task").click().run()
    assert not review.exception, review.exception
    assert sharpened.key in map_html(review)  # the enhanced area's tiles, under the fields
    assert sharpened.key not in map_html(run_page(CAMPAIGNS_PAGE, BOSS))  # checks nothing


def test_the_task_checked_is_seen_on_the_date_and_view_chosen_beside_its_decision(
    app_data: Path,
) -> None:
    scene, campaigns, made = campaign_on_sample(app_data, "season")
    map_with_fields(campaigns, made, scene, "Sita")
    task = campaigns.task(made.id, 1)
    request = SharpenRequest(scene, task_bbox(task), "bicubic")  # date 1 only
    sharpened = sharpen_area(request, ResultCache(app_data / "cache" / "enhanced"))

    def date_switch(app: AppTest) -> bool:
        return any(b.key == "campaign-date-1" for b in app.button)

    review = run_page(CAMPAIGNS_PAGE, MAYA)
    assert not date_switch(review)  # nothing checked: the progress map, on date 1
    button(review, "Validate next task").click().run()
    assert any(shown(c.value).startswith("Sita saved 1 field(s)") for c in review.caption)
    first = map_html(review)
    assert f"/{scene.scene_id}/true/" in first and sharpened.key in first
    assert "enhanced, date 1" in first  # the layer says which date it sharpened

    review.button(key="campaign-date-1").click().run()  # date 2: the scene's own tiles
    second = map_html(review)
    assert f"/{scene.scene_id}/true-d1/" in second
    assert sharpened.key in second and "enhanced, date 1" in second  # none of date 2
    review.radio(key="view_mode").set_value("false").run()
    assert f"/{scene.scene_id}/false-d1/" in map_html(review)

    review.text_area(key="task_comment").input("Looks right.")
    button(review, "Validate").click().run()
    assert campaigns.task(made.id, 1).state is TaskState.VALIDATED
    assert not date_switch(review)  # decided: the switch goes with the task


def test_validating_a_task_accepts_its_fields_waiting_for_review_as_shown(app_data: Path) -> None:
    from labels.model import Status

    scene, campaigns, made = campaign_on_sample(app_data, "accept")
    statuses = (Status.SUBMITTED, Status.SUBMITTED, Status.DRAFT)
    ids = [lab.id for lab in map_with_fields(campaigns, made, scene, "Sita", statuses)]
    review = run_page(CAMPAIGNS_PAGE, MAYA)
    button(review, "Validate next task").click().run()
    assert any("accepts its 2 field(s) waiting" in shown(c.value) for c in review.caption)
    changed = campaigns.store.get(ids[1])  # Sita changes a field after the reviewer looked
    campaigns.store.save(changed.replace(crop="maize"), actor="Sita", role=Role.VOLUNTEER)
    button(review, "Validate").click().run()
    assert campaigns.task(made.id, 1).state is TaskState.VALIDATED
    statuses = [campaigns.store.get(i).status for i in ids]
    assert statuses == [Status.ACCEPTED, Status.SUBMITTED, Status.DRAFT]  # as shown, only
    assert campaigns.store.get(ids[0]).reviewer == "Maya"
    [said] = [shown(s.value) for s in review.success if "is validated" in s.value]
    assert "Its 1 field(s) waiting for review are accepted. 1 could not be accepted" in said


def test_review_holds_back_the_fields_of_a_task_sent_back_until_it_is_handed_in_again(
    app_data: Path,
) -> None:
    scene, campaigns, made = campaign_on_sample(app_data, "sent back")
    [field] = map_with_fields(campaigns, made, scene, "Sita")
    checker = run_page(CAMPAIGNS_PAGE, MAYA)
    button(checker, "Validate next task").click().run()
    checker.text_area(key="task_comment").input("The field by the river is missing.")
    button(checker, "Invalidate").click().run()
    assert campaigns.task(made.id, 1).state is TaskState.INVALIDATED

    review = run_page("pages/review.py", Identity("Ram", Role.REVIEWER))
    assert not [b for b in review.button if b.label == "Accept"]  # nothing to accept
    note = "1 field(s) wait in campaign tasks sent back to their mappers to fix"
    assert any(note in c.value for c in review.caption), [c.value for c in review.caption]
    campaigns.map_next(made.id, "Sita")  # she fixes it and hands it in again
    campaigns.mark_mapped(made.id, 1, "Sita")
    review.run()
    assert review.selectbox(key="review_choice").value == field.id
    assert not any(note in c.value for c in review.caption)


def test_a_task_mapped_twice_is_validated_once_one_version_is_kept(app_data: Path) -> None:
    from labels.model import Status

    scene, campaigns, made = _campaign_mapped_twice(app_data)
    for person in ("Sita", "Ram"):
        map_with_fields(campaigns, made, scene, person)
    review = run_page(CAMPAIGNS_PAGE, MAYA)
    button(review, "Validate next task").click().run()
    assert button(review, "Validate").disabled  # two copies of the field would be accepted
    held = campaigns.task(made.id, 1)
    refused = decide(campaigns, held, MAYA, True, "", campaigns.fields(made.id))
    assert not refused.ok and "keep one before you validate" in refused.message
    assert campaigns.task(made.id, 1).state is TaskState.LOCKED_VALIDATION
    button(review, "Keep Ram's version").click().run()
    assert not [b for b in review.button if shown(b.label).startswith("Keep ")]
    button(review, "Validate").click().run()
    [kept] = campaigns.fields(made.id)
    assert (kept.annotator, kept.status) == ("Ram", Status.ACCEPTED)


def test_a_field_saved_mostly_outside_the_task_held_carries_no_task(app_data: Path) -> None:
    campaigns, app, task, drafts = sita_maps_a_task(app_data)
    _, south, east, _ = task.geometry.bounds
    across = box(east - 0.0012, south + 0.001, east + 0.0008, south + 0.002)  # 60 % inside
    outside = box(east + 0.003, south + 0.001, east + 0.005, south + 0.002)  # a leftover
    drafts.save(Draft(new=[across, outside]))
    app.switch_page(LABEL_PAGE).run()
    button(app, "Save & submit").click().run()
    assert not app.exception, app.exception
    saved = {round(lab.geometry.bounds[0], 4): lab for lab in campaigns.store.query()}
    assert saved[round(east - 0.0012, 4)].task_id == task.ref
    assert saved[round(east + 0.003, 4)].task_id is None
    said = [shown(t.value) for t in [*app.success, *app.toast]]
    assert any(f"outside task {task.number}: it carries no task" in s for s in said), said
    assert sum("carries no task" in s for s in said) == 1


def test_a_coordinator_has_the_tasks_of_an_area_drawn_mapped_first(app_data: Path) -> None:
    campaigns = create_campaign(app_data)
    [campaign] = campaigns.campaigns()
    tasks = campaigns.tasks(campaign.id)
    last = tasks[-1]  # the south-east corner: mapped last, unless wanted first
    boss = run_page(CAMPAIGNS_PAGE, BOSS)
    draw_on_the_map(boss, {"type": "Feature", "properties": {}, "geometry": mapping(last.geometry)})
    button(boss, "Map the 1 task(s) in the area drawn first").click().run()
    assert any(f"Mapped first, before the others: task(s) {last.number}." in shown(s.value)
               for s in boss.success)  # fmt: skip
    assert campaigns.map_next(campaign.id, "Sita").number == last.number
    assert button(boss, "Map the 0 task(s) in the area drawn first").disabled
    click_task(boss, campaigns.task(campaign.id, last.number))
    button(boss, NOT_FIRST).click().run()
    assert not campaigns.task(campaign.id, last.number).first


def test_a_coordinator_assigns_the_tasks_of_an_area_drawn_to_a_volunteer(app_data: Path) -> None:
    campaigns = create_campaign(app_data)
    [campaign] = campaigns.campaigns()
    last = campaigns.tasks(campaign.id)[-1]
    boss = run_page(CAMPAIGNS_PAGE, BOSS)
    draw_on_the_map(boss, {"type": "Feature", "properties": {}, "geometry": mapping(last.geometry)})
    button(boss, "Assign the 1 task(s) in the area drawn").click().run()
    assert any("Type the volunteer's name first" in shown(e.value) for e in boss.error)
    boss.text_input(key="assign-drawn").input("Ram").run()
    button(boss, "Assign the 1 task(s) in the area drawn").click().run()
    assert campaigns.task(campaign.id, last.number).assigned_to == "Ram"
    assert campaigns.map_next(campaign.id, "Sita").number != last.number  # Ram's alone
    people = table_with(boss, "tasks assigned, to map")
    assert people.set_index("person").loc["Ram", "tasks assigned, to map"] == 1
    ram = run_page(LABEL_PAGE, Identity("Ram", Role.VOLUNTEER))
    said = "1 task(s) of this campaign are assigned to you: Map next task takes them first."
    assert any(shown(c.value) == said for c in ram.caption)
    click_task(boss, campaigns.task(campaign.id, last.number))
    assert any(shown(m.value).endswith("· assigned to Ram**") for m in boss.markdown)
    button(boss, "Take the assignment back").click().run()
    assert campaigns.task(campaign.id, last.number).assigned_to is None


def test_a_task_too_big_is_split_in_four_and_its_mapper_goes_on_with_one(
    app_data: Path,
) -> None:
    campaigns, app, task, drafts = sita_maps_a_task(app_data)
    before = len(campaigns.tasks(task.campaign_id))
    app.switch_page(LABEL_PAGE).run()
    here = task.geometry.centroid
    drafts.save(Draft(new=[box(here.x, here.y, here.x + 0.001, here.y + 0.001)]))  # since
    button(app, SPLIT_IT).click().run()  # the page's last run: the press sees it, and waits
    assert any(shown(e.value) == SPLIT_WAITS for e in app.error), [e.value for e in app.error]
    assert campaigns.held_by(task.campaign_id, "Sita") == task  # not split
    drafts.save(Draft())  # discarded
    app.run()
    button(app, SPLIT_IT).click().run()
    assert not app.exception, app.exception
    held = campaigns.held_by(task.campaign_id, "Sita")
    assert held is not None and held.number == before + 1  # its north-west part
    assert len(campaigns.tasks(task.campaign_id)) == before + 3
    said = [shown(m) for m in [*(s.value for s in app.success), *(t.value for t in app.toast)]]
    assert any(f"Task {task.number} is split into tasks {before + 1}–{before + 4}" in m
               for m in said), said  # fmt: skip
    assert any(h.value.startswith(f"Task {held.number} · ") for h in app.subheader)
    c = held.geometry.centroid
    drafts.save(Draft(new=[box(c.x, c.y, c.x + 0.001, c.y + 0.001)]))
    app.run()
    assert button(app, SPLIT_IT).disabled  # a drawing not saved yet would lose its task
    assert button(app, SPLIT_IT).help == SPLIT_WAITS
    button(app, "Save & submit").click().run()
    assert [lab.task_id for lab in campaigns.store.query()] == [held.ref]
    button(app, SPLIT_IT).click().run()  # again, with a field saved in its north-east part
    again = campaigns.held_by(task.campaign_id, "Sita")
    assert again is not None and again.number == before + 6  # the part with her field
    assert [lab.task_id for lab in campaigns.store.query()] == [again.ref]
    said = [shown(t.value) for t in app.toast]
    assert any(f"You go on with task {again.number}, where most of your fields are" in m
               for m in said), said  # fmt: skip


def test_a_task_on_bad_imagery_is_set_aside_and_a_coordinator_puts_it_back(
    app_data: Path,
) -> None:
    campaigns, app, task, drafts = sita_maps_a_task(app_data)
    campaign = campaigns.get(task.campaign_id)
    record = Proposals.beside(drafts.path)
    record.queue = [task.geometry.centroid.buffer(0.001)]  # one of Outline all's, waiting
    record.save()
    app.switch_page(LABEL_PAGE).run()  # the test's page follows the app's switch
    button(app, BAD_IMAGERY).click().run()
    question = SET_ASIDE_QUESTION.format(n=task.number)
    assert [w.value for w in app.warning if w.value == question]
    button(app, NOT_YET).click().run()  # nothing changed
    assert campaigns.task(campaign.id, task.number).state is TaskState.LOCKED_MAPPING
    assert not [w for w in app.warning if w.value == question]
    button(app, BAD_IMAGERY).click().run()
    app.text_input(key=SET_ASIDE_REASON).input("Clouds over the whole square").run()
    button(app, SET_IT_ASIDE).click().run()
    assert not app.exception, app.exception
    aside = campaigns.task(campaign.id, task.number)
    assert (aside.state, aside.comment) == (TaskState.BAD_IMAGERY, "Clouds over the whole square")
    assert Proposals.beside(drafts.path).queue == []
    assert [b for b in app.button if b.label == MAP_NEXT]  # free to take another

    total = len(campaigns.tasks(campaign.id))
    sita = run_page(CAMPAIGNS_PAGE, SITA)
    [bar] = sita.get("progress")
    assert f"0 of {total - 1} tasks validated (0%); 1 set aside for bad imagery" in str(bar.proto)
    assert not [b for b in sita.button if "set aside back" in b.label]  # coordinators only
    boss = run_page(CAMPAIGNS_PAGE, BOSS)
    people = table_with(boss, "tasks set aside")
    assert people.set_index("person").loc["Sita", "tasks set aside"] == 1
    [aside_table] = [d.value for d in boss.dataframe if "why" in d.value.columns]
    assert aside_table[["task", "set aside by", "why"]].values.tolist() == [
        [task.number, "Sita", "Clouds over the whole square"]
    ]
    hazy = campaigns.map_next(campaign.id, "Ram")  # a second one, set aside by Ram
    campaigns.set_aside(campaign.id, hazy.number, "Ram", "haze")
    boss.run()
    boss.multiselect(key=f"put-back-{campaign.id}").set_value([task.number]).run()
    button(boss, f"Put task(s) {task.number} back in the queue").click().run()  # that one only
    assert any(f"task(s) {task.number}." in shown(s.value) for s in boss.success)
    assert campaigns.task(campaign.id, task.number).state is TaskState.READY
    assert campaigns.task(campaign.id, hazy.number).state is TaskState.BAD_IMAGERY
    [aside_table] = [d.value for d in boss.dataframe if "why" in d.value.columns]
    assert aside_table[["task", "set aside by", "why"]].values.tolist() == [
        [hazy.number, "Ram", "haze"]
    ]
    button(boss, "Put the 1 task(s) set aside back in the queue").click().run()  # all: Ram's
    assert campaigns.task(campaign.id, hazy.number).state is TaskState.READY
