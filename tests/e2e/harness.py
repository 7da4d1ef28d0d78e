"""A real sharpfields server and Debian's chromium, for browser tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tests.ports import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from labels.model import Label

PROJECT_ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
MAP = 'iframe[title="streamlit_folium.st_folium"]'
BROWSER_WAIT_MS = 90_000  # a wait or click in a browser test that names no timeout
MIN_MAP_HEIGHT = 200  # px; every page's map is taller, a frame not yet sized is 150
AREA_CAPTION = "→"  # the Label page's chosen area: "w, s → e, n"


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("the app did not become healthy in time")


REVIEWER_CODE = "e2e-paddy"

# Every frame for 30 s from when it runs (add it as an init script to start at each page
# load), while a Save & submit button is on the page: [ms, the first one's top, whether it
# shows (CSS visibility too), how many show], in ``window.__saveTrace``.
SAVE_TRACE = """
(() => {
  const start = performance.now();
  window.__saveTrace = [];
  function sample() {
    const saves = Array.prototype.filter.call(document.querySelectorAll("button"),
      (b) => (b.innerText || "").trim() === "Save & submit");
    if (saves.length) window.__saveTrace.push([
      Math.round(performance.now() - start),
      Math.round(saves[0].getBoundingClientRect().top),
      saves[0].checkVisibility({visibilityProperty: true}),
      saves.filter((b) => b.checkVisibility()).length,
    ]);
    if (performance.now() - start < 30000) requestAnimationFrame(sample);  // a slow load too
  }
  requestAnimationFrame(sample);
})();
"""


@contextlib.contextmanager
def running_app(data_dir: Path, **env: str) -> Iterator[str]:
    """Run `streamlit run server.py` on a free port with its own data folder; yield its URL."""
    port = free_port()
    environment = {
        **os.environ,
        "SHARPFIELDS_DATA": str(data_dir),
        "SHARPFIELDS_REVIEWER_CODE": REVIEWER_CODE,
        **env,
    }
    log = open(data_dir / f"server-{port}.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "server.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class GenerousBrowser:
    """A Playwright browser whose new contexts and pages wait :data:`BROWSER_WAIT_MS` where a
    test gives no timeout (Playwright's 30 s is short on a busy two-core machine); anything
    else is the browser's own."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        context.set_default_timeout(BROWSER_WAIT_MS)
        return context

    def new_page(self, **options: Any) -> Any:
        page = self._browser.new_page(**options)
        page.set_default_timeout(BROWSER_WAIT_MS)
        return page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


def launch_chromium(playwright: Any) -> GenerousBrowser:
    """Debian's chromium, headless, with no background network traffic."""
    return GenerousBrowser(
        playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    )


@contextlib.contextmanager
def bench_browser(
    name: str = "Bench",
    data: Path | None = None,
    /,
    *,
    role: tuple[str, str] = ("", ""),
    size: tuple[int, int] = (1500, 1000),
    env: Mapping[str, str] | None = None,
) -> Iterator[tuple[GenerousBrowser, Page, str, str]]:
    """For benchmarks: a fresh app in ``data`` or a temporary data folder (``env``: more
    environment for its server), chromium, and a page of ``size`` (width, height) signed in
    as ``name`` (``role``: the role's text on the sign-in form and its access code); yields
    (browser, page, app URL, the pages' query string)."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as tmp,
        running_app(data or Path(tmp), **(env or {})) as url,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        page.set_default_timeout(180_000)
        try:
            yield browser, page, url, sign_in(page, url, name, *role)
        finally:
            browser.close()


def sign_in(
    page: Page, url: str, name: str, role_text: str = "", code: str = "", personal: str = ""
) -> str:
    """Sign in on the home page (a new name gets a personal code, ``personal`` signs in an
    existing one); returns the page address's query string (the scene) for other pages: the
    sign-in itself is in the browser's cookie."""
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    if personal:
        page.get_by_label("Your personal code").fill(personal)
    if role_text:
        page.get_by_text(role_text).click()
        page.get_by_label("Access code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()
    wait_for_session_cookie(page)
    return page.url.split("?", 1)[1] if "?" in page.url else ""  # scene=… (no sign-in)


def wait_for_session_cookie(page, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    """Wait until the browser holds the sign-in cookie (fetched just after the sign-in), so
    that pages opened from here on are signed in."""
    deadline = time.monotonic() + timeout
    while not any(c["name"] == "sharpfields_session" for c in page.context.cookies()):
        if time.monotonic() > deadline:
            raise TimeoutError("the browser never received the sign-in cookie")
        page.wait_for_timeout(100)


def map_centre(page, tiles: bool = True) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The map's centre on the page, once it is settled (see ``map_box``)."""
    box = map_box(page, tiles)
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def map_box(page, tiles: bool = True) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Wait until one map is left (a replaced one fades out) and, with ``tiles``, its first
    tile is shown; return the map frame's box on the page."""
    from playwright.sync_api import expect

    expect(page.locator(MAP)).to_have_count(1, timeout=30_000)
    if tiles:
        first_tile = page.frame_locator(MAP).last.locator("img.leaflet-tile-loaded").first
        first_tile.wait_for(timeout=60_000)
    page.locator(MAP).last.wait_for(state="visible", timeout=30_000)
    deadline = time.monotonic() + 30  # 10 s were once too few in a full run
    seen: list[dict[str, float] | None] = []
    # Still being laid out while it has no box, the 150 px of a fresh frame, or a box that
    # changes (streamlit-folium gives the frame its height after the map's script ran); in
    # view, so that clicks at the box land on it. A failure says the last boxes it saw.
    while (box := _settled_box(page)) is None or not seen or box != seen[-1]:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the map never got a settled place on the page: {seen[-6:]}")
        seen.append(box)
        time.sleep(0.2)
    return box


def press(page, name: str, timeout_ms: float = 60_000) -> None:  # type: ignore[no-untyped-def]
    """Click the page's one button ``name``, once a rerun that shows a stale copy of it beside
    the new one (a CI failure: two "Save & submit") has finished."""
    from playwright.sync_api import expect

    button = page.get_by_role("button", name=name)
    expect(button).to_have_count(1, timeout=timeout_ms)
    button.click()


def wait_idle(page, steady_s: float = 1.0, timeout_s: float = 90) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page's script has not been running for ``steady_s`` (a reload or a
    map's first report starts runs one after the other): a key or click made during a run
    can be lost before the page hears it, as a volunteer would see it do nothing."""
    running = page.get_by_test_id("stStatusWidgetRunningIcon")
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while True:
        now = time.monotonic()
        if running.count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= steady_s:
            return
        assert now < deadline, f"the page's script kept running for {timeout_s:.0f} s"
        time.sleep(0.1)


def _settled_box(page) -> dict[str, float] | None:  # type: ignore[no-untyped-def]
    """The map frame's box once it is sized and scrolled into view (None: not yet)."""
    from playwright.sync_api import Error

    frame = page.locator(MAP).last
    try:
        frame.scroll_into_view_if_needed(timeout=2_000)
        box = frame.bounding_box(timeout=2_000)
    except Error:  # replaced meanwhile (a rerun): the next look finds the new one
        return None
    return box if box is not None and box["height"] > MIN_MAP_HEIGHT else None


def steady_box(locator, timeout_s: float = 90, steady_s: float = 1.0) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The element's box once it has stayed the same for ``steady_s`` (the page's reruns and
    a resized window move it until they are done), waiting up to ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    last, since = None, time.monotonic()
    while True:
        box: dict[str, float] | None = locator.bounding_box(timeout=30_000)
        if box != last:
            last, since = box, time.monotonic()
        elif box is not None and time.monotonic() - since >= steady_s:
            return box
        assert time.monotonic() < deadline, f"the box kept moving: {box}"
        time.sleep(0.2)


def draw_square(page, half: int = 60, dx0: int = 0, dy0: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Draw a square field around the map centre (shifted ``dx0``, ``dy0`` px) with
    Leaflet.draw."""
    x, y = map_centre(page)
    corners = [(-half, -half), (half, -half), (half, half), (-half, half)]
    finish_polygon(page, [(x + dx0 + dx, y + dy0 + dy) for dx, dy in corners])


def finish_polygon(page, corners: list[tuple[float, float]], pause_s: float = 0.25) -> None:  # type: ignore[no-untyped-def]
    """Draw a field with Leaflet.draw through ``corners`` (page points), ``pause_s`` apart,
    and close it."""
    frame = page.frame_locator(MAP).last
    frame.locator(".leaflet-draw-draw-polygon").click()
    frame.locator(".leaflet-draw-tooltip").first.wait_for()  # the tool is armed
    for x, y in corners:  # Leaflet.draw drops clicks closer than 50 ms apart
        page.mouse.click(x, y)
        time.sleep(pause_s)
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    finish = frame.get_by_text("Finish", exact=True)
    try:
        finish.wait_for(timeout=30_000)
    except PlaywrightTimeout as exc:  # say what the map had (a failure seen once in a full run)
        state = _draw_state(page)
        raise AssertionError(f"no 'Finish' after the corners; the map had {state}") from exc
    finish.click()  # closes the ring


def _map_frame(page, wait_ms: float):  # type: ignore[no-untyped-def]
    """The page's (last) map frame, waiting up to ``wait_ms`` for it; None when there is none."""
    from playwright.sync_api import Error

    try:
        return page.locator(MAP).last.element_handle(timeout=wait_ms).content_frame()
    except Error:
        return None


def _draw_state(page) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What Leaflet.draw shows on the Label page's map: its tooltip, the corners placed, the
    toolbar's visible actions, and how many frames the page has (a rebuilt map adds one); or,
    with no map on the page, what the page shows instead (seen once in a full run: the map
    gone for over 30 s)."""
    frame = _map_frame(page, 10_000)
    if frame is None:
        shown = page.locator('[data-testid="stMain"]').first.inner_text(timeout=5_000)
        return {
            "map": "none on the page",
            "frames": page.locator("iframe").count(),
            "page": shown[:600],
        }
    return dict(
        frame.evaluate(
            """() => ({
              tooltip: (document.querySelector('.leaflet-draw-tooltip') || {}).innerText || null,
              corners: document.querySelectorAll('.leaflet-editing-icon').length,
              actions: Array.from(document.querySelectorAll('.leaflet-draw-actions a'))
                .filter(a => a.offsetParent).map(a => a.innerText),
              frames: window.parent.document.querySelectorAll('iframe').length,
            })"""
        )
    )


Seeded = TypeVar("Seeded")


@contextlib.contextmanager
def seeded_bench_browser(
    name: str,
    seed: Callable[[Path], Seeded],
    /,
    *,
    role: tuple[str, str] = ("", ""),
    size: tuple[int, int] = (1500, 1000),
    env: Mapping[str, str] | None = None,
) -> Iterator[tuple[Page, str, str, Seeded]]:
    """:func:`bench_browser` on a fresh data folder that ``seed`` fills once the app is up;
    yields (page, app URL, the pages' query string, what ``seed`` returned)."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        bench_browser(name, Path(tmp), role=role, size=size, env=env) as (_, page, url, query),
    ):
        yield page, url, query, seed(Path(tmp))


def page_point(page, lon: float, lat: float) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Where ``lon, lat`` is on the page (Leaflet's own projection, inside the map's iframe)."""
    frame = page.locator(MAP).last.element_handle().content_frame()
    point = frame.evaluate(
        "([lat, lon]) => window.map.latLngToContainerPoint([lat, lon])", [lat, lon]
    )
    frame_box = map_box(page, tiles=False)
    return frame_box["x"] + point["x"], frame_box["y"] + point["y"]


def map_view(page) -> tuple[int, float, float]:  # type: ignore[no-untyped-def]
    """The map's zoom and centre (lat, lon), read from Leaflet inside the map's iframe."""
    frame = page.locator(MAP).last.element_handle().content_frame()
    view = frame.evaluate(
        "() => { const c = window.map.getCenter(); return [window.map.getZoom(), c.lat, c.lng]; }"
    )
    return int(view[0]), float(view[1]), float(view[2])


def map_moved(page, action: Callable[[], None], timeout_s: float = 30) -> None:  # type: ignore[no-untyped-def]
    """Do ``action`` and wait until the map looks somewhere else (the Label page's map moves
    in place, it is not rebuilt), then until it is settled and shows tiles."""
    before = map_view(page)
    action()
    deadline = time.monotonic() + timeout_s
    while map_view(page) == before:
        if time.monotonic() > deadline:
            raise TimeoutError("the map never moved")
        time.sleep(0.2)
    map_centre(page)


def scene_tiles(page, view: str):  # type: ignore[no-untyped-def]
    """The map's loaded tiles of one view (``true``, ``true-d1`` …; an enhanced area's too)."""
    return page.frame_locator(MAP).last.locator(f"img.leaflet-tile-loaded[src*='/{view}/']")


def map_heights_settle(page, frame: float) -> None:  # type: ignore[no-untyped-def]
    """Wait until the (last) map frame's, its map's and Leaflet's heights are all ``frame``
    (within a pixel)."""
    page.wait_for_function(
        """([selector, want]) => {
          const frame = [...document.querySelectorAll(selector)].pop();
          if (!frame || !frame.contentWindow.sharpfieldsLive) return false;
          const box = frame.contentDocument.querySelector('.leaflet-container');
          const live = frame.contentWindow.sharpfieldsLive;
          const near = (h) => Math.abs(h - want) <= 1;
          return near(frame.getBoundingClientRect().height)
            && near(box.getBoundingClientRect().height) && near(live.map.getSize().y);
        }""",
        arg=[MAP, frame],
        timeout=60_000,
    )


def enhance_at(page: Page, lon: float, lat: float) -> str:
    """Choose the area around a point, press Enhance, wait for the result; the area's text."""
    from playwright.sync_api import expect

    map_centre(page)
    before = page.get_by_text(AREA_CAPTION).all_inner_texts()
    caption = page.get_by_text(AREA_CAPTION).first
    for _ in range(3):  # a click while the fresh map is still wiring its events is lost
        page.mouse.click(*page_point(page, lon, lat))
        try:
            expect(caption).not_to_have_text(before[0] if before else "·", timeout=10_000)
            break
        except AssertionError:
            continue
    map_centre(page)
    enhance = page.get_by_role("button", name="Enhance", exact=True)
    expect(enhance).to_be_enabled(timeout=30_000)
    enhance.click()
    page.get_by_text("Enhanced area ready").wait_for(timeout=120_000)
    return caption.inner_text()


def draw_fields_tool(page, name: str = "Draw fields") -> None:  # type: ignore[no-untyped-def]
    """Switch the Label page's map to a tool that draws polygons ("Draw fields", "Click a
    field") and wait for the map's polygon tool (swapped in place, the map is not rebuilt)."""
    page.get_by_text(name, exact=True).first.click()
    page.frame_locator(MAP).last.locator(".leaflet-draw-draw-polygon").wait_for(timeout=60_000)
    map_centre(page)


def stored_labels(folder: Path) -> list[Label]:
    """Every field in the label store at ``folder``, as the app stored it."""
    from labels.base_store import LabelFilter
    from labels.store import open_store

    store = open_store(folder, snapshots=False)
    try:
        return list(store.query(LabelFilter()))
    finally:
        store.close()


def new_label(folder: Path, known: set[str], timeout_s: float = 60) -> Label:
    """Wait for one more field in the label store at ``folder`` than ``known`` (the fields it
    holds now); return it."""
    [fresh] = [
        lab for lab in labels_stored(folder, len(known) + 1, timeout_s) if lab.id not in known
    ]
    return fresh


def labels_stored(folder: Path, count: int, timeout_s: float = 60) -> list[Label]:
    """Wait until the label store at ``folder`` holds ``count`` fields; return them."""
    deadline = time.monotonic() + timeout_s
    while len(found := stored_labels(folder)) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the store holds {len(found)} fields, not {count}")
        time.sleep(0.2)
    assert len(found) == count, [lab.crop for lab in found]
    return found


_PAGE_STATE_JS = """() => {
  const texts = (selector) => Array.from(document.querySelectorAll(selector)).map(e => e.innerText);
  return {
    captions: texts('[data-testid="stCaptionContainer"]').filter(t => /unsaved|for \\d+ s/.test(t)),
    alerts: texts('[data-testid="stAlert"], [data-testid="stException"]').map(t => t.slice(0, 300)),
    running: document.querySelectorAll('[data-testid="stStatusWidgetRunningIcon"]').length,
    spinners: texts('[data-testid="stSpinner"]'),
    saves: Array.from(document.querySelectorAll("button"))
      .filter(b => /^Save/.test(b.innerText.trim())).map(b => [b.innerText.trim(), b.disabled]),
  };
}"""
_MAP_SAVE_STATE_JS = "() => window.sharpfieldsLive && window.sharpfieldsLive.saveState()"


def label_page_report(page, data_dir: Path) -> str:  # type: ignore[no-untyped-def]
    """What a failing Label-page test needs to tell a lost save from a slow one: the page's
    captions and errors, how the map stands with Save clicks and key E, the fields stored,
    and the end of the server's log (CI prints only the failure's message)."""
    parts: list[str] = []
    try:
        parts.append(f"page {page.url}: {page.evaluate(_PAGE_STATE_JS)!r}")
        frame = _map_frame(page, 2_000)
        state = "none on the page" if frame is None else frame.evaluate(_MAP_SAVE_STATE_JS)
        parts.append(f"map: {state!r}")
    except Exception as exc:  # the report must not hide the failure it explains
        parts.append(f"page not readable: {exc!r}")
    try:
        stored = [(lab.crop, lab.view.value) for lab in stored_labels(data_dir / "labels")]
        parts.append(f"stored: {stored}")
    except Exception as exc:
        parts.append(f"store not readable: {exc!r}")
    logs = sorted(data_dir.glob("server-*.log"))
    if logs:
        tail = logs[-1].read_text(errors="replace").splitlines()[-25:]
        parts.append("server log (end):\n" + "\n".join(tail))
    return "\n".join(parts)


def wait_for_text_or_report(
    page: Page, text: str | re.Pattern[str], data_dir: Path, timeout_ms: float = 60_000
) -> None:
    """Wait for ``text`` on a page; if it never shows, fail with :func:`label_page_report`
    (its page part: address, alerts, spinners; its server log)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.get_by_text(text).wait_for(timeout=timeout_ms)
    except PlaywrightTimeout:
        report = label_page_report(page, data_dir)
        raise AssertionError(f"{text!r} never showed\n{report}") from None
