"""Attacks on the tile route of a real server: no key, a stolen or stale key, malformed
addresses and impossible zoom levels never reach an error page or another scene."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from labels.model import Role
from tests.e2e.harness import running_app
from ui.auth import AuthStore, Identity


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("tiles-data")
    with running_app(data) as url:
        yield url, data


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), response.headers.get("content-type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("content-type", "")


def test_tiles_need_a_key_of_an_open_session(server: tuple[str, Path]) -> None:
    url, data = server
    store = AuthStore(data)  # the same database the server uses
    session, token = store.open_session(Identity("Sita", Role.VOLUNTEER))
    key = store.tile_key(session, "some-scene")
    assert _get(f"{url}/tiles/some-scene/true/13/6000/4000.png")[0] == 403
    assert _get(f"{url}/tiles/some-scene/true/13/6000/4000.png?k=forged.0000")[0] == 403
    # A key is for one scene only.
    assert _get(f"{url}/tiles/other-scene/true/13/6000/4000.png?k={key}")[0] == 403
    # With the key, an unknown scene is a plain 404 (scenes are registered by the pages).
    assert _get(f"{url}/tiles/some-scene/true/13/6000/4000.png?k={key}")[0] == 404
    store.sign_out(token)
    assert _get(f"{url}/tiles/some-scene/true/13/6000/4000.png?k={key}")[0] == 403


def test_malformed_tile_addresses_get_4xx_never_500_or_html(server: tuple[str, Path]) -> None:
    url, data = server
    store = AuthStore(data)
    session, _ = store.open_session(Identity("Sita", Role.VOLUNTEER))
    key = store.tile_key(session, "s")
    cases = {
        f"/tiles/s/true/1100/0/0.png?k={key}": 400,
        f"/tiles/s/true/3/8/0.png?k={key}": 400,  # x beyond 2^z - 1
        f"/tiles/s/true/99999999999999999999/1/1.png?k={key}": 400,
        "/tiles/s/true/-1/0/0.png": 404,
        "/tiles/s/true/a/b/c.png": 404,
        "/tiles/s/true/1/2": 404,
        "/tiles/../../etc/passwd": 400,  # refused by the HTTP server itself
        "/tiles/": 404,
        "/tiles": 404,
    }
    for path, status in cases.items():
        code, body, kind = _get(url + path)
        assert code == status, path
        assert "html" not in kind and b"<html" not in body.lower(), path
