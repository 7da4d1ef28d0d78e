"""In a real browser: a reviewer accepts fields with key A, on the page or with the keyboard's
focus in the maps (a frame of their own), and typing an "a" in the comment accepts nothing;
key D shows the next date from the maps too;
key X rejects with a reason picked, and says why not without one."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from shapely.geometry import box

from labels.model import Status
from labels.review_reasons import REASONS
from labels.store import open_store
from sr.imagery.scene import open_scene
from tests.e2e.harness import REVIEWER_CODE, map_box, map_centre, running_app, sign_in, wait_idle
from tests.ui.conftest import save_on_sample
from ui.page_keys import ACCEPT_KEY, NEXT_DATE_KEY, REJECT_KEY
from ui.review_feedback import NEEDS_A_REASON
from ui.settings import SAMPLE_SCENE

pytestmark = pytest.mark.e2e


def test_key_a_accepts_the_field_on_screen_from_the_page_and_from_the_maps(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    scene = open_scene(SAMPLE_SCENE)
    c, dates = scene.footprint.centroid, scene.dates
    fields = [box(c.x + i * 0.004, c.y, c.x + i * 0.004 + 0.003, c.y + 0.002) for i in range(3)]
    save_on_sample(data, fields, "rice")
    with running_app(data) as url:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{url}/review?{sign_in(page, url, 'Maya', 'Reviewer: accept', REVIEWER_CODE)}")
        page.get_by_text("Reviewed 0 of 3").wait_for(timeout=60_000)
        map_centre(page)
        wait_idle(page)
        page.get_by_placeholder("Comment (needed to reject)").click()
        page.keyboard.type("a stray key")  # typing: no accept
        wait_idle(page, steady_s=2.0)
        page.get_by_text("Reviewed 0 of 3").wait_for(timeout=30_000)

        page.get_by_text("Reviewed 0 of 3").click()  # the keyboard's focus back on the page
        page.keyboard.press(ACCEPT_KEY.lower())
        page.get_by_text("Reviewed 1 of 3").wait_for(timeout=60_000)
        frame = map_box(page)
        wait_idle(page)
        page.mouse.click(frame["x"] + 40, frame["y"] + frame["height"] / 2)  # focus in the map
        page.keyboard.press(NEXT_DATE_KEY)  # the next date, from the map too
        page.get_by_text(f"Date on screen: {dates[1].label}").wait_for(timeout=60_000)
        map_centre(page)
        wait_idle(page)
        page.mouse.click(frame["x"] + 40, frame["y"] + frame["height"] / 2)
        page.keyboard.press(ACCEPT_KEY.lower())
        page.get_by_text("Reviewed 2 of 3").wait_for(timeout=60_000)

        # X rejects: without a reason it says why not; a reason picked fills the comment
        wait_idle(page)
        page.get_by_text("Reviewed 2 of 3").click()
        page.keyboard.press(REJECT_KEY.lower())
        page.get_by_text(NEEDS_A_REASON).wait_for(timeout=60_000)
        page.locator("[data-testid=stButtonGroup]").get_by_text("Not a field").click()
        comment = page.get_by_placeholder("Comment (needed to reject)")
        expect(comment).to_have_value(REASONS["Not a field"], timeout=60_000)
        wait_idle(page)
        page.get_by_text("Reviewed 2 of 3").click()
        page.keyboard.press(REJECT_KEY.lower())
        page.get_by_text("Queue done — 2 accepted, 1 rejected.").first.wait_for(timeout=60_000)

    store = open_store(data / "labels")
    statuses = sorted((lab.status, lab.reviewer) for lab in store.query())
    assert statuses.count((Status.ACCEPTED, "Maya")) == 2
    [rejected] = [lab for lab in store.query() if lab.status is Status.REJECTED]
    assert (rejected.reviewer, rejected.review_comment) == ("Maya", REASONS["Not a field"])
    store.close()
