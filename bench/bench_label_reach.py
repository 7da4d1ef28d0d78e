"""Where a volunteer's next action sits on the Label page, measured in Debian's chromium on
the bundled sample: how far below the map's top each control ends, and so whether it is on
screen together with the map at a laptop's and a desktop's window size.

    .venv/bin/python -m bench.bench_label_reach [--name NAME]

On an enhanced area with "Click a field" on, at five moments of the work: before anything,
**Outline all fields here** (its Keep / Skip come under the map) and, in the side panel,
**Outline a field by** (one click or two corners); after it, **Keep** (the
proposal waiting) and **Save & submit** (the crop box is in its row); after Keep, **Larger
field** (the kept proposal can be proposed again) and Save; after a click on a field
(another volunteer, on the same area), Larger field and Save; after a click on the smallest
field (a third), Save under the small field's caution; after **Centre the area on this
field** on Outline all's first proposal the area's edge cuts, **Enhance the new area**. For
each, the distance from the map's top to the control's bottom: at most the window's height,
the control is on screen with the map's top when the page is scrolled to the map; more, and
the volunteer scrolls between the map and the control for every field. Writes
bench/results/label_reach[_NAME].json and .md.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from playwright.sync_api import Page

from bench.results_files import write_results
from sr.imagery.scene import open_scene
from tests.e2e.harness import MAP, bench_browser, draw_fields_tool, enhance_at, press, sign_in
from tests.e2e.sample_fields import click_until, inside_a_field
from ui.outline_centre import ENHANCE_CENTRED
from ui.outline_corners import TWO_CORNERS
from ui.outline_edges import AREA_MOVED, CENTRE_BUTTON, EDGE_NOTE
from ui.settings import SAMPLE_SCENE

Found = TypeVar("Found")  # what a layout bench measures, as its table reads it
RESULTS = Path(__file__).resolve().parent / "results"
# Window (viewport) sizes: a laptop's screen in full, the same laptop with the browser's
# tabs and address bar shown, a desktop's screen.
WINDOWS = {
    "laptop 1366×768": (1366, 768),
    "laptop, browser bars shown 1366×650": (1366, 650),
    "desktop 1920×1080": (1920, 1080),
}
OUTLINE_TOOL = "Click a field"
OUTLINE_BY = "Outline a field by (side panel)"
SAVE = "Save & submit"
LARGER = "Larger field"
OUTLINE_ALL = "Outline all fields here"
RADIO_OPTIONS = {TWO_CORNERS}  # controls found by their text, not as buttons
_PAGE_Y = (
    "(el) => el.getBoundingClientRect().top"
    " + document.querySelector('[data-testid=\"stMain\"]').scrollTop"
)
_HEIGHT = "(el) => Math.round(el.getBoundingClientRect().height)"
MAP_HEIGHT = "map height"
_PAGE_BOTTOM = (
    "(el) => el.getBoundingClientRect().bottom"
    " + document.querySelector('[data-testid=\"stMain\"]').scrollTop"
)


def reaches(page: Page, controls: dict[str, str]) -> dict[str, float]:
    """Distance (px) from the map's top to each control's bottom (by its button label, or
    for a radio, by the text of its last option)."""
    page.wait_for_timeout(2_000)  # the page settled
    top = float(page.locator(MAP).last.evaluate(_PAGE_Y))
    found: dict[str, float] = {
        MAP_HEIGHT: float(page.locator(MAP).last.evaluate(_HEIGHT)),
    }
    for name, label in controls.items():
        control = (
            page.get_by_text(label, exact=True)
            if label in RADIO_OPTIONS
            else page.get_by_role("button", name=label, exact=True)
        ).first
        found[name] = float(round(float(control.evaluate(_PAGE_BOTTOM)) - top))
    return found


def measure() -> dict[str, dict[str, float]]:
    """Each window's distances, on one app and page, at the moments of the work: before
    Outline all; its first proposal waiting; after Keep (the next one waits, the kept one can
    be proposed larger or smaller); a click on a field; a click on the smallest; after Centre."""
    c = open_scene(SAMPLE_SCENE).footprint.centroid
    out: dict[str, dict[str, float]] = {window: {} for window in WINDOWS}

    def at_each_window(page: Page, controls: dict[str, str]) -> None:
        for window, (width, height) in WINDOWS.items():
            page.set_viewport_size({"width": width, "height": height})
            out[window].update(reaches(page, controls))

    def click_a_field_tool(page: Page, query: str, enhance: bool) -> None:
        """The Label page, the area enhanced (or the one enhanced already shown), the tool."""
        page.goto(f"{url}/label?{query}")
        if enhance:
            enhance_at(page, c.x, c.y)
        else:
            press(page, "Show")
        page.get_by_text("Enhanced area ready").wait_for(timeout=180_000)
        draw_fields_tool(page, OUTLINE_TOOL)

    with (
        tempfile.TemporaryDirectory() as tmp,
        bench_browser("Sita", Path(tmp), env={"SHARPFIELDS_AREA_PIXELS": "64"}) as (
            browser,
            page,
            url,
            query,
        ),
    ):
        click_a_field_tool(page, query, enhance=True)
        at_each_window(page, {"Outline all fields here": OUTLINE_ALL, OUTLINE_BY: TWO_CORNERS})
        press(page, OUTLINE_ALL)
        page.get_by_text("Proposed field,").first.wait_for(timeout=120_000)
        at_each_window(page, {"Keep": "Keep", "Save & submit": SAVE})
        press(page, "Keep")
        page.get_by_role("button", name="Larger field").wait_for(timeout=60_000)
        at_each_window(page, {"after Keep: Larger field": LARGER, "after Keep: Save": SAVE})
        # another volunteer (drafts of their own) clicks a field on the same area
        other = browser.new_page(viewport={"width": 1500, "height": 1000})
        click_a_field_tool(other, sign_in(other, url, "Ravi"), enhance=False)
        lon, lat = inside_a_field(Path(tmp))
        click_until(other, lon, lat, other.get_by_text("1 unsaved drawing(s)"), timeout_ms=60_000)
        other.get_by_role("button", name=LARGER).wait_for(timeout=60_000)
        at_each_window(other, {"a click: Larger field": LARGER, "a click: Save": SAVE})
        # a third clicks the smallest field: its caution shows above Larger field and Save
        third = browser.new_page(viewport={"width": 1500, "height": 1000})
        click_a_field_tool(third, sign_in(third, url, "Hari"), enhance=False)
        lon, lat = inside_a_field(Path(tmp), smallest=True)
        click_until(third, lon, lat, third.get_by_text("1 unsaved drawing(s)"), timeout_ms=60_000)
        third.get_by_text("A small field (about").wait_for(timeout=60_000)
        at_each_window(third, {"a small field's caution: Save": SAVE})
        # back to the first: skip to a proposal the area's edge cuts and centre the area on it
        for _ in range(60):
            if page.get_by_text(EDGE_NOTE).count():
                break
            press(page, "Skip")
            page.wait_for_timeout(1_500)
        press(page, CENTRE_BUTTON)
        page.get_by_text(AREA_MOVED).wait_for(timeout=60_000)
        at_each_window(page, {"after Centre: Enhance the new area": ENHANCE_CENTRED})
    return out


def on_screen_cells(reach: dict[str, float], controls: list[str], height: int) -> list[str]:
    """Each control's distance (px), marked ✓ when it is no more than the window's
    ``height``, ✗ when the control is off screen."""
    return [f"{reach[c]:.0f} {'✓' if reach[c] <= height else '✗'}" for c in controls]


def reach_table(
    found: dict[str, dict[str, float]],
    caption: str,
    extra: dict[str, Callable[[dict[str, float]], str]],
) -> str:
    """A Markdown table of each window's distances, marked as :func:`on_screen_cells` does,
    under ``caption``; ``extra``: columns shown before the controls (their name, what a
    window's row shows there), left out of the controls."""
    controls = [c for c in next(iter(found.values())) if c not in extra]
    lines = [
        caption,
        "",
        "| window | " + " | ".join([*extra, *controls]) + " |",
        "|---|" + "---|" * (len(extra) + len(controls)),
    ]
    for window, reach in found.items():
        cells = [show(reach) for show in extra.values()]
        cells += on_screen_cells(reach, controls, WINDOWS[window][1])
        lines.append(f"| {window} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def table(found: dict[str, dict[str, float]]) -> str:
    """The Markdown table: px from the map's top, and whether that fits the window."""
    return reach_table(
        found,
        "Label page, Click a field on an enhanced area of the bundled sample: the map's "
        "height and the distance from the map's top to each control's bottom (px); ✓ on "
        "screen with the map's top (no more than the window's height), ✗ not.",
        {"map height": lambda reach: f"{reach[MAP_HEIGHT]:.0f}" if MAP_HEIGHT in reach else "—"},
    )


def reach_main(
    doc: str, stem: str, measure: Callable[[], Found], table: Callable[[Found], str]
) -> None:
    """A reach bench's command line: measure, then write bench/results/STEM[_NAME]."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--name", default="", help="results file suffix (e.g. before)")
    args = parser.parse_args()
    found = measure()
    suffix = f"_{args.name}" if args.name else ""
    write_results(RESULTS / f"{stem}{suffix}.json", found, table(found))


def main() -> None:
    reach_main(__doc__ or "", "label_reach", measure, table)


if __name__ == "__main__":
    main()
