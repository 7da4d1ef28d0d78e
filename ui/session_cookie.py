"""The sign-in kept in an HttpOnly, SameSite=Strict cookie, never in the page address.

A token in the address travels with every shared link, screenshot, browser history and proxy
log. Instead, after a sign-in the Home page hands the browser a one-time **ticket** (valid
for 60 s, usable once, worthless after); a tiny script posts it to ``POST /session/cookie``
(:func:`routes`), which answers with the cookie. JavaScript cannot read the cookie
(HttpOnly), other sites' pages do not send it (SameSite=Strict), and a link carries nothing
of it. A reload or a new tab reads it (``st.context.cookies``); Sign out revokes the token
on the server, so the cookie then opens nothing.
"""

from __future__ import annotations

import secrets
import threading
import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

COOKIE = "sharpfields_session"
TICKET_SECONDS = 60.0
_tickets: dict[str, tuple[str, float]] = {}  # ticket → (session token, valid until)
_lock = threading.Lock()


def issue_ticket(token: str) -> str:
    """A one-time ticket that turns into the cookie for ``token``."""
    now = time.monotonic()
    ticket = secrets.token_urlsafe(24)
    with _lock:
        for old in [t for t, (_, until) in _tickets.items() if until < now]:
            del _tickets[old]
        _tickets[ticket] = (token, now + TICKET_SECONDS)
    return ticket


def redeem_ticket(ticket: str) -> str | None:
    """The token of a valid ticket (once), else None."""
    with _lock:
        token, until = _tickets.pop(ticket, ("", 0.0))
    return token if token and until >= time.monotonic() else None


def cookie_script(ticket: str) -> str:
    """HTML for ``components.html``: posts the ticket so the browser receives the cookie."""
    return (
        "<script>fetch('/session/cookie', {method: 'POST', credentials: 'same-origin', "
        f"headers: {{'X-Sharpfields-Ticket': '{ticket}'}}}});</script>"
    )


def set_cookie(request: Request) -> Response:
    """POST /session/cookie with a ticket: the HttpOnly, SameSite=Strict session cookie."""
    from ui.auth import session_hours

    token = redeem_ticket(request.headers.get("x-sharpfields-ticket", ""))
    if token is None:
        return Response("no such ticket", status_code=403, media_type="text/plain")
    secure = (
        request.url.scheme == "https"
        or request.headers.get("x-forwarded-proto", "").lower() == "https"
    )
    response = Response(status_code=204)
    response.set_cookie(
        COOKIE, token, max_age=int(session_hours() * 3600), path="/",
        httponly=True, samesite="strict", secure=secure,
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


def routes() -> list[Route]:
    return [Route("/session/cookie", set_cookie, methods=["POST"])]
