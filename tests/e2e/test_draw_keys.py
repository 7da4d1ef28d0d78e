"""In a real browser: the keyboard while drawing a field — Ctrl+Z and Backspace remove the
last corner, Esc asks before throwing the outline away, Enter finishes it."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import MAP, draw_fields_tool, map_centre, sign_in

pytestmark = pytest.mark.e2e

CORNER = ".leaflet-editing-icon"  # Leaflet.draw's marker on each corner drawn so far


def test_keys_while_drawing(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{app_url}/label?{sign_in(page, app_url, 'Keys')}")
    map_centre(page)
    draw_fields_tool(page)
    x, y = map_centre(page)
    frame = page.frame_locator(MAP).last
    frame.locator(".leaflet-draw-draw-polygon").click()
    frame.locator(".leaflet-draw-tooltip").first.wait_for()
    corners = frame.locator(CORNER)
    for dx, dy in [(-60, -60), (60, -60), (60, 60), (-60, 60)]:
        page.mouse.click(x + dx, y + dy)
        time.sleep(0.25)  # Leaflet.draw drops clicks closer than 50 ms apart
    expect(corners).to_have_count(4)

    page.keyboard.press("Control+z")
    expect(corners).to_have_count(3)
    page.keyboard.press("Backspace")
    expect(corners).to_have_count(2)
    page.mouse.click(x - 60, y + 60)
    expect(corners).to_have_count(3)

    questions: list[str] = []

    def answer_no(dialog) -> None:  # type: ignore[no-untyped-def]
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer_no)
    page.keyboard.press("Escape")
    time.sleep(0.5)
    assert questions == ["Throw away the outline you are drawing?"]
    expect(corners).to_have_count(3)  # kept

    page.keyboard.press("Enter")  # finishes the triangle
    page.get_by_text("1 unsaved drawing(s)").wait_for(timeout=30_000)
