"""In a real browser: the Label page's date switch, by button and by the key D, shows the
other date's tiles (the bundled sample has two dates)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import MAP, map_centre, scene_tiles, sign_in

pytestmark = pytest.mark.e2e


def test_date_buttons_and_the_d_key_switch_the_tiles(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{app_url}/label?{sign_in(page, app_url, 'Dawa')}")
    map_centre(page)
    expect(page.get_by_text("Date on screen: date 1")).to_be_visible(timeout=30_000)
    scene_tiles(page, "true").first.wait_for(timeout=60_000)

    page.get_by_role("button", name="date 2", exact=True).click()
    expect(page.get_by_text("Date on screen: date 2")).to_be_visible(timeout=30_000)
    map_centre(page)
    scene_tiles(page, "true-d1").first.wait_for(timeout=60_000)
    assert scene_tiles(page, "true").count() == 0  # the first date's tiles are gone

    # The key D (outside the map) goes to the next date: back to the first.
    page.get_by_text("Date on screen: date 2").click()  # focus on the page, not the map
    page.keyboard.press("d")
    expect(page.get_by_text("Date on screen: date 1")).to_be_visible(timeout=30_000)
    map_centre(page)
    scene_tiles(page, "true").first.wait_for(timeout=60_000)
    assert scene_tiles(page, "true-d1").count() == 0

    # Typing a d in a text box types it; the date stays.
    goto = page.get_by_label("Go to (lat, lon or west, south, east, north)")
    goto.press_sequentially("dd")
    expect(goto).to_have_value("dd")
    page.wait_for_timeout(3000)
    expect(page.get_by_text("Date on screen: date 1")).to_be_visible()


def test_the_swipe_shows_the_other_date_right_of_the_slider(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{app_url}/label?{sign_in(page, app_url, 'Pema')}")
    map_centre(page)
    page.get_by_text("Swipe to another date").click()
    map_centre(page)
    frame = page.frame_locator(MAP).last
    slider = frame.locator(".sharpfields-swipe input[type=range]")
    slider.wait_for(timeout=60_000)
    scene_tiles(page, "true").first.wait_for(timeout=60_000)  # date 1 under
    scene_tiles(page, "true-d1").first.wait_for(timeout=60_000)  # date 2 over, clipped

    def clip_left() -> float:
        style = frame.locator("img[src*='/true-d1/']").first.evaluate(
            "img => img.parentElement.parentElement.style.clip"
        )
        return float(style.split("(")[1].split(",")[3].strip().removesuffix("px)"))

    half = clip_left()
    slider.evaluate("r => { r.value = 20; r.dispatchEvent(new Event('input')); }")
    expect(frame.locator(".sharpfields-swipe")).to_contain_text("date 1")
    assert clip_left() < half  # more of date 2 shows when the slider moves left
