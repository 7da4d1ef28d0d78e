"""A campaign in a real browser on the bundled sample: the coordinator draws the area and
creates the campaign, a volunteer maps the next task (draws a field in it, marks it done), a
reviewer validates it (key A, pressed in the map); another task is invalidated (key X) with
a comment and its volunteer sees the comment and gets the task back first, with the comment
in the task panel; she sets it aside for bad imagery, and the coordinator clicks it on the
map and puts it back in the queue.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from labels.campaign_store import CampaignStore
from labels.campaigns import Task, TaskState
from labels.store import open_store
from tests.e2e.campaign_pages import (
    COORDINATOR_CODE,
    WAIT,
    click_when_idle,
    coordinator_on_campaigns,
    create_campaign,
    shot,
    task_taken,
)
from tests.e2e.harness import (
    REVIEWER_CODE,
    draw_square,
    map_box,
    map_centre,
    page_point,
    running_app,
    sign_in,
    wait_idle,
)
from ui.page_keys import ACCEPT_KEY, REJECT_KEY

pytestmark = pytest.mark.e2e


def handed_in(  # type: ignore[no-untyped-def]
    page, data: Path, number: int, state: TaskState = TaskState.MAPPED
) -> Task:
    """Wait until the panel offers the next task again and the store holds the task in
    ``state`` (mapped, or set aside: the message is a toast, gone after a few seconds)."""
    expect(page.get_by_role("button", name="Map next task", exact=True)).to_be_visible(timeout=WAIT)
    campaigns = CampaignStore(open_store(data / "labels", snapshots=False))
    [campaign] = campaigns.campaigns()
    deadline = time.monotonic() + 30
    while (task := campaigns.task(campaign.id, number)).state is not state:
        assert time.monotonic() < deadline, task
        time.sleep(0.2)
    return task


def test_coordinator_volunteer_reviewer_loop(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    with running_app(data, SHARPFIELDS_COORDINATOR_CODE=COORDINATOR_CODE) as url:
        boss, query = coordinator_on_campaigns(browser, url, {"width": 1500, "height": 1100})
        create_campaign(boss, "Danube wheat", "Outline every wheat field.")
        map_centre(boss)
        shot(boss, "1_created")

        sita = browser.new_page(  # a volunteer in Nepal: times in her own zone
            viewport={"width": 1500, "height": 1100}, timezone_id="Asia/Kathmandu"
        )
        sita_query = sign_in(sita, url, "Sita")
        sita.goto(f"{url}/campaigns?{sita_query}")
        click_when_idle(sita, "Map next task")
        first = task_taken(sita, "Danube wheat")  # on the Label page now
        sita.get_by_text("Outline every wheat field.").wait_for(timeout=WAIT)
        sita.get_by_text(re.compile(r"It is yours until \d\d:\d\d your time\.")).wait_for(
            timeout=WAIT
        )
        map_centre(sita)
        sita.get_by_text("Draw fields", exact=True).first.click()
        draw_square(sita, half=40)
        sita.get_by_text("1 unsaved drawing(s)").wait_for(timeout=WAIT)
        click_when_idle(sita, "Save & submit")
        sita.get_by_text("Saved rice field").wait_for(timeout=WAIT)
        shot(sita, "2_mapping")
        click_when_idle(sita, "I'm done with this task")
        handed_in(sita, data, first)
        click_when_idle(sita, "Map next task")
        second = task_taken(sita, "Danube wheat")
        assert second != first
        map_centre(sita)  # the page's run is over (a click during it can be lost)
        click_when_idle(sita, "I'm done with this task")
        handed_in(sita, data, second)

        maya = browser.new_page(viewport={"width": 1500, "height": 1100})
        maya_query = sign_in(maya, url, "Maya", "Reviewer: accept", REVIEWER_CODE)
        maya.goto(f"{url}/campaigns?{maya_query}")
        click_when_idle(maya, "Validate next task")
        maya.get_by_text(f"Checking task {first}").wait_for(timeout=WAIT)  # mapped first
        # Validate by its key, pressed with the keyboard's focus in the map (after a look)
        frame = map_box(maya)  # its page just opened: the map may not be laid out yet
        maya.mouse.click(frame["x"] + 20, frame["y"] + frame["height"] - 20)
        wait_idle(maya)
        maya.keyboard.press(ACCEPT_KEY.lower())
        maya.get_by_text(f"Task {first} is validated").wait_for(timeout=WAIT)
        click_when_idle(maya, "Validate next task")
        maya.get_by_text(f"Checking task {second}").wait_for(timeout=WAIT)
        maya.get_by_label("Comment (needed to invalidate)").fill(
            "The field by the river is missing."
        )
        maya.get_by_label("Comment (needed to invalidate)").press("Tab")
        wait_idle(maya)
        maya.get_by_text(f"Checking task {second}").click()  # the focus on the page
        maya.keyboard.press(REJECT_KEY.lower())  # Invalidate, with the comment
        maya.get_by_text("goes back to its mapper").wait_for(timeout=WAIT)
        map_centre(maya)
        shot(maya, "3_progress")

        sita.goto(f"{url}/label?{sita_query}")
        sita.get_by_text("My fields that need fixing (1)").wait_for(timeout=WAIT)
        sita.get_by_text("The field by the river is missing.").wait_for(timeout=WAIT)
        click_when_idle(sita, "Map next task")
        # her invalidated task comes back to her first
        assert task_taken(sita, "Danube wheat") == second
        sita.get_by_text("Sent back by Maya: The field by the river is missing.").wait_for(
            timeout=WAIT
        )  # with the task, what to fix
        shot(sita, "4_rework")

        # clouds over it: she sets it aside, and the coordinator puts it back later
        click_when_idle(sita, "Can't map it: bad imagery")
        reason = sita.get_by_label("What is wrong with the imagery (optional)")
        reason.fill("Clouds over the north half")
        reason.press("Tab")
        click_when_idle(sita, "Set it aside")
        aside = handed_in(sita, data, second, TaskState.BAD_IMAGERY)
        assert aside.comment == "Clouds over the north half"
        boss.goto(f"{url}/campaigns?{query}")
        boss.get_by_text("1 set aside for bad imagery").wait_for(timeout=WAIT)
        map_centre(boss)
        shot(boss, "5_set_aside")
        wait_idle(boss, steady_s=0.5, timeout_s=WAIT / 1000)
        where = aside.geometry.centroid  # the task chosen by a click on it on the map
        boss.mouse.click(*page_point(boss, where.x, where.y))
        boss.get_by_text(f"Task {second} · bad imagery: Clouds over the north half").wait_for(
            timeout=WAIT
        )
        click_when_idle(boss, "Put it back in the queue")
        boss.get_by_text(f"Back in the queue: task(s) {second}.").wait_for(timeout=WAIT)
        campaigns = CampaignStore(open_store(data / "labels", snapshots=False))
        assert campaigns.task(aside.campaign_id, second).state is TaskState.READY
