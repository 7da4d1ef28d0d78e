"""Campaigns: a coordinator divides an area into tasks; everyone sees the progress map and
figures; volunteers take the next task, reviewers validate mapped ones."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from labels.campaign_store import CampaignStore
from labels.campaigns import DEFAULT_LOCK_MINUTES, DEFAULT_TASK_PIXELS, Task, TaskState, iso
from labels.model import DEFAULT_CROPS, Label
from sr.imagery.bands import DisplayMode
from ui.campaign_map import add_task_outline, add_tasks, clicked_task
from ui.campaign_panel import MAP_NEXT, show_task
from ui.campaign_settings import settings_form
from ui.campaign_tables import volunteer_tables
from ui.campaign_view import (
    AreaError,
    TaskOutcome,
    area_from_drawing,
    area_from_geojson,
    assign,
    campaign_caption,
    create_campaign,
    decide,
    eta_text,
    keep_version,
    legend_html,
    lock_line,
    locks,
    map_chosen,
    map_first,
    map_next,
    now_utc,
    progress_text,
    put_back_label,
    release,
    reset_set_aside,
    set_aside_table,
    state_table,
    task_fields,
    tasks_in,
    top_up,
    validate_chosen,
    validate_next,
)
from ui.choice_titles import campaign_box
from ui.enhance_flow import job_engine, served_result
from ui.field_layers import add_fields
from ui.local_time import browser_zone
from ui.page_keys import ACCEPT_KEY, REJECT_KEY, KeysToPage
from ui.review import enhanced_area_holding
from ui.scene_map import add_draw_control, add_scene_tiles, base_map, finish_map, fly_to
from ui.state import bump_map, label_store, map_key, require_identity, require_scene, tile_key
from ui.table_columns import column_config
from ui.task_check import COMMENT_KEY, check_panel, enhanced_name
from ui.task_choice import (
    FIRST,
    MAP_IT,
    NOT_FIRST,
    PUT_IT_BACK,
    RELEASE_IT,
    VALIDATE_IT,
    TaskRecord,
    assign_box,
    choice_for,
    choice_panel,
)
from ui.text import escape_lines, escape_markdown
from ui.uninterrupted import uninterrupted

identity = require_identity()
served = require_scene()
scene = served.scene
store = label_store()
campaigns = CampaignStore(store)
state = st.session_state
now = now_utc()
stamp = iso(now)
zone = browser_zone()  # times said in the person's own zone

for ok, message in state.pop("campaign_outcomes", []):
    (st.success if ok else st.error)(escape_markdown(message))  # it names the campaign

event = state.get(map_key("campaign-map")) or {}
if identity.is_coordinator and (drawn := area_from_drawing(event)):  # only theirs counts
    state["campaign_area"] = drawn


@uninterrupted
def keep(outcome, go_label: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Button callback end: show the outcome; after taking a task, open the Label page."""
    state["campaign_outcomes"] = [(outcome.ok, outcome.message)]
    if outcome.ok and go_label:
        show_task(outcome, fly=True)
        state["go_label"] = True
    bump_map()


def taken(outcome: TaskOutcome, campaign_id: str) -> None:
    """A task taken to map: keep the next ones sharpening, open the Label page."""
    keep(outcome, go_label=True)
    if outcome.ok:
        top_up(job_engine(), scene, campaigns, campaign_id)


@uninterrupted
def take_next(campaign_id: str) -> None:
    """Map next task callback."""
    taken(map_next(campaigns, campaign_id, identity), campaign_id)


@uninterrupted
def act_on_chosen(task: Task, action: str) -> None:
    """A button of the task chosen on the map (``ui.task_choice``)."""
    if action == MAP_IT:
        taken(map_chosen(campaigns, task, identity), task.campaign_id)
    elif action == VALIDATE_IT:
        keep(validate_chosen(campaigns, task, identity))
    elif action == RELEASE_IT:
        keep(release(campaigns, task, identity))
    elif action == PUT_IT_BACK:
        keep(reset_set_aside(campaigns, task.campaign_id, identity, [task.number]))
    elif action in (FIRST, NOT_FIRST):
        keep(map_first(campaigns, task.campaign_id, [task.number], identity, action == FIRST))


ASSIGN_CHOSEN = "assign-chosen"  # the name boxes of the assignments
ASSIGN_DRAWN = "assign-drawn"


@uninterrupted
def assign_typed(key: str, campaign_id: str, numbers: tuple[int, ...]) -> None:
    """Assign button callback: the tasks go to the volunteer named in the box ``key``."""
    name = str(state.get(key) or "").strip()
    if not name:
        keep(TaskOutcome(False, "Type the volunteer's name first, as they sign in."))
        return
    keep(assign(campaigns, campaign_id, numbers, name, identity))


@uninterrupted
def take_back(_key: str, campaign_id: str, numbers: tuple[int, ...]) -> None:
    """Take the assignment back button callback."""
    keep(assign(campaigns, campaign_id, numbers, None, identity))


@uninterrupted
def decide_held(task: Task, valid: bool, seen: list[Label]) -> None:
    """Validate / Invalidate button callback, with the comment typed and the fields shown."""
    keep(decide(campaigns, task, identity, valid, state.get(COMMENT_KEY, ""), seen))


@uninterrupted
def keep_held_version(task: Task, mapper: str, shown: list[Label]) -> None:
    """Keep one mapper's version of a task mapped twice (button callback, with the fields
    shown)."""
    keep(keep_version(campaigns, task, mapper, shown, identity))


if identity.is_coordinator:
    with st.expander("New campaign", expanded=not campaigns.campaigns(scene.scene_id)):
        name = st.text_input("Name", key="new_campaign_name")
        crops = st.multiselect("Crops", DEFAULT_CROPS, default=list(DEFAULT_CROPS))
        instructions = st.text_area("Instructions for volunteers", key="new_campaign_text")
        size, lock, double = st.columns(3)
        task_pixels = size.number_input(
            "Task size (scene pixels)", 8, 4096, DEFAULT_TASK_PIXELS, step=16,
            help=f"{scene.metres_per_pixel:.1f} m per pixel on this scene",
        )  # fmt: skip
        lock_hours = lock.number_input(
            "Lock expires after (hours)", 0.25, 168.0, DEFAULT_LOCK_MINUTES / 60, step=0.25
        )
        share = double.slider("Tasks mapped by two volunteers (%)", 0, 50, 0)
        ahead = st.checkbox(
            "Sharpen the next tasks before volunteers open them (low priority)",
            value=True,
            key="pre_enhance",
        )
        upload = st.file_uploader("Area of interest (GeoJSON)", type=["geojson", "json"])
        area = state.get("campaign_area")
        if upload is not None:
            try:
                area = area_from_geojson(upload.getvalue())
            except AreaError as exc:
                st.error(escape_markdown(f"The area file cannot be used: {exc}."))
        st.caption(
            "…or draw the area on the map below with the polygon tool."
            if area is None
            else f"Area chosen: {area.bounds[0]:.4f}, {area.bounds[1]:.4f} → "
            f"{area.bounds[2]:.4f}, {area.bounds[3]:.4f}"
        )
        if st.button("Create campaign", type="primary", disabled=area is None):
            keep(
                create_campaign(
                    campaigns, scene, identity, name=name, area=area, crops=crops,
                    instructions=instructions, task_pixels=int(task_pixels),
                    double_share=share / 100, lock_hours=float(lock_hours),
                    engine=job_engine() if ahead else None,
                )
            )  # fmt: skip
            state.pop("campaign_area", None)
            st.rerun()

offered = campaigns.campaigns(scene.scene_id)
if not offered:
    st.info(f"No campaign on {escape_markdown(scene.name)} yet.")
    campaign = None
    tasks = []
else:
    chosen = campaign_box(offered, "campaign")
    campaign = campaigns.get(chosen)
    tasks = campaigns.tasks(campaign.id)
    st.caption(escape_markdown(campaign_caption(campaign, len(tasks))))
    if campaign.instructions:
        st.info(escape_lines(campaign.instructions))
    if identity.is_coordinator:
        settings_form(campaigns, campaign, identity, zone, keep)

held = campaigns.held_by(campaign.id, identity.name) if campaign else None
checked = held if held is not None and held.state is TaskState.LOCKED_VALIDATION else None
map_col, side = st.columns([3, 2])
date = 0  # the date and view on the map: a reviewer checking a task chooses them
view: DisplayMode = "true"
checked_fields = campaigns.fields_in(checked) if checked is not None else []
if checked is not None:  # the task, its date switch and its decision first, beside the map
    with side:
        date, view = check_panel(checked, checked_fields, scene, decide_held, keep_held_version)
elif (chosen_task := clicked_task(event.get("last_active_drawing"), tasks)) is not None:
    with side:  # a task clicked on the map: what it is, what this person may do with it
        record = (
            TaskRecord(
                campaigns.fields_in(chosen_task),
                campaigns.events(chosen_task.campaign_id, chosen_task.number),
            )
            if identity.can_review  # a volunteer sees neither a first mapper's fields nor locks
            else None
        )
        choice = choice_for(chosen_task, identity, held, stamp)
        choice_panel(choice, chosen_task, act_on_chosen, record)
        if identity.is_coordinator and chosen_task.state is not TaskState.VALIDATED:
            plan = (chosen_task.campaign_id, (chosen_task.number,))
            assign_box(f"Assign task {chosen_task.number}", ASSIGN_CHOSEN, plan,
                       assign_typed, take_back if chosen_task.assigned_to else None)  # fmt: skip
with map_col:
    fmap = base_map(served, view, tile_key, date=date)
    if campaign is not None:
        add_tasks(fmap, tasks, stamp, identity.is_coordinator, clear=held)
        fly_to(fmap, campaign.area.bounds)
    if checked is not None:  # on the enhanced area holding it, its fields drawn on that
        KeysToPage([ACCEPT_KEY, REJECT_KEY]).add_to(fmap)  # Validate, Invalidate: from the map
        sharpened = enhanced_area_holding(checked.geometry, scene.scene_id, date=date)
        if sharpened is not None:  # untick it in the layers to compare
            shown = served_result(sharpened, served)
            add_scene_tiles(fmap, shown, view, enhanced_name(sharpened, scene), tile_key)
        add_task_outline(fmap, checked)
        for layer, drawn in task_fields(checked_fields, checked).items():
            add_fields(fmap, drawn, layer)
    elif held is not None:
        add_task_outline(fmap, held)
    if held is not None:
        fly_to(fmap, held.geometry.bounds)
    if identity.is_coordinator:
        add_draw_control(fmap, None, "polygon")
    st_folium(
        finish_map(fmap),
        height=560,
        use_container_width=True,
        key=map_key("campaign-map"),
        returned_objects=["last_active_drawing", "all_drawings"],
    )
    st.html(legend_html())

if campaign is not None:
    with side:
        found = campaigns.progress(campaign.id, tasks)  # the tasks read for the map
        st.progress(found.done_share, text=progress_text(found))
        st.dataframe(state_table(found), hide_index=True,
                     column_config=column_config({}, {"%": "%.0f %%"}))  # fmt: skip
        st.caption(eta_text(found))
        drawn_area = state.get("campaign_area")
        if identity.is_coordinator and drawn_area is not None:
            inside = tasks_in(tasks, drawn_area)
            under = [t.number for t in inside if not t.first]
            st.button(
                f"Map the {len(under)} task(s) in the area drawn first",
                disabled=not under,
                help="HOT Tasking Manager's priority areas: Map next task takes them before the "
                "others. Draw the area with the polygon tool; a task at least half in it counts.",
                on_click=lambda cid=campaign.id, some=tuple(under): keep(
                    map_first(campaigns, cid, some, identity)
                ),
            )
            drawn_plan = (campaign.id, tuple(t.number for t in inside))
            assign_box(f"Assign the {len(inside)} task(s) in the area drawn", ASSIGN_DRAWN,
                       drawn_plan, assign_typed, None)  # fmt: skip
        if held is None:
            st.button(
                MAP_NEXT,
                type="primary",
                on_click=take_next,
                args=(campaign.id,),
            )
        elif held.state is TaskState.LOCKED_MAPPING:
            st.page_link("pages/label.py", label=f"Back to task {held.number} on the Label page")
        # a task held to check has its Validate / Invalidate above: one task at a time
        if identity.can_review and held is None:
            st.button(
                "Validate next task",
                on_click=lambda cid=campaign.id: keep(validate_next(campaigns, cid, identity)),
            )
        if identity.is_coordinator:
            st.markdown("**Locks now**")
            current = locks(tasks, now)
            if not current:
                st.caption("Nobody holds a task.")
            for task in current:
                line, button = st.columns([3, 1])
                line.caption(escape_markdown(lock_line(task, zone)))
                button.button("Release", key=f"release-{task.number}", on_click=lambda t=task: keep(
                    release(campaigns, t, identity)))  # fmt: skip
    # The page's width for the tables: in the side panel a laptop showed four of the
    # Volunteers table's eight columns, and half of the set-aside tasks' reasons.
    if found.set_aside and identity.is_coordinator:
        st.markdown("**Tasks set aside for bad imagery**")
        st.dataframe(set_aside_table(found, zone), hide_index=True)
        some_tasks = st.multiselect(
            "Tasks to put back",
            sorted(found.set_aside_now),
            key=f"put-back-{campaign.id}",
            placeholder="All of them",
            help="Choose some to put back only those (look at them on the map first).",
        )
        st.button(
            put_back_label(some_tasks, found.set_aside),
            help="When new imagery came, or the bad imagery was not so bad.",
            on_click=lambda cid=campaign.id, some=tuple(some_tasks): keep(
                reset_set_aside(campaigns, cid, identity, some or None)
            ),
        )
    volunteer_tables(
        found, identity, campaigns.agreement(campaign.id) if campaign.double_share else None
    )

if state.pop("go_label", False):
    st.switch_page("pages/label.py")
