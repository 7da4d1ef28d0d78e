"""The rework loop on the Label page: "my fields that need fixing".

A volunteer sees their rejected fields and their invalidated campaign tasks with the
reviewer's comment in full, and may change the crop of a rejected field or of one still
waiting for review (its outline they move on the map). A fixed rejected field goes back to
review (``labels.workflow.as_resubmitted``).
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from labels.base_store import BaseLabelStore, LabelStore
from labels.campaign_store import CampaignStore
from labels.campaigns import Campaign, Task, TaskState, parse_task_ref
from labels.errors import LabelError, NotFoundError
from labels.model import DEFAULT_CROPS, Label, Status, same_person
from labels.workflow import as_resubmitted
from ui.auth import Identity
from ui.choice_titles import choice_box
from ui.label_actions import Outcome, failed_outcome
from ui.label_work import OUTCOMES_KEY
from ui.plain_words import field_name
from ui.state import bump_map
from ui.text import escape_markdown
from ui.uninterrupted import uninterrupted


def needs_fixing(mine: Sequence[Label]) -> list[Label]:
    """The person's rejected fields, most recently reviewed first."""
    rejected = [lab for lab in mine if lab.status is Status.REJECTED]
    return sorted(rejected, key=lambda lab: lab.updated_at or "", reverse=True)


def correctable(mine: Sequence[Label]) -> list[Label]:
    """Fields whose crop their author may still change: rejected or waiting for review."""
    return needs_fixing(mine) + [lab for lab in mine if lab.status is Status.SUBMITTED]


def invalidated_tasks(
    store: BaseLabelStore, scene_id: str, identity: Identity
) -> list[tuple[Campaign, Task]]:
    """The campaign tasks of the scene this person mapped and a reviewer sent back."""
    campaigns = CampaignStore(store)
    found = []
    for campaign in campaigns.campaigns(scene_id):
        for task in campaigns.tasks(campaign.id):
            if task.state is TaskState.INVALIDATED and any(
                same_person(m, identity.name) for m in task.mappers
            ):
                found.append((campaign, task))
    return found


def crops_of(store: BaseLabelStore, label: Label) -> tuple[str, ...]:
    """The crops a field may take: its campaign's when it is filed under one of its tasks."""
    task = parse_task_ref(label.task_id or "")
    if task is None:
        return DEFAULT_CROPS
    try:
        return CampaignStore(store).get(task[0]).crops
    except NotFoundError:  # a task of a campaign this store does not hold (labels imported)
        return DEFAULT_CROPS


def change_crop(store: LabelStore, label: Label, crop: str, identity: Identity) -> Outcome:
    """Save the field with another crop (a new version; a rejected one is resubmitted)."""
    try:
        saved = store.save(
            as_resubmitted(label.replace(crop=crop), identity.name),
            actor=identity.name,
            role=identity.role,
            expected_version=label.version,
        ).label
    except LabelError as exc:
        return failed_outcome(exc)
    again = " It goes back to review." if label.status is Status.REJECTED else ""
    return Outcome(True, f"Saved: the field is now {saved.crop}.{again}", saved.id)


def fix_crop_key(label: Label) -> str:
    """The session key of the crop box under a field chosen to fix: one per field, so that
    the box shows the crop of the field chosen (one box for all kept the crop shown for
    the field chosen before, and Save the crop would have stored it)."""
    return f"fix_crop-{label.id}"


@uninterrupted
def _change_crop(store: LabelStore, label: Label, identity: Identity) -> None:
    crop = st.session_state.get(fix_crop_key(label), label.crop)
    outcome = change_crop(store, label, crop, identity)
    st.session_state[OUTCOMES_KEY] = [(outcome.ok, outcome.message)]
    bump_map()


def fix_panel(
    store: BaseLabelStore, scene_id: str, identity: Identity, mine: Sequence[Label]
) -> None:
    """The panel: what needs fixing with the reviewers' comments, and a crop correction."""
    fixing = needs_fixing(mine)
    tasks = invalidated_tasks(store, scene_id, identity)
    open_ = correctable(mine)
    if not (fixing or tasks or open_):
        return
    title = f"My fields that need fixing ({len(fixing) + len(tasks)})"
    with st.expander(title, expanded=bool(fixing or tasks)):
        for lab in fixing:
            st.markdown(
                f"**{escape_markdown(field_name(lab))}**, rejected by "
                f"{escape_markdown(lab.reviewer or 'a reviewer')}:"
            )
            st.warning(lab.review_comment or "(no comment)")
        for campaign, task in tasks:
            st.markdown(
                f"**Task {task.number} of {escape_markdown(campaign.name)}**, invalidated by "
                f"{escape_markdown(task.validator or 'a reviewer')}:"
            )
            st.warning(task.comment or "(no comment)")
        if fixing or tasks:
            st.caption(
                "Move an outline on the map (Draw fields) and save it, or change a crop "
                "below: a fixed field goes back to review. Take an invalidated task again "
                "with “Map next task”."
            )
        if open_:
            by_id = {lab.id: lab for lab in open_}
            chosen = choice_box(
                "Field",
                by_id,
                lambda i: f"{field_name(by_id[i])} ({by_id[i].status.value})",
                key="fix_field",
            )
            label = by_id[chosen]
            crops = list(crops_of(store, label))
            st.selectbox("Its crop", crops, index=crops.index(label.crop)
                         if label.crop in crops else 0, key=fix_crop_key(label))  # fmt: skip
            st.button("Save the crop", on_click=_change_crop, args=(store, label, identity))
