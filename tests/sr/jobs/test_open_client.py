"""Opening a cluster client: one that fails half-way is closed at once, not by the garbage
collector later (where its close can deadlock another client that is starting)."""

from __future__ import annotations

import gc
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
from distributed import Client, Security

from sr.jobs.cluster import open_client


@pytest.fixture()
def closing_listener() -> Iterator[str]:
    """A tls:// address whose listener accepts and hangs up at once."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def hang_up() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            connection.close()

    threading.Thread(target=hang_up, daemon=True).start()
    yield f"tls://127.0.0.1:{port}"
    server.close()


def _half_open_clients() -> int:
    """Clients left neither closed nor unstarted (these close in ``__del__``)."""
    return sum(
        1
        for found in gc.get_objects()
        if issubclass(type(found), Client) and found.status not in ("closed", "newly-created")
    )


def _fails_half_way(open_one: Callable[[], Client]) -> int:
    """How many more half-open clients there are after ``open_one`` fails (no TLS context)."""
    gc.collect()
    before = _half_open_clients()
    gc.disable()
    try:
        with pytest.raises(TypeError, match="ssl_context"):
            open_one()
        return _half_open_clients() - before
    finally:
        gc.enable()


def test_a_client_that_fails_half_way_is_closed_at_once(closing_listener: str) -> None:
    no_certificate = Security(require_encryption=True)
    assert _fails_half_way(lambda: open_client(closing_listener, no_certificate, "2s")) == 0


def test_a_plain_client_would_be_left_half_open(closing_listener: str) -> None:
    """The hazard itself: distributed leaves such a client for the garbage collector."""
    no_certificate = Security(require_encryption=True)

    def plain() -> Client:
        return Client(closing_listener, security=no_certificate, timeout="2s", set_as_default=False)

    assert _fails_half_way(plain) == 1
