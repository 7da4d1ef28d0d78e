"""A coordinator's plan in a real browser on the bundled sample: she clicks a task on the
Campaigns map and assigns it to Ram by name; Ram's Map next task takes that task, not the
first; it is too big for him, so he splits it in four and goes on with its first part, the
parts still his. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labels.campaign_store import CampaignStore
from labels.campaigns import TaskState
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
    draw_square,
    map_centre,
    page_point,
    running_app,
    sign_in,
    wait_idle,
)
from ui.campaign_panel import DONE, SPLIT_IT

pytestmark = pytest.mark.e2e
CAMPAIGN = "Danube maize"


def test_a_task_assigned_on_the_map_is_mapped_by_its_volunteer_and_split(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with running_app(data, SHARPFIELDS_COORDINATOR_CODE=COORDINATOR_CODE) as url:
        boss, _ = coordinator_on_campaigns(browser, url, {"width": 1366, "height": 768})
        create_campaign(boss, CAMPAIGN)
        map_centre(boss)
        campaigns = CampaignStore(open_store(data / "labels", snapshots=False))
        [campaign] = campaigns.campaigns()
        tasks = campaigns.tasks(campaign.id)
        assert len(tasks) > 1
        chosen = tasks[-1]  # the last: Map next task would never take it first on its own
        wait_idle(boss, steady_s=0.5, timeout_s=WAIT / 1000)
        where = chosen.geometry.centroid
        boss.mouse.click(*page_point(boss, where.x, where.y))
        boss.get_by_text(f"Task {chosen.number} · ready").first.wait_for(timeout=WAIT)
        boss.get_by_label("Assign to (a volunteer's name)").fill("Ram")
        click_when_idle(boss, f"Assign task {chosen.number}")  # no Enter, no Tab first
        boss.get_by_text(f"Assigned to Ram: task(s) {chosen.number}.").wait_for(timeout=WAIT)
        assert campaigns.task(campaign.id, chosen.number).assigned_to == "Ram"
        shot(boss, "plan_1_assigned")

        ram = browser.new_page(viewport={"width": 1366, "height": 768})
        ram.goto(f"{url}/campaigns?{sign_in(ram, url, 'Ram')}")
        click_when_idle(ram, "Map next task")
        assert task_taken(ram, CAMPAIGN) == chosen.number  # his, before the first task
        map_centre(ram)
        click_when_idle(ram, SPLIT_IT)
        ram.get_by_text(f"Task {chosen.number} is split into tasks").first.wait_for(timeout=WAIT)
        first_part = task_taken(ram, CAMPAIGN)
        assert first_part > tasks[-1].number  # numbered after the campaign's last task
        shot(ram, "plan_2_split")

        # a field drawn and I'm done pressed at once: the press waits for the map's report of
        # the drawing (after 250 ms of quiet), so the panel asks about it; nothing handed in
        map_centre(ram)
        ram.get_by_text("Draw fields", exact=True).first.click()
        wait_idle(ram, steady_s=0.5, timeout_s=WAIT / 1000)
        draw_square(ram, half=30)
        ram.get_by_role("button", name=DONE, exact=True).click()
        ram.get_by_text(f"Task {first_part} still has 1 unsaved drawing(s)").wait_for(timeout=WAIT)
        assert campaigns.task(campaign.id, first_part).state is TaskState.LOCKED_MAPPING

        parts = [t for t in campaigns.tasks(campaign.id) if t.number > chosen.number]
        assert parts[0].number == first_part and 2 <= len(parts) <= 4
        assert all(t.assigned_to == "Ram" for t in parts)  # the plan holds for every part
        assert campaigns.held_by(campaign.id, "Ram").number == first_part
        assert [t.state for t in parts[1:]] == [TaskState.READY] * (len(parts) - 1)
        assert chosen.number not in {t.number for t in campaigns.tasks(campaign.id)}
