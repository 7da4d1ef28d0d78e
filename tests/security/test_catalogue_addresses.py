"""Attacks through a hostile STAC catalogue: internal addresses in other spellings, redirects
to other hosts, answers that drip or never end, and remote images too large to read. All
offline: the hostile catalogue and image host are servers on loopback (where the tests' own
catalogue lives too, so loopback stays allowed, as the policy says)."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from sr.stac.area import area_from_bbox
from sr.stac.remote import AssetError, check_href, open_remote, remote_env
from sr.stac.search import CatalogError, StacSettings, search_items
from tests.security.hostile_rasters import sparse_giant
from tests.stac_catalog import RangeServer

METADATA_SPELLINGS = [
    "http://2852039166/latest/meta-data/a.tif",  # decimal
    "http://0xA9FEA9FE/a.tif",  # hexadecimal
    "http://0xa9.0xfe.0xa9.0xfe/a.tif",
    "http://169.254.43518/a.tif",  # short form
    "http://0251.0376.0251.0376/a.tif",  # octal
    "http://[::ffff:169.254.169.254]/a.tif",  # IPv4-mapped IPv6
    "http://[::ffff:a9fe:a9fe]/a.tif",
    "http://metadata.google.internal./a.tif",  # trailing dot
    "http://METADATA.google.internal/a.tif",
    "http://[fd00:ec2::254]/a.tif",  # AWS IPv6 metadata
    "http://0/a.tif",  # 0.0.0.0
    "http://[::]/a.tif",
    "http://224.0.0.251/a.tif",  # multicast
    "http://[fe80::1%25eth0]/a.tif",
]


@pytest.mark.parametrize("href", METADATA_SPELLINGS)
def test_internal_addresses_are_refused_in_every_spelling(href: str) -> None:
    with pytest.raises(AssetError, match="machine-internal"):
        check_href(href)


def test_loopback_and_private_catalogues_stay_allowed() -> None:
    for href in ("http://127.0.0.1:8000/a.tif", "http://10.1.2.3/a.tif", "http://localhost/a"):
        assert check_href(href) == href


class Hostile(http.server.BaseHTTPRequestHandler):
    """/redirect: to another host; /drip: one byte every 0.25 s; /huge: 40 MB of JSON."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
        elif self.path.startswith("/drip"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "60")
            self.end_headers()
            for _ in range(60):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.25)
        elif self.path.startswith("/huge"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()  # no length: read until the server closes
            self.wfile.write(b'{"type": "Catalog", "id": "')
            try:
                for _ in range(40):
                    self.wfile.write(b"x" * 1024 * 1024)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def hostile() -> Iterator[str]:
    Hostile.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _search(url: str) -> None:
    search_items(
        area_from_bbox(16.0, 48.0, 16.01, 48.01), "2024-07-01/2024-07-31", 50,
        StacSettings(catalog_url=url, timeout_s=10),
    )  # fmt: skip


def test_a_redirect_to_another_host_is_not_followed(hostile: str) -> None:
    with pytest.raises(CatalogError, match="redirected to another host"):
        _search(f"{hostile}/redirect")
    assert Hostile.seen == ["/redirect"]


def test_a_dripping_catalogue_is_cut_off(hostile: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARPFIELDS_CATALOGUE_SECONDS", "2")
    with pytest.raises(CatalogError, match="took more than 2 s"):
        _search(f"{hostile}/drip")


def test_a_huge_catalogue_answer_is_not_read_whole(
    hostile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARPFIELDS_CATALOGUE_MB", "1")
    with pytest.raises(CatalogError, match="larger than 1 MB"):
        _search(f"{hostile}/huge")


def test_a_catalogue_at_an_internal_address_is_not_asked(hostile: str) -> None:
    with pytest.raises(CatalogError, match="machine-internal"):
        _search("http://0xA9FEA9FE/v1")


def test_a_remote_image_beyond_the_local_caps_is_refused_from_its_header(tmp_path: Path) -> None:
    sparse_giant(tmp_path / "giant.tif")
    images = RangeServer(tmp_path)
    try:
        with remote_env(), pytest.raises(AssetError, match=r"is not read: .*95\.4 GiB"):
            open_remote(f"{images.url}/giant.tif")
    finally:
        images.close()
