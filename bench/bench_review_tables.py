"""Whether the Review page's tables are whole in their frames, measured in Debian's chromium
on the bundled sample: the field's season profile (NDVI per date, and the band means under
**Band means per date**) in the field's column, and the reviews by how fields were outlined
(lines since this bench's first run), at a laptop's and a desktop's window size.

    .venv/bin/python -m bench.bench_review_tables [--name NAME]

Three fields saved by hand on the sample (Sita), one of them rejected for two reasons;
Maya opens Review with both expanders open. Writes bench/results/review_tables[_NAME].json
and .md.
"""

from __future__ import annotations

from pathlib import Path

from bench.bench_campaign_tables import tables_on_page, widths, widths_table
from bench.bench_label_reach import WINDOWS, reach_main
from bench.bench_review_reach import seed
from labels.model import Status
from labels.review_reasons import REASONS
from labels.store import open_store
from tests.e2e.harness import REVIEWER_CODE, seeded_bench_browser

PROFILE = ("season profile: NDVI", "season profile: band means")
OUTCOMES = "reviews by how fields were outlined"
BANDS, BY_OUTLINE = "Band means per date", "Reviews by how fields were outlined"


def seed_with_rejection(data: Path) -> None:
    """``bench_review_reach``'s three fields; Ravi rejects the first, for two reasons."""
    seed(data)
    store = open_store(data / "labels")
    first = next(iter(store.query()))
    said = f"{REASONS['Edges off']} {REASONS['Wrong crop']}"
    store.review(first.id, actor="Ravi", decision=Status.REJECTED, comment=said,
                 expected_version=first.version)  # fmt: skip
    store.close()


def measure() -> dict[str, dict[str, list[float]]]:
    """Each window's widths of the Review page's tables, both expanders open."""
    out: dict[str, dict[str, list[float]]] = {}
    maya = ("Reviewer: accept", REVIEWER_CODE)
    opened = seeded_bench_browser("Maya", seed_with_rejection, role=maya, size=(1366, 768))
    with opened as (page, url, query, _):
        for window, (width, height) in WINDOWS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{url}/review?{query}")  # laid out for this window
            page.get_by_text(BANDS).click()
            page.get_by_text(BY_OUTLINE).click()
            page.get_by_text("Rejected for").first.wait_for()  # the outcomes are open
            names = (OUTCOMES, *PROFILE) if tables_on_page(page) > len(PROFILE) else PROFILE
            out[window] = {OUTCOMES: [], **widths(page, names)}  # []: lines, not a table
    return out


def table(found: dict[str, dict[str, list[float]]]) -> str:
    """The Markdown table of :func:`bench.bench_campaign_tables.widths_table` for Review."""
    return widths_table(
        found,
        "The Review page for a reviewer, a field on screen (`bench/bench_review_tables.py`): "
        "the width (px) each table's columns take ÷ its frame's; ✓ whole, ✗ the last columns "
        "are behind a sideways scroll (lines wrap instead).",
    )


def main() -> None:
    reach_main(__doc__ or "", "review_tables", measure, table)


if __name__ == "__main__":
    main()
