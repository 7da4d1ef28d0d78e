"""Where a reviewer's decision sits, measured in Debian's chromium on the bundled sample: how
far below the page's top Review's **Accept**, **Reject** and reasons to reject end, and the
Campaigns page's **Validate**, **Invalidate** and reasons to invalidate, at a laptop's and a
desktop's window size.

    .venv/bin/python -m bench.bench_review_reach [--name NAME]

Review: three fields saved by hand on the sample (Sita), the first one on screen, for Maya.
Campaigns: a one-task campaign over the sample, mapped by Sita; Maya presses **Validate next
task**. The page is scrolled to its top; a control that ends no lower than the window's
height is on screen without scrolling, for every field or task decided. Writes
bench/results/review_reach[_NAME].json and .md.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page
from shapely.geometry import box

from bench.bench_label_reach import WINDOWS, reach_main, reach_table
from labels.review_reasons import REASONS, TASK_REASONS
from sr.imagery.scene import open_scene
from tests.e2e.harness import REVIEWER_CODE, seeded_bench_browser, wait_idle
from tests.ui.campaign_steps import campaign_on_sample
from tests.ui.conftest import save_on_sample
from ui.settings import SAMPLE_SCENE

REVIEW = {
    "Accept": "Accept",
    "Reject": "Reject",
    "reasons to reject": list(REASONS)[-1],  # the last pill: the row's bottom
}
CAMPAIGNS = {
    "Validate": "Validate",
    "Invalidate": "Invalidate",
    "reasons to invalidate": list(TASK_REASONS)[-1],
}


# The bottom of the first button shown whose text's first line is the control's (a button
# with a key shows the key's letter on a second line; a pill is a button too).
_BOTTOM = """(text) => {
    const shown = [...document.querySelectorAll("button")].filter((b) =>
        b.getBoundingClientRect().height > 0 && b.innerText.split("\\n")[0].trim() === text);
    return shown.length ? Math.round(shown[0].getBoundingClientRect().bottom) : null;
}"""


def bottoms(page: Page, controls: dict[str, str]) -> dict[str, float]:
    """Each control's bottom (px from the page's top, the page scrolled to its top)."""
    wait_idle(page, steady_s=2.0)
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
    page.wait_for_timeout(500)
    found = {}
    for name, text in controls.items():
        page.wait_for_function(f"({_BOTTOM})({text!r}) !== null")
        found[name] = float(page.evaluate(_BOTTOM, text))
    return found


def seed(data: Path) -> None:
    """Three fields saved by hand, and a campaign whose one task Sita mapped."""
    c = open_scene(SAMPLE_SCENE).footprint.centroid
    fields = [box(c.x + i * 0.004, c.y, c.x + i * 0.004 + 0.003, c.y + 0.002) for i in range(3)]
    save_on_sample(data, fields, "rice")
    _, campaigns, made = campaign_on_sample(data, "Terai rice")
    task = campaigns.map_next(made.id, "Sita")
    campaigns.mark_mapped(made.id, task.number, "Sita")


def measure() -> dict[str, dict[str, float]]:
    """Each window's bottoms on Review (a field on screen) and on Campaigns (a task checked)."""
    out: dict[str, dict[str, float]] = {window: {} for window in WINDOWS}

    def at_each_window(page: Page, controls: dict[str, str]) -> None:
        for window, (width, height) in WINDOWS.items():
            page.set_viewport_size({"width": width, "height": height})
            out[window].update(bottoms(page, controls))
        page.set_viewport_size({"width": 1366, "height": 768})

    maya = ("Reviewer: accept", REVIEWER_CODE)
    with seeded_bench_browser("Maya", seed, role=maya, size=(1366, 768)) as (page, url, query, _):
        page.goto(f"{url}/review?{query}")
        page.get_by_text("Reviewed 0 of 3").wait_for()
        at_each_window(page, REVIEW)
        page.goto(f"{url}/campaigns?{query}")
        page.get_by_role("button", name="Validate next task").click()
        page.get_by_text("Checking task").wait_for()
        at_each_window(page, CAMPAIGNS)
    return out


def table(found: dict[str, dict[str, float]]) -> str:
    """The Markdown table: px from the page's top, and whether that fits the window."""
    return reach_table(
        found,
        "Review (a field on screen) and Campaigns (a task checked), the bundled sample: the "
        "distance from the page's top to each control's bottom (px), the page scrolled to its "
        "top; ✓ on screen (no more than the window's height), ✗ not.",
        {},
    )


def main() -> None:
    reach_main(__doc__ or "", "review_reach", measure, table)


if __name__ == "__main__":
    main()
