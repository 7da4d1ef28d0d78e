"""A gate in front of Streamlit's upload endpoint (``PUT /_stcore/upload_file/<session>/<id>``).

Streamlit accepts a file from any browser tab that has a websocket session, before the page
script runs, and keeps it in memory; the app's own checks (coordinators only, quotas) come
too late. This ASGI middleware (mounted in server.py) answers before a byte of the body is
read:

* the Streamlit session must belong to a signed-in **coordinator** (the pages note which
  sign-in a Streamlit session carries, :func:`note_session`), else 403;
* the request must declare its length (411) and, with what the session already holds,
  stay within one upload (``SHARPFIELDS_MAX_UPLOAD_MB``), else 413; the body is counted
  as it streams, so a lying client is cut off too.

So anonymous visitors and volunteers cannot put anything in the server's memory, and a
coordinator's tab holds at most one upload's worth.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ui.auth import shared_auth_store
from ui.scene_choice import max_upload_bytes
from ui.settings import data_dir

log = logging.getLogger("sharpfields.uploads")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_UPLOAD_PATH = re.compile(r"/_stcore/upload_file/(?P<session>[^/]+)/(?P<file>[^/]+)/?$")
_tokens: dict[str, str] = {}  # Streamlit session id → the sign-in token it carries
_tokens_lock = threading.Lock()


def note_session(token: str) -> None:
    """Remember which sign-in (token, or "" for none) this page run's Streamlit session
    carries, so that the upload gate knows who is uploading."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    with _tokens_lock:
        if token:
            _tokens[ctx.session_id] = token
        else:
            _tokens.pop(ctx.session_id, None)


def _held_bytes(session_id: str) -> int:
    """Bytes Streamlit holds for this session's uploads now."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return 0
    storage = getattr(Runtime.instance().uploaded_file_mgr, "file_storage", {})
    return sum(len(rec.data) for rec in storage.get(session_id, {}).values())


def refusal(session_id: str, declared_length: str | None) -> tuple[int, str] | None:
    """Why an upload into ``session_id`` is refused (HTTP status, message), or None."""
    with _tokens_lock:
        token = _tokens.get(session_id, "")
    session = shared_auth_store(data_dir()).session(token) if token else None
    if session is None:
        return 403, "sign in first"
    if not session.identity.is_coordinator:
        return 403, "only coordinators add scenes"
    if declared_length is None or not declared_length.isdigit():
        return 411, "the upload must declare its length"
    if int(declared_length) + _held_bytes(session_id) > max_upload_bytes() + 1024 * 1024:
        return 413, "the upload is larger than this server accepts"
    return None


class UploadGate:
    """ASGI middleware: uploads only for signed-in coordinators, bounded per session."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = _UPLOAD_PATH.search(scope.get("path", "")) if scope["type"] == "http" else None
        if match is None or scope.get("method") not in ("PUT", "POST"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        session_id = match.group("session")
        refused = refusal(session_id, headers.get("content-length"))
        if refused is not None:
            status, message = refused
            client = (scope.get("client") or ("?", 0))[0]
            log.warning(
                "upload refused (%d, %s) for session %s from %s",
                status,
                message,
                session_id[:8],
                client,
            )
            await _answer(send, status, message)
            return
        limit = int(headers["content-length"])
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise ValueError("the upload sent more than it declared")
            return message

        await self.app(scope, counted, send)


async def _answer(send: Send, status: int, message: str) -> None:
    body = message.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
