"""Whether the Campaigns page's tables are whole in their frames, measured in Debian's
chromium on the bundled sample: for each table a coordinator reads (tasks per state, tasks
set aside, Volunteers: their tasks, Volunteers: their fields, what the reviewers sent back and
rejected for; a task's history, in the side panel once the task is clicked on the map; the
agreement of tasks mapped twice, on another campaign), the width of its frame and of its
columns, at a laptop's and a desktop's window size.

    .venv/bin/python -m bench.bench_campaign_tables [--name NAME]

The campaign: nine tasks over the sample. Sita Rai Thapa maps task 1 (six fields, each
rejected for another reason, the last with a comment of her own), which a reviewer sends
back twice (every reason to invalidate, then a comment of his own); Ram Bahadur Gurung maps
task 2, which is validated, and sets task 3 aside; Anjali Shrestha has three tasks assigned.
The other campaign: four tasks, each to be mapped twice; Sita and Ram map task 1 (four
fields and three of them, a little east). The reasons' text is as long as it gets with one
volunteer told everything. A table whose columns are wider than its frame scrolls sideways:
a coordinator does not see its last columns. Writes
bench/results/campaign_tables[_NAME].json and .md.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.bench_label_reach import WINDOWS, reach_main
from labels.campaign_store import CampaignStore
from labels.campaigns import Campaign
from labels.model import Label, Role, Status
from labels.review_reasons import REASONS, TASK_REASONS
from sr.imagery.scene import Scene
from tests.e2e.campaign_pages import COORDINATOR_CODE
from tests.e2e.harness import map_centre, page_point, seeded_bench_browser, wait_idle
from tests.ui.campaign_steps import campaign_on_sample, map_with_fields

# The tables in the page's order, as the seeded campaign shows them to a coordinator.
TABLES = (
    "tasks per state",
    "tasks set aside",
    "Volunteers: their tasks",
    "Volunteers: their fields",
    "what the reviewers said",
)
AGREEMENT = "agreement on tasks mapped twice"  # the other campaign's
TWICE_TABLES = ("tasks per state", "Volunteers: their tasks", "Volunteers: their fields",
                AGREEMENT)  # fmt: skip
MAIN, TWICE = "Terai rice, main season", "Terai rice, mapped twice"
HISTORY = "History of task 1"  # its expander, in the side panel once the task is clicked
SITA, RAM, ANJALI, REVIEWER = "Sita Rai Thapa", "Ram Bahadur Gurung", "Anjali Shrestha", "Maya"

# Each table's frame and the width its columns need (its scroller's content), px.
_WIDTHS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].map((e) => {
    const scroller = e.querySelector(".dvn-scroller");
    return [e.getBoundingClientRect().width, scroller ? scroller.scrollWidth : null];
})"""


def _map_fields(campaigns: CampaignStore, made: Campaign, scene: Scene, number: int,
                mapper: str, count: int, shift: float = 0.0) -> list[Label]:  # fmt: skip
    """``mapper`` maps task ``number``: ``count`` rice fields, handed in (``map_with_fields``)."""
    statuses = (Status.SUBMITTED,) * count
    return map_with_fields(campaigns, made, scene, mapper, statuses, number, "rice", shift)


def seed(data: Path) -> tuple[CampaignStore, Campaign]:
    """The campaigns of the module's doc, in the app's store: the store, the first
    campaign (the main one; the page shows it first, as the newest)."""
    scene, campaigns, twice = campaign_on_sample(data, TWICE, grid=2, double_share=1.0)
    _map_fields(campaigns, twice, scene, 1, SITA, 4)
    _map_fields(campaigns, twice, scene, 1, RAM, 3, shift=0.0002)
    _, campaigns, made = campaign_on_sample(data, MAIN, grid=3)
    comments = [*REASONS.values(), "Please look at the field by the river again."]
    sita = _map_fields(campaigns, made, scene, 1, SITA, len(comments))
    for label, comment in zip(sita, comments, strict=True):
        campaigns.store.review(label.id, actor=REVIEWER, decision=Status.REJECTED,
                               comment=comment, expected_version=label.version)  # fmt: skip
    for said in (" ".join(TASK_REASONS.values()), "The north-east corner is not mapped."):
        campaigns.lock_for_validation(made.id, 1, REVIEWER, Role.REVIEWER)
        campaigns.invalidate(made.id, 1, REVIEWER, Role.REVIEWER, said)
        campaigns.lock_for_mapping(made.id, 1, SITA)
        campaigns.mark_mapped(made.id, 1, SITA)
    _map_fields(campaigns, made, scene, 2, RAM, 2)
    campaigns.lock_for_validation(made.id, 2, REVIEWER, Role.REVIEWER)
    campaigns.validate(made.id, 2, REVIEWER, Role.REVIEWER)
    campaigns.lock_for_mapping(made.id, 3, RAM)
    campaigns.set_aside(made.id, 3, RAM, "Clouds over the whole task.")
    campaigns.assign(made.id, [4, 5, 6], ANJALI, "Boss", Role.COORDINATOR)
    return campaigns, made


def tables_on_page(page: Page) -> int:
    """How many tables the page shows now."""
    return int(page.evaluate(f"({_WIDTHS})().length"))


def widths(page: Page, names: tuple[str, ...]) -> dict[str, list[float]]:
    """Each table's [frame, columns] width (px), the tables named by ``names`` in the page's
    order."""
    wait_idle(page, steady_s=2.0)
    page.wait_for_function(f"({_WIDTHS})().length >= {len(names)}")
    found = page.evaluate(_WIDTHS)
    if len(found) != len(names):
        raise RuntimeError(f"{len(found)} tables on the page, expected {len(names)}")
    return {name: [float(w) for w in pair] for name, pair in zip(names, found, strict=True)}


def coordinator_on_seeded(
    size: tuple[int, int],
) -> contextlib.AbstractContextManager[tuple[Page, str, str, tuple[CampaignStore, Campaign]]]:
    """A fresh app with :func:`seed`'s campaigns and a page of ``size`` signed in as their
    coordinator; yields (page, app URL, the pages' query string, (the store, the main
    campaign))."""
    env = {"SHARPFIELDS_COORDINATOR_CODE": COORDINATOR_CODE}
    boss = ("Coordinator: review", COORDINATOR_CODE)
    return seeded_bench_browser("Boss", seed, role=boss, size=size, env=env)


def choose_campaign(page: Page, name: str) -> None:
    """Choose the campaign ``name`` in the page's box (opened again while a rerun closes it)."""
    option = page.get_by_role("option", name=name)
    for _ in range(5):
        wait_idle(page, steady_s=1.0)
        page.get_by_role("combobox", name="Campaign").click()
        try:
            option.wait_for(timeout=10_000)
        except PlaywrightTimeout:
            continue
        option.click()
        return
    raise RuntimeError(f"the campaign box did not offer {name}")


def measure() -> dict[str, dict[str, list[float]]]:
    """Each window's table widths on the Campaigns page, the seeded campaign chosen; then
    with task 1 clicked on the map and its history opened (in the side panel, first)."""
    out: dict[str, dict[str, list[float]]] = {}
    with coordinator_on_seeded((1366, 768)) as (page, url, query, (campaigns, made)):
        first = campaigns.task(made.id, 1).geometry.centroid
        for window, (width, height) in WINDOWS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{url}/campaigns?{query}")  # the tables laid out for this window
            page.get_by_text("Volunteers: their fields").first.wait_for()
            map_centre(page)
            out[window] = widths(page, TABLES)
            page.mouse.click(*page_point(page, first.x, first.y))
            page.get_by_text(HISTORY).click()
            page.get_by_text(f"mapped by {SITA}").first.wait_for()  # the history is open
            names = (HISTORY, *TABLES) if tables_on_page(page) > len(TABLES) else TABLES
            shown = widths(page, names)
            out[window][HISTORY] = shown.get(HISTORY, [])  # []: lines, not a table
            choose_campaign(page, TWICE)
            page.get_by_text("Agreement on tasks mapped twice").wait_for()
            out[window][AGREEMENT] = widths(page, TWICE_TABLES)[AGREEMENT]
    return out


def widths_table(found: dict[str, dict[str, list[float]]], caption: str) -> str:
    """A Markdown table under ``caption``: each window's tables (in ``found``'s order), their
    columns ÷ their frame (px), ✓ whole, ✗ it scrolls; an empty entry is shown as lines."""
    names = list(next(iter(found.values())))
    lines = [
        caption,
        "",
        "| window | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for window, tables in found.items():
        cells = []
        for name in names:
            if not tables[name]:
                cells.append("lines, no table")
                continue
            frame, columns = tables[name]
            cells.append(f"{columns:.0f} ÷ {frame:.0f} {'✓' if columns <= frame + 1 else '✗'}")
        lines.append(f"| {window} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def table(found: dict[str, dict[str, list[float]]]) -> str:
    """The Markdown table of :func:`widths_table` for the Campaigns page."""
    return widths_table(
        found,
        "The Campaigns page for a coordinator, the campaign of `bench/bench_campaign_tables.py`: "
        "the width (px) each table's columns take ÷ its frame's; ✓ whole, ✗ the last columns "
        "are behind a sideways scroll (a history of lines wraps instead).",
    )


def main() -> None:
    reach_main(__doc__ or "", "campaign_tables", measure, table)


if __name__ == "__main__":
    main()
