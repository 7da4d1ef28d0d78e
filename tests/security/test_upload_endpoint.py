"""Attacks on Streamlit's upload endpoint (``PUT /_stcore/upload_file/<session>/<id>``): an
anonymous tab must not be able to put files in the server's memory, a volunteer neither, and
a coordinator's tab holds at most one upload's worth. A real server on loopback."""

from __future__ import annotations

import asyncio
import re
import select
import socket
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psutil
import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from labels.model import Role
from tests.e2e.harness import running_app
from ui import upload_gate
from ui.auth import shared_auth_store

COORDINATOR_CODE = "upload-gate-7"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's data folder (its server log is read when a browser wait fails)."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def app_url(app_data: Path) -> Iterator[str]:
    with running_app(app_data, SHARPFIELDS_COORDINATOR_CODE=COORDINATOR_CODE) as url:
        yield url


def _server_process(url: str) -> psutil.Process:
    port = urlparse(url).port
    for child in psutil.Process().children(recursive=True):
        if "server.py" in child.cmdline() and str(port) in child.cmdline():
            return child
    raise LookupError("the app's process is not a child of this one")


def _xsrf_cookie(url: str) -> str:
    """The XSRF cookie every visitor gets (the browser fetches the health address first)."""
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "_streamlit_xsrf":
                return rest.split(";", 1)[0]
    raise LookupError("no _streamlit_xsrf cookie")


async def _open_session(url: str, xsrf: str) -> tuple[str, websockets.ClientConnection]:
    """What a browser tab does on the home page: a websocket session (the page runs)."""
    ws = await websockets.connect(
        url.replace("http://", "ws://") + "/_stcore/stream",
        subprotocols=["streamlit", xsrf],  # type: ignore[list-item]
        additional_headers={"Cookie": f"_streamlit_xsrf={xsrf}", "Origin": url},
        max_size=None,
    )
    back = BackMsg()
    back.rerun_script.query_string = ""
    back.rerun_script.page_script_hash = ""
    await ws.send(back.SerializeToString())
    async with asyncio.timeout(60):
        while True:
            msg = ForwardMsg.FromString(await ws.recv())  # type: ignore[arg-type]
            if msg.WhichOneof("type") == "new_session":
                return msg.new_session.initialize.session_id, ws


def _put(url: str, session_id: str, file_id: str, xsrf: str, size: int) -> int:
    """PUT a ``size``-byte file the way the browser does; the HTTP status. If the server
    answers before the body is sent, the body is not sent at all."""
    boundary = "sharpfieldsboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="big.tif"\r\nContent-Type: image/tiff\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + size + len(tail)
    parsed = urlparse(url)
    request = (
        f"PUT /_stcore/upload_file/{session_id}/{file_id} HTTP/1.1\r\n"
        f"Host: {parsed.netloc}\r\nX-Xsrftoken: {xsrf}\r\nCookie: _streamlit_xsrf={xsrf}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((parsed.hostname, parsed.port), timeout=120) as sock:
        sock.sendall(request)
        answered, _, _ = select.select([sock], [], [], 5)
        if not answered:  # the server waits for the body: send it
            try:
                sock.sendall(head)
                chunk = b"\0" * MB
                for _ in range(size // MB):
                    sock.sendall(chunk)
                sock.sendall(b"\0" * (size % MB) + tail)
            except (BrokenPipeError, ConnectionResetError):
                pass
        reply = sock.recv(4096).decode("latin-1")
    return int(reply.split(" ", 2)[1])


def test_anonymous_uploads_are_refused_and_use_no_memory(app_url: str) -> None:
    server = _server_process(app_url)
    xsrf = _xsrf_cookie(app_url)

    async def attack() -> tuple[list[int], int, int]:
        session_id, ws = await _open_session(app_url, xsrf)
        before = server.memory_info().rss
        statuses = [_put(app_url, session_id, f"f{i}", xsrf, 150 * MB) for i in range(3)]
        after = server.memory_info().rss
        await ws.close()
        return statuses, before, after

    with ThreadPoolExecutor(1) as thread:  # its own loop: a browser's may run in this thread
        statuses, before, after = thread.submit(asyncio.run, attack()).result()
    assert statuses == [403, 403, 403]
    # Three 150 MB files held in memory would be +450 MB (161 → 612 MB on main).
    assert after - before < 30 * MB, f"RSS grew by {(after - before) / MB:.0f} MB"
    assert urllib.request.urlopen(f"{app_url}/_stcore/health", timeout=30).status == 200


def test_only_a_signed_in_coordinators_tab_may_upload_one_file_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    monkeypatch.setenv("SHARPFIELDS_COORDINATOR_CODE", COORDINATOR_CODE)
    monkeypatch.setenv("SHARPFIELDS_MAX_UPLOAD_MB", "5")
    auth = shared_auth_store(tmp_path)
    volunteer = auth.sign_in("Vera", Role.VOLUNTEER)
    coordinator = auth.sign_in("Gita", Role.COORDINATOR, role_code=COORDINATOR_CODE)
    monkeypatch.setattr(
        upload_gate, "_tokens", {"tab-v": volunteer.token, "tab-c": coordinator.token}
    )
    assert upload_gate.refusal("tab-unknown", "100") == (403, "sign in first")
    assert upload_gate.refusal("tab-v", "100") == (403, "only coordinators add scenes")
    assert upload_gate.refusal("tab-c", "100") is None
    assert upload_gate.refusal("tab-c", None) is not None  # chunked, no declared length
    assert upload_gate.refusal("tab-c", str(7 * MB))[0] == 413  # type: ignore[index]
    auth.sign_out(coordinator.token)
    assert upload_gate.refusal("tab-c", "100") == (403, "sign in first")


def test_a_coordinator_still_uploads_a_scene_in_a_browser(
    browser: Any, app_url: str, app_data: Path
) -> None:
    from tests.e2e.harness import sign_in, wait_for_text_or_report
    from ui.settings import SAMPLE_SCENE

    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, app_url, "Gita Upload", "Coordinator:", COORDINATOR_CODE)
        page.get_by_text("Upload a GeoTIFF").click()
        page.locator("input[type=file]").set_input_files(str(SAMPLE_SCENE))
        page.wait_for_url(re.compile(r"scene=uploads"), timeout=60_000)  # the uploaded copy
        # The kept copy is named by its content, not the bundled sample's name, which the
        # page showed before the upload: waiting for that name could pass on the old page.
        kept = re.compile(rf"Current scene: {SAMPLE_SCENE.stem}-[0-9a-f]{{16}}\.tif")
        wait_for_text_or_report(page, kept, app_data)
    finally:
        context.close()
