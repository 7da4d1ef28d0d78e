"""The sign-in (a cookie) and the chosen scene (the address) survive the sidebar's links and a
reload, on every page."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.e2e.harness import ARTIFACTS, sign_in

pytestmark = pytest.mark.e2e


def test_sidebar_navigation_and_reload_keep_the_sign_in_and_scene(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, app_url, "Bina")
    # A second sample, so that "the same scene" is a real check (the default is Sentinel-2).
    page.get_by_role("combobox", name="Sample").click()
    page.keyboard.type("parana")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Use the sample scene").click()
    page.get_by_text("Current scene: parana_farmland_landsat8_20200518.tif").wait_for()

    for title in ("Map", "Label", "Review", "Campaigns", "Export", "Home"):
        page.get_by_test_id("stSidebar").get_by_role("link", name=title).click()
        # The sidebar's link drops the address's query; the page puts it back when it runs.
        path = "/" if title == "Home" else f"/{title.lower()}"
        page.wait_for_url(
            lambda url, path=path: urlparse(url).path == path and "scene=" in url,
            timeout=30_000,
        )
        page.reload()
        page.get_by_test_id("stSidebar").wait_for()
        page.wait_for_timeout(3000)  # the page's script has run
        assert page.get_by_text("Sign in on the Home page first").count() == 0, title
        assert "session=" not in page.url and "scene=samples%3Aparana" in page.url, page.url
    page.get_by_text("Signed in as").wait_for()
    page.get_by_text("Current scene: parana_farmland_landsat8_20200518.tif").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "navigation_after_reloads.png"), full_page=True)
