"""The Campaigns page's tables, built without Streamlit."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from shapely.geometry import box

from labels.agreement import NO_AGREEMENT, Agreement, CampaignAgreement
from labels.campaign_store import CampaignStore
from labels.campaigns import Campaign, FieldCounts, Progress, TaskState
from labels.model import Role
from labels.review_reasons import TASK_REASONS
from labels.sqlite_store import SQLiteLabelStore
from ui.auth import Identity
from ui.campaign_view import (
    AGREEMENT_FORMATS,
    AGREEMENT_HELP,
    REASON_COLUMNS,
    agreement_table,
    history_lines,
    people_table,
    reasons_table,
    rows_for,
)
from ui.local_time import zone_named


def test_the_volunteers_table_counts_tasks_assigned_under_the_name_they_sign_in_with() -> None:
    found = Progress(
        counts=dict.fromkeys(TaskState, 0),
        total=3,
        mapped_by={"Sita Rai": 1},
        validated_by={},
        fields_by={"Sita Rai": FieldCounts(4, 0, 3, Counter({"Edges off": 2, "other": 1}))},
        tasks_per_hour=None,
        hours_left=None,
        assigned_left={"sita_rai": 2, "Hari": 1},  # as the coordinator typed them
        sent_back={"Sita Rai": [TASK_REASONS["Fields missed"], "redo the north", None]},
    )
    table = people_table(found).set_index("person")
    assert list(table.index) == ["Hari", "Sita Rai"]  # one row for Sita, not two
    assert table.loc["Sita Rai", ["tasks mapped", "fields", "tasks assigned, to map"]].tolist() == [
        1, 4, 2
    ]  # fmt: skip
    assert table.loc["Hari", "tasks assigned, to map"] == 1
    assert table.loc["Sita Rai", ["sent back", "fields rejected"]].tolist() == [3, 3]
    assert table.loc["Hari", ["sent back", "fields rejected"]].tolist() == [0, 0]
    said = reasons_table(found)  # what to talk about, with whom: most given first
    assert said.values.tolist() == [
        ["Sita Rai", "other", 2, 1],  # "Edges off" is one row for tasks and fields
        ["Sita Rai", "Edges off", 0, 2],
        ["Sita Rai", "Fields missed", 1, 0],
    ]
    assert "Hari" not in said["person"].tolist()  # told nothing
    assert list(reasons_table(replace(found, sent_back={}, fields_by={})).columns) == list(
        REASON_COLUMNS
    )


def test_the_campaigns_history_says_its_times_in_the_coordinators_zone(
    store: SQLiteLabelStore,
) -> None:
    campaigns = CampaignStore(store, clock=lambda: datetime(2026, 3, 1, 8, 10, tzinfo=UTC))
    area = box(85.30, 27.70, 85.34, 27.73)
    made = campaigns.create(Campaign("Terai rice", ("s2",), area, "Boss"), [area], actor="Boss",
                            role=Role.COORDINATOR)  # fmt: skip
    campaigns.update(made.replace(name="Terai paddy"), actor="Boss", role=Role.COORDINATOR,
                     expected_version=made.version)  # fmt: skip
    kathmandu = history_lines(campaigns, made.id, zone_named("Asia/Kathmandu"))
    assert [line.split(" at ")[1] for line in kathmandu] == ["2026-03-01 13:55 your time"] * 2
    assert kathmandu[0].startswith("version 2 · ")  # newest first
    assert history_lines(campaigns, made.id, None)[0].endswith(" at 2026-03-01 08:10 UTC")


def test_the_agreement_table_says_its_figures_in_plain_words() -> None:
    sita = Agreement(1, 2, 1, 0, 1.6, 1, 100.0, 80.0, 100.0, 60.0)
    found = CampaignAgreement({}, {"Sita": sita, "Ram": NO_AGREEMENT}, sita)
    table = agreement_table(found)
    assert list(table.columns) == ["who", *AGREEMENT_HELP]
    assert set(AGREEMENT_FORMATS) <= set(AGREEMENT_HELP)
    assert table["who"].tolist() == ["whole campaign", "Ram", "Sita"]
    row = table.set_index("who").loc["Sita"]
    assert row["overlap (IoU)"] == pytest.approx(0.8)
    assert row["same crop"] == pytest.approx(50.0)  # a percentage
    assert row["edges within 2 m (F)"] == pytest.approx(2 * 0.8 * 0.6 / 1.4)
    assert row[["only theirs", "only the other's"]].tolist() == [1, 0]
    assert table.set_index("who").loc["Ram"].isna()["overlap (IoU)"]  # no pair: no figure


def test_a_volunteer_reads_their_own_rows_even_of_an_empty_table() -> None:
    found = Progress(
        counts=dict.fromkeys(TaskState, 0), total=1, mapped_by={}, validated_by={},
        fields_by={}, tasks_per_hour=None, hours_left=None,
    )  # fmt: skip
    empty = rows_for(people_table(found), "person", Identity("Sita", Role.VOLUNTEER))
    assert empty.empty and list(empty.columns) == list(people_table(found).columns)


def test_a_tasks_reason_and_a_fields_of_one_meaning_are_one_row() -> None:
    found = Progress(
        counts=dict.fromkeys(TaskState, 0), total=1, mapped_by={"Ram": 1}, validated_by={},
        fields_by={"Ram": FieldCounts(3, 0, 2, Counter({"Not a field": 1, "Wrong crop": 1}))},
        tasks_per_hour=None, hours_left=None,
        sent_back={"Ram": [TASK_REASONS["Not fields"], TASK_REASONS["Fields missed"]]},
    )  # fmt: skip
    assert reasons_table(found).values.tolist() == [
        ["Ram", "Not a field", 1, 1],
        ["Ram", "Wrong crop", 0, 1],
        ["Ram", "Fields missed", 1, 0],
    ]
