"""The Campaigns page's tables, built without Streamlit."""

from __future__ import annotations

from labels.campaigns import FieldCounts, Progress, TaskState
from ui.campaign_view import people_table


def test_the_volunteers_table_counts_tasks_assigned_under_the_name_they_sign_in_with() -> None:
    found = Progress(
        counts=dict.fromkeys(TaskState, 0),
        total=3,
        mapped_by={"Sita Rai": 1},
        validated_by={},
        fields_by={"Sita Rai": FieldCounts(4)},
        tasks_per_hour=None,
        hours_left=None,
        assigned_left={"sita_rai": 2, "Hari": 1},  # as the coordinator typed them
    )
    table = people_table(found).set_index("person")
    assert list(table.index) == ["Hari", "Sita Rai"]  # one row for Sita, not two
    assert table.loc["Sita Rai", ["tasks mapped", "fields", "tasks assigned, to map"]].tolist() == [
        1, 4, 2
    ]  # fmt: skip
    assert table.loc["Hari", "tasks assigned, to map"] == 1
