"""Review: compare the original and enhanced views of each field, accept or reject it."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from labels.base_store import LabelFilter
from labels.campaign_store import CampaignStore
from labels.model import DEFAULT_CROPS, Status
from labels.outline_outcomes import outcomes_by_outline
from labels.review_reasons import REASONS
from sr.sharpen.assessment import CONSISTENCY_MAP
from ui.choice_titles import choice_box
from ui.date_view import date_switch, other_date_choice
from ui.enhance_flow import results_of_scene, served_result
from ui.fields_in_sight import seen_by
from ui.local_time import browser_zone
from ui.methods import method_text
from ui.page_keys import ACCEPT_KEY, REJECT_KEY
from ui.profile_view import season_profile
from ui.review import (
    DRAWN_ON_CHOICES,
    OUTCOMES_NOTE,
    OUTLINED_CHOICES,
    assist_version_note,
    comparison_map,
    drawn_on_badge,
    enhanced_view_of,
    field_summary,
    filter_drawn_on,
    filter_outlined,
    history_line,
    outcome_lines,
    own_field_notice,
    queue_order,
    queue_title,
    review_caution,
    review_filter,
    review_progress,
    sent_back_note,
    without_sent_back,
)
from ui.review_enhance import caption_row, enhance_field, keep_room
from ui.review_feedback import (
    COMMENT_CHARS,
    REFUSED_KEY,
    TALLY_KEY,
    TOAST_KEY,
    ReviewTally,
    comment_key,
    decide,
    queue_done_text,
    reason_key,
    take_reason,
)
from ui.state import label_store, require_identity, require_scene, tile_key
from ui.store_reads import StoreReads
from ui.text import escape_markdown
from ui.water_note import water_note

identity = require_identity()
zone = browser_zone()  # times said in the reviewer's own zone
served = require_scene()
scene = served.scene
store = label_store()
state = st.session_state
reads = StoreReads(store, state, "review-read-")

progress = reads.value("progress", scene.scene_id, lambda: review_progress(store, scene.scene_id))
st.progress(
    progress.fraction,
    text=f"Reviewed {progress.reviewed} of {progress.total} submitted fields "
    f"on {escape_markdown(scene.name)}",
)
if not identity.can_review:
    st.info("You are signed in as a volunteer: you can look, only reviewers accept or reject.")
# side by side, the field chosen beside them: the maps and Accept start higher
outcomes_col, filters_col, field_col = st.columns([1, 1, 1.2], vertical_alignment="bottom")
with outcomes_col.expander("Reviews by how fields were outlined"):
    found = reads.value(
        "outcomes", scene.scene_id, lambda: outcomes_by_outline(store, scene.scene_id)
    )
    if found:
        for line in outcome_lines(found):
            st.markdown(line)
        st.caption(OUTCOMES_NOTE)
    else:
        st.caption("No field submitted on this scene yet.")

with filters_col.expander("Filters", expanded=False):
    volunteers = reads.distinct("volunteers", "annotator", LabelFilter(scene_id=scene.scene_id))
    statuses = st.multiselect("Status", [s.value for s in Status], default=["submitted"])
    crops = st.multiselect("Crop", DEFAULT_CROPS)
    annotators = st.multiselect("Volunteer", volunteers)
    drawn_on = st.multiselect(
        "Drawn on",
        DRAWN_ON_CHOICES,
        help="The imagery each field was drawn on: the original, or an enhanced area and "
        "how faithful that area is to the original pixels.",
    )
    outlined = st.multiselect(
        "Outlined",
        list(OUTLINED_CHOICES),
        help="How each field's outline came to be: drawn by hand, or proposed by the outline "
        "assist and saved as proposed or edited first. Proposals saved unedited need the "
        "closest look at their edges.",
    )
queue = queue_order(
    reads.labels(
        "queue",
        review_filter(
            scene_id=scene.scene_id, statuses=statuses, crops=crops, annotators=annotators
        ),
    )
)
queue = seen_by(identity, queue, store, scene.scene_id)  # not a task mapped twice, mapped now
tally = state.get(TALLY_KEY, ReviewTally())
queue, held_back = without_sent_back(queue, CampaignStore(store).sent_back(scene.scene_id))
if held_back:  # read each run: a task's state is not in the labels' revision
    filters_col.caption(sent_back_note(held_back))
queue = filter_outlined(queue, outlined)
if drawn_on:
    areas = results_of_scene(scene.scene_id)  # read once, not once per field
    views = {lab.id: enhanced_view_of(lab, areas) for lab in queue}
    queue = filter_drawn_on(queue, drawn_on, views)
if not queue:
    if refused := state.pop(REFUSED_KEY, None):  # the last field on screen, taken meanwhile
        st.error(escape_markdown(refused))
    if tally.any:
        st.success(queue_done_text(tally))
    else:
        st.success("Nothing to review with these filters.")
    if toast := state.pop(TOAST_KEY, None):
        st.toast(escape_markdown(toast), icon=":material/check:")
        st.toast(queue_done_text(tally), icon=":material/done_all:")
    st.stop()

labels_by_id = {lab.id: lab for lab in queue}
choice = choice_box(
    f"Field ({len(queue)} in the queue)",
    labels_by_id,
    lambda i: queue_title(labels_by_id[i]),
    key="review_choice",
    where=field_col,
)
label = labels_by_id[choice]
map_col, side = st.columns([3, 1.5])
with side:  # the field and the decision first, in view with the maps; what to look at next
    decision_box = st.container()
    date, view = date_switch(scene, "review")
    right_date = other_date_choice(scene, date, "review")
result = enhanced_view_of(label, date=date)
enhanced = served_result(result, served) if result else None
neighbours = [lab for lab in queue if lab.id != label.id]
badge = drawn_on_badge(label, result)
consistency_map = result.extra(CONSISTENCY_MAP) if result is not None else None

with side:
    show_map = st.toggle(
        "Consistency map on the enhanced view",
        key="review_consistency_map",
        disabled=consistency_map is None,
        help="Amber and red where the sharpened pixels, averaged, differ from the original.",
    )
with map_col:  # a row as tall in every state: the maps under it stay put as it changes
    if right_date is None and result is None:
        enhance_field(served, label, identity.name, date)  # the reviewer can enhance it here
    else:
        words, control = caption_row()
        if right_date is not None:
            on_left, on_right = scene.dates[date].label, scene.dates[right_date].label
            words.caption(escape_markdown(f"Left: {on_left}. Right: {on_right}."))
        elif result is not None:
            method = method_text(result.provenance["method"])
            words.caption(f"Left: original scene. Right: enhanced ({method}).")
        keep_room(control)
    st_folium(
        comparison_map(
            served,
            enhanced,
            label,
            neighbours,
            tile_key,
            consistency_map if show_map else None,
            view,
            date,
            right_date,
        ),
        height=520,
        use_container_width=True,
        returned_objects=[],
        key=f"review-{label.id}",
    )
with decision_box:
    st.markdown(field_summary(label, badge))  # the badge explained under Accept
    if caution := review_caution(label, water_note(scene, label.geometry, reviewing=True)):
        st.warning(caution)  # one at most: Accept stays in view on a laptop
    if label.review_comment:
        st.caption(
            f"Last review by {escape_markdown(label.reviewer or '?')}: "
            f"{escape_markdown(label.review_comment)}"
        )
    if notice := own_field_notice(identity, label):
        st.info(escape_markdown(notice))
    else:
        st.text_area(
            "Comment (needed to reject)",
            key=comment_key(label),
            max_chars=COMMENT_CHARS,
            height=68,
            placeholder="Comment (needed to reject)",
            label_visibility="collapsed",  # said in the box: Accept stays in view on a laptop
        )
        accept_col, reject_col = st.columns(2)
        can_review = identity.can_review
        accept_col.button(
            "Accept",
            key=f"accept-{label.id}",  # a click on this field's button decides this field
            on_click=decide,
            args=(store, label, identity, True),
            type="primary",
            disabled=not can_review,
            shortcut=ACCEPT_KEY,  # not while typing the comment
            help=f"Key {ACCEPT_KEY}: accept and go on to the next field.",
        )
        reject_col.button(
            "Reject",
            key=f"reject-{label.id}",
            on_click=decide,
            args=(store, label, identity, False),
            disabled=not can_review,
            shortcut=REJECT_KEY,
            help=f"Key {REJECT_KEY}: reject with the comment (a reason picked below fills it).",
        )
        st.pills(  # under the buttons: Accept stays where it was on a laptop
            "Why reject (fills the comment)",
            list(REASONS),
            key=reason_key(label),
            on_change=take_reason,
            args=(reason_key(label), comment_key(label), REASONS, COMMENT_CHARS),
            disabled=not can_review,
        )
    if refused := state.pop(REFUSED_KEY, None):
        st.error(escape_markdown(refused))  # next to the buttons
    if toast := state.pop(TOAST_KEY, None):
        st.toast(escape_markdown(toast), icon=":material/check:")
    if badge is not None:
        st.caption(badge.explanation)
    if assisted := assist_version_note(label):
        st.caption(assisted)
with side:  # under the date switch
    season_profile(scene, label.geometry, queue)
    with st.expander("History"):
        for version in store.history(label.id):
            st.caption(history_line(version, zone))
