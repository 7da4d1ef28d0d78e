"""The Review-tables bench: its fields hold what its doc says, and lines count as no table."""

from __future__ import annotations

from pathlib import Path

from bench.bench_label_reach import WINDOWS
from bench.bench_review_tables import OUTCOMES, PROFILE, seed_with_rejection, table
from labels.model import Status
from labels.review_reasons import reasons_in
from labels.store import open_store


def test_the_benchs_review_has_a_field_rejected_for_two_reasons(tmp_path: Path) -> None:
    seed_with_rejection(tmp_path)
    labels = list(open_store(tmp_path / "labels").query())
    rejected = [lab for lab in labels if lab.status is Status.REJECTED]
    assert len(labels) == 3 and len(rejected) == 1
    assert reasons_in(rejected[0].review_comment) == ["Edges off", "Wrong crop"]


def test_the_outcomes_as_lines_are_marked_so_and_the_profile_by_its_widths() -> None:
    found = {w: {OUTCOMES: [], PROFILE[0]: [294.0, 352.0], PROFILE[1]: [260.0, 258.0]}
             for w in WINDOWS}  # fmt: skip
    row = table(found).splitlines()[4]
    assert row.endswith("| lines, no table | 352 ÷ 294 ✗ | 258 ÷ 260 ✓ |")
