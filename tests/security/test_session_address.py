"""Attacks on the sign-in through the page address: a shared link, browser history, proxy
logs. A real server on loopback and chromium: the sign-in lives in an HttpOnly,
SameSite=Strict cookie; the address (and the link for volunteers) carries the scene only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import running_app, sign_in

COORDINATOR_CODE = "address-9"
NOT_SIGNED_IN = "Sign in on the Home page first"


@pytest.fixture(scope="module")
def browser_and_app(
    browser: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[object, str]]:
    data = tmp_path_factory.mktemp("data")
    with running_app(data, SHARPFIELDS_COORDINATOR_CODE=COORDINATOR_CODE) as url:
        yield browser, url


def test_a_shared_address_carries_no_sign_in(browser_and_app: tuple[object, str]) -> None:
    browser, url = browser_and_app
    gita = browser.new_context()  # type: ignore[attr-defined]
    page = gita.new_page()
    sign_in(page, url, "Gita", "Coordinator:", COORDINATOR_CODE)
    assert "session" not in page.url
    [cookie] = [c for c in gita.cookies() if c["name"] == "sharpfields_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "sharpfields_session" not in page.evaluate("document.cookie")  # not for scripts
    # The link for volunteers names the scene only.
    link = page.locator("code", has_text="label?scene=").first.inner_text()
    assert "scene=samples" in link and cookie["value"] not in link and "session" not in link
    # Gita's own tab keeps her signed in across a reload and on another page.
    page.goto(f"{url}/label?{page.url.split('?', 1)[1]}")
    page.get_by_text("signed in as").first.wait_for(timeout=60_000)

    # Someone else opens the address Gita copied, or the old ?session= form with her token.
    other = browser.new_context()  # type: ignore[attr-defined]
    stranger = other.new_page()
    for address in (page.url, link, f"{url}/label?session={cookie['value']}"):
        stranger.goto(address)
        stranger.get_by_text(NOT_SIGNED_IN).wait_for(timeout=60_000)
        assert "session=" not in stranger.url
    other.close()
    gita.close()


def test_sign_out_ends_the_cookies_sign_in(browser_and_app: tuple[object, str]) -> None:
    browser, url = browser_and_app
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, url, "Sita")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()
    page.goto(f"{url}/label")  # the cookie is still in the browser, but revoked
    page.get_by_text(NOT_SIGNED_IN).wait_for(timeout=60_000)
    context.close()
