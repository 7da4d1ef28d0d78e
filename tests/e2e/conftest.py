"""Fixtures for end-to-end tests: a real sharpfields server and Debian's chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import running_app


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A shared app for read-only browser tests."""
    with running_app(tmp_path_factory.mktemp("sharpfields-data")) as url:
        yield url


@pytest.fixture()
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()
