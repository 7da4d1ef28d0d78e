"""The Label page's campaign panel: "Map next task", the task being mapped (instructions,
"I'm done with this task", "Give it back"), and where the map goes.

Taking a task makes its bounds the page's chosen area, so the map flies there and the
Enhance button sharpens exactly the task; fields saved mostly inside the task held carry its
id (``labels.campaigns.Task.holds``).
"""

from __future__ import annotations

import streamlit as st
from shapely.geometry import Polygon

from labels.campaign_store import CampaignStore
from labels.campaigns import Task
from sr.imagery.scene import Scene
from ui.auth import Identity
from ui.campaign_view import (
    TaskOutcome,
    give_back,
    hand_in,
    map_next,
    sent_back_note,
    set_aside,
    split_parts,
    split_task,
    task_bbox,
    top_up,
)
from ui.choice_titles import campaign_box
from ui.drawings import Drafts
from ui.enhance_flow import job_engine
from ui.hand_in import AS_IT_IS, HAND_IN_ASKED, NOT_YET, leftovers
from ui.label_work import OUTCOMES_KEY, LabelWork
from ui.local_time import browser_zone, clock_time
from ui.map_first import map_news_first
from ui.proposal_record import Proposals
from ui.state import bump_map
from ui.text import escape_lines, escape_markdown
from ui.uninterrupted import uninterrupted

MAP_NEXT = "Map next task"
DONE = "I'm done with this task"
GIVE_BACK = "Give it back"
BAD_IMAGERY = "Can't map it: bad imagery"
SET_IT_ASIDE = "Set it aside"
SPLIT_IT = "Too big? Split it"
# held by the Label page's map until it reported a drawing made just before (ui.live_map
# waits): they ask about unsaved drawings, and one not reported yet would be missed
WAIT_FOR_THE_MAP = (DONE, SPLIT_IT)
SPLIT_HELP = (
    "Four smaller tasks instead of this one (two for a narrow strip). The fields saved in it "
    "go with the part holding each; you go on with the part holding most of yours, and the "
    "others are ready for anyone."
)
SPLIT_WAITS = (
    "Save or discard what is on the map first (drawings, changed outlines, proposals waiting "
    "for Keep / Skip), then split the task: its saved fields go with its parts."
)
SET_ASIDE_ASKED = "set_aside_asked"  # session key: the task (ref) whose setting aside waits
SET_ASIDE_REASON = "set_aside_reason"  # session key: what the volunteer says is wrong
SET_ASIDE_QUESTION = (
    "Task {n} cannot be mapped on this imagery (clouds, haze, smoke, no data)? It leaves the "
    "queue until a coordinator puts it back. Fields you saved in it stay; unsaved drawings "
    "stay on the map; proposed fields waiting are dropped."
)


def show_task(outcome: TaskOutcome, fly: bool) -> None:
    """Keep an outcome for the page's messages; fly the map to the task taken."""
    st.session_state[OUTCOMES_KEY] = [(outcome.ok, outcome.message)]
    if outcome.ok and outcome.task is not None and fly:
        st.session_state["area"] = task_bbox(outcome.task)
    bump_map()


@uninterrupted
def _map_next(campaigns: CampaignStore, scene: Scene, campaign_id: str, identity: Identity) -> None:
    outcome = map_next(campaigns, campaign_id, identity)
    show_task(outcome, fly=True)
    if outcome.ok:
        top_up(job_engine(), scene, campaigns, campaign_id)


@uninterrupted
@map_news_first
def _hand_in(campaigns: CampaignStore, task: Task, identity: Identity, drafts: Drafts) -> None:
    """I'm done with this task: handed in, unless work is still on the map (ui.hand_in)."""
    if leftovers(drafts):
        st.session_state[HAND_IN_ASKED] = task.ref
        return
    show_task(hand_in(campaigns, task, identity), fly=False)


@uninterrupted
def _hand_in_as_it_is(
    campaigns: CampaignStore, task: Task, identity: Identity, drafts: Drafts
) -> None:
    st.session_state.pop(HAND_IN_ASKED, None)
    outcome = hand_in(campaigns, task, identity)
    if outcome.ok:
        Proposals.beside(drafts.path).drop_queue()  # the proposals no one kept
    show_task(outcome, fly=False)


def _not_yet() -> None:
    st.session_state.pop(HAND_IN_ASKED, None)
    st.session_state.pop(SET_ASIDE_ASKED, None)


def _ask_set_aside(task: Task) -> None:
    st.session_state[SET_ASIDE_ASKED] = task.ref


@uninterrupted
def _set_aside(campaigns: CampaignStore, task: Task, identity: Identity, drafts: Drafts) -> None:
    """Set it aside: the task leaves the queue; the proposals no one kept are dropped, the
    unsaved drawings stay on the map."""
    st.session_state.pop(SET_ASIDE_ASKED, None)
    outcome = set_aside(campaigns, task, identity, st.session_state.get(SET_ASIDE_REASON, ""))
    if outcome.ok:
        Proposals.beside(drafts.path).drop_queue()
    show_task(outcome, fly=False)


@uninterrupted
@map_news_first
def _split(
    campaigns: CampaignStore, task: Task, identity: Identity, drafts: Drafts, parts: list[Polygon]
) -> None:
    """Split the task held, once nothing unsaved is on the map (a drawing reported with the
    press included); the map flies to the part the volunteer goes on with."""
    if leftovers(drafts):
        show_task(TaskOutcome(False, SPLIT_WAITS), fly=False)
        return
    show_task(split_task(campaigns, task, parts, identity), fly=True)


@uninterrupted
def _give_back(campaigns: CampaignStore, task: Task, identity: Identity) -> None:
    show_task(give_back(campaigns, task, identity), fly=False)


def task_panel(work: LabelWork) -> bool:
    """The panel: nothing when the scene has no campaign; else the held task (of
    ``work.campaign``, read once by the page) or the button to take the next one. Returns
    whether that button is offered."""
    scene, identity, task, drafts = work.scene, work.identity, work.task, work.drafts
    campaigns = CampaignStore(work.store)
    if task is None or work.campaign is None:
        offered = campaigns.campaigns(scene.scene_id)
        if not offered:
            return False
        st.subheader("Campaign")
        chosen = campaign_box(offered, "label_campaign", label_visibility="collapsed")
        if assigned := campaigns.assigned_to_map(chosen, identity.name):
            st.caption(
                f"{assigned} task(s) of this campaign are assigned to you: Map next task takes "
                "them first."
            )
        st.button(
            MAP_NEXT, type="primary", on_click=_map_next, args=(campaigns, scene, chosen, identity)
        )
        return True
    campaign = work.campaign
    st.subheader(f"Task {task.number} · {escape_markdown(campaign.name)}")
    if note := sent_back_note(task):
        st.warning(escape_lines(note))  # what to fix first; the reviewer's words as text
    if campaign.instructions:
        st.info(escape_lines(campaign.instructions))
    st.caption(
        f"Outline every field inside the red dashed square; your fields carry this task and "
        f"take its crops: {', '.join(campaign.crops)}. "
        f"It is yours until {clock_time(task.locked_until, browser_zone())}."
    )
    args = (campaigns, task, identity, drafts)
    if st.session_state.get(HAND_IN_ASKED) == task.ref and (left := leftovers(drafts)):
        st.warning(left.question(task.number))
        with st.container(horizontal=True):
            st.button(AS_IT_IS, type="primary", on_click=_hand_in_as_it_is, args=args)
            st.button(NOT_YET, on_click=_not_yet)
        return False
    st.session_state.pop(HAND_IN_ASKED, None)  # nothing left on the map: no question
    if st.session_state.get(SET_ASIDE_ASKED) == task.ref:
        st.warning(SET_ASIDE_QUESTION.format(n=task.number))
        st.text_input(
            "What is wrong with the imagery (optional)",
            key=SET_ASIDE_REASON,
            max_chars=200,
            placeholder="clouds, haze, no data…",
        )
        with st.container(horizontal=True):
            st.button(SET_IT_ASIDE, type="primary", on_click=_set_aside, args=args)
            st.button(NOT_YET, key="set-aside-not-yet", on_click=_not_yet)
        return False
    with st.container(horizontal=True):  # side by side, or stacked when the column is narrow
        st.button(DONE, type="primary", on_click=_hand_in, args=args)
        st.button(GIVE_BACK, on_click=_give_back, args=(campaigns, task, identity))
        st.button(BAD_IMAGERY, on_click=_ask_set_aside, args=(task,))
        if parts := split_parts(campaigns, scene, task):  # until it is mapped once
            waits = bool(leftovers(drafts))
            st.button(
                SPLIT_IT,
                on_click=_split,
                args=(*args, parts),
                disabled=waits,
                help=SPLIT_WAITS if waits else SPLIT_HELP,
            )
    return False
