"""Steps on the Campaigns and Label pages that the campaign browser tests share."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.e2e.harness import ARTIFACTS, draw_square, sign_in, wait_idle

WAIT = 120_000  # ms: the machine running the tests is busy
COORDINATOR_CODE = "e2e-boss"  # the app's SHARPFIELDS_COORDINATOR_CODE in these tests


def coordinator_on_campaigns(browser, url: str, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    """A coordinator ("Boss") signed in, on the Campaigns page: (the page, its sign-in query)."""
    page = browser.new_page(viewport=viewport)
    query = sign_in(page, url, "Boss", "Coordinator: review", COORDINATOR_CODE)
    page.goto(f"{url}/campaigns?{query}")
    return page, query


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A screenshot of the whole page, test-artifacts/campaign_<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"campaign_{name}.png"), full_page=True)


def click_when_idle(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Click the button once the page's script is idle: a run under way can show a stale copy
    of it beside the new one (CI: two "Invalidate" after the comment's Tab started a run). On
    a busy machine that run may start only after the page looked idle: then the click finds
    two, and is tried again once the page is idle again."""
    deadline = time.monotonic() + WAIT / 1000
    button = page.get_by_role("button", name=name, exact=True)
    while True:
        wait_idle(page, steady_s=0.5, timeout_s=WAIT / 1000)
        expect(button).to_have_count(1, timeout=WAIT)
        expect(button).to_be_enabled(timeout=WAIT)
        try:
            button.click(timeout=WAIT)
            return
        except PlaywrightError as exc:
            if "strict mode violation" not in str(exc) or time.monotonic() > deadline:
                raise


def create_campaign(page, name: str, instructions: str = "") -> None:  # type: ignore[no-untyped-def]
    """On the Campaigns page: name the campaign, draw its area over the sample, create it."""
    page.get_by_label("Name").fill(name)
    if instructions:
        page.get_by_label("Instructions for volunteers").fill(instructions)
    page.get_by_text("Sharpen the next tasks").click()  # no cluster needed here
    draw_square(page, half=200)
    page.get_by_text("Area chosen:").wait_for(timeout=WAIT)
    click_when_idle(page, "Create campaign")
    page.get_by_text(f"Created '{name}'").wait_for(timeout=WAIT)


def task_taken(page, campaign: str) -> int:  # type: ignore[no-untyped-def]
    """The number of the task the Label page's panel shows ("Task N · <campaign>")."""
    heading = page.get_by_text(re.compile(rf"^Task \d+ · {re.escape(campaign)}$"))
    heading.first.wait_for(timeout=WAIT)
    return int(heading.first.inner_text().split()[1])
