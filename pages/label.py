"""Label: choose an area, sharpen it, draw crop fields on it and save them.

The map's last event is read first (streamlit-folium keeps it in the session state under
the map's key), so each click or drawing costs one run of this script, not two. The map is
built once per scene and changed in place (ui.live_map): it keeps the volunteer's view.
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit_folium import st_folium

from labels.campaign_store import CampaignStore
from sr.imagery.scene import parse_bbox
from sr.imagery.scene_errors import SceneError
from sr.jobs.records import JobRecord
from sr.sharpen.assessment import ADDED_MAP, CONSISTENCY_MAP
from sr.sharpen.methods import get_method
from sr.sharpen.pipeline import request_key
from ui.campaign_map import add_hidden_tasks, add_task_outline
from ui.campaign_panel import WAIT_FOR_THE_MAP, task_panel
from ui.consistency_view import (
    ADDED_LEGEND,
    CONSISTENCY_LEGEND,
    added_caption,
    added_layer,
    badge_caption,
    badge_text,
    consistency_layer,
)
from ui.date_swipe import date_swipe_spec
from ui.date_view import date_switch, other_date_choice
from ui.drawings import Drafts
from ui.enhance_flow import (
    cached_result,
    enhance_blocker,
    job_engine,
    ready_message,
    results_of_scene,
    served_result,
)
from ui.enhanced_areas import (
    add_enhanced_outlines,
    area_caption,
    enhanced_areas,
    select_enhanced_area,
    thumbnail_png,
)
from ui.field_layers import LEGEND_TITLE, MapField, add_fields, fields_legend_html
from ui.fields_in_sight import fields_in_sight
from ui.goto_box import LABEL_GOTO, goto_box
from ui.hand_in import Leftovers
from ui.jobs_panel import show_jobs, submit
from ui.label_choices import (
    COMPARE_KEY,
    CROP_KEY,
    CROP_LABEL,
    SAVE_BUTTONS,
    current_request,
    enhanced_switch,
    showing_enhanced,
    take_view_presses,
    view_spec,
)
from ui.label_work import (
    AREA_TOOL,
    FIELDS_TOOL,
    OUTCOMES_KEY,
    PENDING_DELETE_KEY,
    UNDO_KEY,
    LabelWork,
    confirm_delete,
    fix_drawn_outlines,
    offer_map_intake,
    save_work,
    take_map_news,
    undo_last,
)
from ui.live_map import (
    FRAME_HEIGHT_CSS,
    LABEL_MAP,
    MAP_HEIGHT,
    basemap_spec,
    enhanced_spec,
    finish_layers,
    live_base_map,
    live_layers,
    scene_spec,
)
from ui.local_time import browser_zone
from ui.methods import METHOD_HELP, METHODS, PRESETS
from ui.next_step import LabelMoment, next_step, show_next_step
from ui.outline_adjust import next_click_choice
from ui.outline_centre import AreaState, take_centred_field
from ui.outline_corners import add_corner_layer
from ui.outline_fix import can_fix
from ui.outline_propose import Outlining
from ui.outline_queue import QUEUE_BUTTONS, QUEUE_KEYS, add_queue_layer
from ui.outline_tool import (
    OUTLINE_TOOL,
    outline_by_choice,
    outline_panel,
    take_click,
    under_map,
)
from ui.plain_words import FIX_BUTTON, field_name
from ui.profile_view import label_profile
from ui.proposal_record import Proposals
from ui.rework import fix_panel
from ui.scene_map import add_area, add_outline, basemap_choices
from ui.settings import data_dir, default_area_pixels
from ui.state import (
    bump_map,
    enhance_asked,
    label_store,
    map_revision,
    remember,
    remembered,
    require_identity,
    require_scene,
    tile_key,
)
from ui.text import escape_markdown
from ui.uninterrupted import uninterrupted

identity = require_identity()
zone = browser_zone()  # times said in the volunteer's own zone
served = require_scene()
scene = served.scene
store = label_store()
drafts = Drafts(data_dir() / "drafts", identity.name, scene.scene_id)
state = st.session_state
available = METHODS
in_sight = fields_in_sight(store, scene.scene_id, identity)
mine, others, task = in_sight.mine, in_sight.others, in_sight.task  # task: one being mapped

# --- what the volunteer just did on the map -------------------------------------------------
if "area" not in state:
    state["area"] = parse_bbox(remembered("area_text", ""))


campaign = CampaignStore(store).get(task.campaign_id) if task is not None else None
work = LabelWork(store, scene, identity, drafts, task, tuple(mine), in_sight.hidden, campaign)
news = take_map_news(work)
offer_map_intake(work)  # the next run's buttons take the map's drawings first
take_view_presses(state, state.get(LABEL_MAP))  # key E, pressed in the map or on the page
draft = drafts.load()
area = state["area"]


@uninterrupted
def show_area(job: JobRecord) -> None:
    """Button callback: a finished job's area, method and preset become the current ones,
    so its result shows, zoomed to it."""
    state.update(area=job.bbox, method=job.method, preset=job.preset)
    bump_map()


map_col, side = st.columns([3, 1.4])
map_col.html(FRAME_HEIGHT_CSS)  # the controls under the map do not jump as the map starts
with side:
    st.markdown(
        f"**{escape_markdown(scene.name)}** · signed in as "
        f"{escape_markdown(identity.name)} ({identity.role.value})"
    )
    messages = st.container()  # outcomes of the last action, shown first
    next_box = st.container()  # what to do next (ui.next_step), filled once the page knows
    # a campaign frames the work
    campaign_offered = task_panel(work)
    tool = st.radio(
        "On the map",
        [AREA_TOOL, FIELDS_TOOL, OUTLINE_TOOL],
        horizontal=True,
        key="tool",
        on_change=bump_map,  # the map swaps its drawing tool in place
    )
    if tool == OUTLINE_TOOL:
        outline_by_choice()
    date, view = date_switch(scene, "label")
    swipe_date = other_date_choice(scene, date, "label", "Swipe to another date")
    if remembered("method", next(iter(available))) not in available:
        state["method"] = next(iter(available))
    if remembered("preset", "fast") not in PRESETS:
        state["preset"] = "fast"
    method = st.selectbox(
        "Sharpening method",
        list(available),
        format_func=available.__getitem__,
        key="method",
        help=METHOD_HELP,
    )
    preset = st.selectbox(
        "Preset",
        list(PRESETS),
        format_func=PRESETS.__getitem__,
        key="preset",
        disabled=not get_method(method).takes_dip_options,
    )
    basemap = st.radio("Basemap (needs internet)", basemap_choices(), horizontal=True)
    place = goto_box(LABEL_GOTO)
remember(method=method, preset=preset, area_text=",".join(repr(v) for v in area or ()))
request = current_request(state, scene, identity.name)
result = None
if request is not None:
    try:
        result = cached_result(request)
    except SceneError as exc:
        messages.error(str(exc))
        request = None
overlay = served_result(result, served) if result else None
show_enhanced = overlay is not None and showing_enhanced(state)
outlining = Outlining(scene, result if show_enhanced else None, store, drafts, in_sight.hidden)
if tool == OUTLINE_TOOL:
    draft = take_click(news, outlining, draft)
    draft = take_centred_field(outlining, draft)
areas = enhanced_areas(results_of_scene(scene.scene_id), identity.name)

compare = overlay is not None and show_enhanced and bool(state.get(COMPARE_KEY))

with map_col:
    tiles = [*basemap_spec(basemap), scene_spec(served, view, tile_key, date)]
    if swipe_date is not None:
        tiles.append(date_swipe_spec(served, view, tile_key, date, swipe_date))
    if overlay is not None:
        tiles.append(enhanced_spec(overlay, view, tile_key, state.get("opacity", 1.0), compare))
    editable = [MapField.of(lab, draft.edits.get(lab.id, (lab.geometry,))[0]) for lab in mine]
    editable += [MapField(g, None, None) for g in draft.new]
    drawing = tool in (FIELDS_TOOL, OUTLINE_TOOL)
    layers = live_layers(  # what changes; the map itself is built once (ui.live_map)
        tool="polygon" if drawing else "rectangle",
        tiles=tiles,
        editable=editable,
        revision=map_revision(),
        fit=place or area or scene.lonlat_bounds,
        view=view_spec(state) if overlay is not None else None,
        saves=SAVE_BUTTONS,
        waits=(*QUEUE_BUTTONS, *WAIT_FOR_THE_MAP),
        button_keys=QUEUE_KEYS,
    )
    add_outline(layers, scene.footprint, "scene outline", "#ffcc00", weight=2)
    add_enhanced_outlines(layers, areas, identity.name, zone)
    consistency_map = result.extra(CONSISTENCY_MAP) if result is not None else None
    if consistency_map is not None and state.get("show_consistency", False):
        consistency_layer(consistency_map).add_to(layers)
    added_map = result.extra(ADDED_MAP) if result is not None else None
    if added_map is not None and state.get("show_added", False):
        added_layer(added_map).add_to(layers)
    if area:
        add_area(layers, area, fit=False)
    if task is not None:
        add_task_outline(layers, task)
    add_hidden_tasks(layers, in_sight.waiting)  # why no field shows there
    add_fields(layers, [MapField.of(lab) for lab in others], "others' fields")
    add_queue_layer(layers, drafts)
    if tool == OUTLINE_TOOL:
        add_corner_layer(layers, scene)
    st_folium(
        live_base_map(served),
        feature_group_to_add=finish_layers(layers),
        height=MAP_HEIGHT,
        use_container_width=True,
        key=LABEL_MAP,
        returned_objects=[
            "all_drawings",
            "last_active_drawing",
            "last_clicked",
            "last_object_clicked",
        ],
    )

with side:
    fix_panel(store, scene.scene_id, identity, mine)
    st.subheader("1 · Area")
    if area:
        st.caption(f"{area[0]:.5f}, {area[1]:.5f} → {area[2]:.5f}, {area[3]:.5f}")
    else:
        st.info(
            "Draw a rectangle on the map, or click a point for an area of "
            f"{default_area_pixels()} × {default_area_pixels()} pixels."
        )

    st.subheader("2 · Sharpen")
    blocker = enhance_blocker(request) if request is not None and result is None else None
    enhance = st.button(
        "Enhance", type="primary", disabled=request is None or result is not None or bool(blocker)
    )
    asked = enhance_asked()  # a twin: the next step's, or the one under the map after Centre
    enhance = asked or enhance
    if blocker:
        st.warning(blocker)
    if (
        enhance
        and request is not None
        and result is None
        and not blocker
        and (problem := submit(job_engine(), request, identity.name))
    ):
        # said where it was pressed: a twin's press at the top of the panel, in view with it
        (messages if asked else st.container()).error(problem)
    show_jobs(
        job_engine(),
        identity.name,
        served,
        request_key(request) if request else None,
        show_area,
    )
    job = job_engine().snapshot(request_key(request)) if request is not None else None
    enhancing = job is not None and job.status.active
    if overlay is not None and result is not None:
        st.success(ready_message(job_engine(), result))
        text = badge_text(result.provenance)
        st.badge(text.label, color=text.colour)
        st.caption(badge_caption(result.provenance))
        st.caption(added_caption(result.provenance))
        enhanced_switch()
        st.toggle(
            "Show the consistency map",
            key="show_consistency",
            disabled=consistency_map is None,
            help="Amber and red where the sharpened pixels, averaged, differ from the original.",
        )
        if state.get("show_consistency"):
            st.caption(CONSISTENCY_LEGEND)
        st.toggle("Show what the model added", key="show_added", disabled=added_map is None)
        if state.get("show_added") and added_map is not None:
            st.caption(ADDED_LEGEND)
        st.slider("Opacity", 0.0, 1.0, 1.0, 0.1, key="opacity")

    st.markdown(f"**Enhanced areas of this scene ({len(areas)})**")
    if not areas:
        st.caption("None yet: choose an area and press Enhance.")
    with st.container(height=300 if len(areas) > 2 else "content", border=bool(areas)):
        for listed in areas:
            picture, words = st.columns([1, 2])
            picture.image(thumbnail_png(listed, served), width="stretch")
            words.caption(escape_markdown(area_caption(listed, identity.name, zone)))
            if result is not None and listed.key == result.key:
                words.caption("on the map now")
            else:
                words.button(
                    "Show", key=f"show-{listed.key}", on_click=select_enhanced_area, args=(listed,)
                )

    st.subheader("3 · Fields")
    with st.expander(LEGEND_TITLE):
        st.markdown(fields_legend_html(), unsafe_allow_html=True)  # the app's constants only
    if tool == OUTLINE_TOOL:
        outline_panel(outlining)
    if tool == AREA_TOOL:
        st.caption(f"Switch the map to **{FIELDS_TOOL}** to outline fields.")
    st.caption("The crop and the Save buttons are under the map.")
    left = Leftovers.of(draft, Proposals.beside(drafts.path))
    moment = LabelMoment(
        tool=tool,
        area_chosen=bool(area),
        enhanced=overlay is not None,
        enhancing=enhancing,
        blocked=bool(blocker),
        unsaved=left.unsaved,
        waiting=left.waiting,
        deleting=bool(state.get(PENDING_DELETE_KEY)),
        task=task.number if task is not None else None,
        campaign_offered=campaign_offered,
    )
    show_next_step(next_box, next_step(moment))


with map_col:  # under the map, in view with it: the assist's answers, the crop, Save
    if tool == OUTLINE_TOOL:
        area_state = AreaState(result is not None, enhancing, blocker)
        under_map(outlining, identity, area_state)
    # The crop's name beside its box, not above it: the row is as tall as a button.
    crop_words, crop_col, submit_col, draft_col = st.columns(
        [0.8, 1.2, 1, 1], vertical_alignment="center"
    )
    crop_words.markdown(f"**{CROP_LABEL}**")
    if state.get(CROP_KEY) not in work.crops:  # a task's campaign maps the crops it chose
        state[CROP_KEY] = work.crops[0]
    crop_col.selectbox(
        CROP_LABEL,
        work.crops,
        key=CROP_KEY,
        label_visibility="collapsed",
        help=work.crops_note,
    )
    submit_label, draft_label = SAVE_BUTTONS
    submit_col.button(submit_label, disabled=draft.empty, on_click=save_work, args=(work, True))
    draft_col.button(draft_label, disabled=not draft.new, on_click=save_work, args=(work, False))
    st.caption(f"{len(draft.new)} unsaved drawing(s), {len(draft.edits)} changed outline(s).")
    if tool == OUTLINE_TOOL:
        next_click_choice(drafts)
    for ok, message in state.pop(OUTCOMES_KEY, []):  # a toast, or next to the buttons
        if ok:
            st.toast(escape_markdown(message), icon=":material/check:")
        if not ok:
            st.error(escape_markdown(message))
        elif "warning:" in message:
            st.warning(escape_markdown(message))
    if can_fix(draft):
        st.button(FIX_BUTTON, on_click=fix_drawn_outlines, args=(drafts,))

    if UNDO_KEY in state and not state[UNDO_KEY].open(time.monotonic()):
        del state[UNDO_KEY]

    @st.fragment(run_every=1.0 if UNDO_KEY in state else None)
    def undo_panel() -> None:
        action = state.get(UNDO_KEY)
        now = time.monotonic()
        if action is None or not action.open(now):
            return
        if st.button("Undo", key="undo-button", help="Undo the last save or delete"):
            undo_last(work)
            st.rerun()  # the whole page: the map shows the undone change
        st.caption(f"for {action.seconds_left(now)} s")

    undo_panel()
    if state.get(PENDING_DELETE_KEY):
        names = ", ".join(field_name(lab) for lab in mine if lab.id in state[PENDING_DELETE_KEY])
        st.warning(f"Delete {escape_markdown(names)}?")
        yes, no = st.columns(2)
        yes.button("Delete", on_click=confirm_delete, args=(work, True))
        no.button("Keep", on_click=confirm_delete, args=(work, False))

    label_profile(scene, draft.new, in_sight.every)  # not the other mapping of a task
