"""The task-check benchmark's campaign and its two ways of reading a task's fields, tiny."""

from __future__ import annotations

from pathlib import Path

from bench.bench_task_check import campaign_with_fields, table, whole_campaign
from labels.campaigns import TaskState


def test_both_reads_find_the_same_fields_of_the_task_checked(tmp_path: Path) -> None:
    campaigns, task = campaign_with_fields(tmp_path / "labels", tasks=6, fields=4)
    assert task.state is TaskState.LOCKED_VALIDATION and task.locked_by == "Maya"
    assert len(campaigns.fields(task.campaign_id)) == 24
    mine = campaigns.fields_in(task)
    assert len(mine) == 4 and {lab.task_id for lab in mine} == {task.ref}
    assert whole_campaign(campaigns, task) == mine


def test_the_table_reads_its_results() -> None:
    found = {
        "command": "c", "machine": "m", "date": "d", "tasks": 6, "fields": 24, "build_s": 1.0,
        "read_by_task_s": [0.0002, [0.0002]], "read_by_campaign_s": [0.25, [0.25]],
        "page_by_task_s": [0.5, [0.5]], "page_by_campaign_s": [0.75, [0.75]],
    }  # fmt: skip
    text = table(found)
    assert "| by the task (`fields_in`, now) | 0.2 ms | 0.50 s |" in text
    assert "| as the whole campaign's, filtered (before) | 250.0 ms | 0.75 s |" in text
