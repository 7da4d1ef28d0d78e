"""The Campaigns page's tables about the volunteers, under the map: their tasks, their
fields, what the reviewers sent back and rejected for, and the agreement of tasks mapped
twice; each whole on a laptop (``bench/bench_campaign_tables.py``). A volunteer sees their
own rows (:func:`ui.campaign_view.rows_for`)."""

from __future__ import annotations

import streamlit as st

from labels.agreement import CampaignAgreement
from labels.campaigns import Progress
from ui.auth import Identity
from ui.campaign_view import (
    AGREEMENT_FORMATS,
    AGREEMENT_HELP,
    FIELD_PEOPLE_COLUMNS,
    OWN_ROWS_NOTE,
    PEOPLE_HELP,
    REASONS_TITLE,
    TASK_PEOPLE_COLUMNS,
    agreement_table,
    people_table,
    reasons_table,
    rows_for,
)
from ui.table_columns import column_config


def volunteer_tables(
    found: Progress, identity: Identity, agreement: CampaignAgreement | None
) -> None:
    """Show the tables (``agreement``: None for a campaign whose tasks are mapped once)."""
    people = rows_for(people_table(found), "person", identity)
    hints = column_config(PEOPLE_HELP)
    if not identity.can_review:
        st.caption(OWN_ROWS_NOTE)
    for title, columns in (("Volunteers: their tasks", TASK_PEOPLE_COLUMNS),
                           ("Volunteers: their fields", FIELD_PEOPLE_COLUMNS)):  # fmt: skip
        st.markdown(f"**{title}**")
        st.dataframe(people[list(columns)], hide_index=True, column_config=hints)
    st.markdown(f"**{REASONS_TITLE}**")
    said = rows_for(reasons_table(found), "person", identity)
    if said.empty:
        st.caption("No task sent back and no field rejected yet.")
    else:
        st.dataframe(said, hide_index=True, column_config=hints)
    if agreement is not None:
        st.markdown("**Agreement on tasks mapped twice** (matched at IoU ≥ 0.5)")
        agreed = rows_for(agreement_table(agreement), "who", identity)
        st.dataframe(agreed, hide_index=True,
                     column_config=column_config(AGREEMENT_HELP, AGREEMENT_FORMATS))  # fmt: skip
