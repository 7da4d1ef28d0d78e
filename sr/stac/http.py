"""Bounded, checked HTTP for STAC catalogue requests (pystac-client's ``StacApiIO``).

A catalogue is a server setting, but what it answers is not trusted: its links (``next``
pages, redirects) may point anywhere and its answers may be slow or huge. Every request
pystac-client makes goes through :func:`open_catalogue`:

* each URL, the catalogue's own included, passes :func:`sr.stac.remote.check_href` (no
  machine-internal host, in any spelling) before it is sent;
* a redirect to another host is refused, and one to the same host is checked again;
* each answer is read within ``SHARPFIELDS_CATALOGUE_SECONDS`` (60) in all — a server
  dripping one byte every few seconds is cut off — and ``SHARPFIELDS_CATALOGUE_MB`` (32).
"""

from __future__ import annotations

import os
import time
from typing import Any
from urllib.parse import urljoin, urlparse

import requests
from pystac_client import Client
from pystac_client.stac_api_io import StacApiIO

from sr.stac.remote import check_href

DEFAULT_SECONDS = 60.0
DEFAULT_MB = 32
_CHUNK = 64 * 1024


class CatalogueAnswerRefused(requests.RequestException):
    """The catalogue's answer broke a limit; the message says which, in plain words."""


def _setting(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def open_catalogue(url: str, timeout_s: float) -> Client:
    """``pystac_client.Client.open`` with every request and answer checked and bounded
    (see module). Client.open resets its StacApiIO's modifier and timeout: both are given."""
    io = StacApiIO(request_modifier=_check_request, timeout=timeout_s, max_retries=None)
    io.session.hooks["response"].append(_bounded_answer)
    io.session.max_redirects = 5
    return Client.open(url, stac_io=io, request_modifier=_check_request, timeout=timeout_s)


def _check_request(request: requests.Request) -> None:
    check_href(str(request.url))


def _bounded_answer(response: requests.Response, **_: Any) -> requests.Response:
    """Refuse cross-host redirects; read the body within the time and size limits."""
    if response.is_redirect:
        target = urljoin(response.url, response.headers.get("location", ""))
        if urlparse(target).netloc != urlparse(response.url).netloc:
            raise CatalogueAnswerRefused(
                f"the catalogue redirected to another host ({urlparse(target).netloc}); "
                "redirects to other hosts are not followed"
            )
        check_href(target)
    seconds = _setting("SHARPFIELDS_CATALOGUE_SECONDS", DEFAULT_SECONDS)
    limit = int(_setting("SHARPFIELDS_CATALOGUE_MB", DEFAULT_MB) * 1024 * 1024)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise CatalogueAnswerRefused(f"the catalogue's answer is larger than {limit >> 20} MB")
    deadline = time.monotonic() + seconds
    body = bytearray()
    while chunk := response.raw.read1(_CHUNK, decode_content=True):  # what has arrived
        body += chunk
        if len(body) > limit:
            response.close()
            raise CatalogueAnswerRefused(f"the catalogue's answer is larger than {limit >> 20} MB")
        if time.monotonic() > deadline:
            response.close()
            raise CatalogueAnswerRefused(f"the catalogue took more than {seconds:g} s to answer")
    response._content = bytes(body)
    response._content_consumed = True
    return response
