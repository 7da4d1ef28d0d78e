"""A free TCP port on loopback, for the servers the tests start (PostgreSQL, Streamlit, Dask,
the STAC catalogue)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
