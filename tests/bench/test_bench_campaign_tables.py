"""The campaign-tables bench: its campaign holds what its doc says, and its table marks a
table whole only when its columns fit its frame."""

from __future__ import annotations

from pathlib import Path

from bench.bench_campaign_tables import (
    AGREEMENT,
    ANJALI,
    HISTORY,
    RAM,
    SITA,
    TABLES,
    seed,
    table,
)
from bench.bench_label_reach import WINDOWS
from labels.review_reasons import REASONS
from ui.campaign_view import people_table, reasons_table


def test_the_benchs_campaign_tells_one_volunteer_every_reason(tmp_path: Path) -> None:
    campaigns, made = seed(tmp_path)
    found = campaigns.progress(made.id)
    people = people_table(found).set_index("person")
    assert people.loc[SITA, ["sent back", "fields rejected"]].tolist() == [2, 6]
    assert people.loc[RAM, ["tasks mapped", "tasks set aside"]].tolist() == [1, 1]
    assert people.loc[ANJALI, "tasks assigned, to map"] == 3
    said = reasons_table(found)
    assert set(said["person"]) == {SITA}
    # a task's reason that says what a field's says is one row with it
    assert set(said["reason"]) == {*REASONS, "Fields missed", "other"}
    assert said.set_index("reason").loc["Not a field"].tolist() == [SITA, 1, 1]
    [twice] = [c for c in campaigns.campaigns() if c.id != made.id]
    agreed = campaigns.agreement(twice.id).campaign
    assert (agreed.tasks, agreed.matched, agreed.unmatched_a, agreed.unmatched_b) == (1, 3, 1, 0)


def test_a_table_is_whole_only_when_its_columns_fit_its_frame() -> None:
    frames = {name: [906.0, 904.0] for name in (*TABLES, HISTORY, AGREEMENT)}
    found = {window: dict(frames) for window in WINDOWS}
    laptop = next(iter(WINDOWS))
    found[laptop][TABLES[2]] = [906.0, 1147.0]
    rows = table(found).splitlines()
    assert rows[2] == "| window | " + " | ".join((*TABLES, HISTORY, AGREEMENT)) + " |"
    assert rows[4].startswith(f"| {laptop} | 904 ÷ 906 ✓ | 904 ÷ 906 ✓ | 1147 ÷ 906 ✗ |")
    assert "✗" not in "".join(rows[5:])
