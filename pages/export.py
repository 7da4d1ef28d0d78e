"""Export: filtered label sets as GeoJSON or GeoPackage, with a summary."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from labels.campaign_store import CampaignStore
from labels.model import DEFAULT_CROPS, Status, utc_now
from ui.choice_titles import campaign_box, choice_box
from ui.export_view import (
    CAMPAIGN_TITLES,
    KIND_TITLES,
    KINDS,
    campaign_file,
    file_name,
    format_note,
    label_filter,
    labels_file,
    left_out_by_status,
    scene_title,
    summary_tables,
)
from ui.review import review_progress
from ui.season_export import season_columns
from ui.state import label_store, load_served_scene, require_identity
from ui.store_reads import StoreReads
from ui.text import escape_markdown

identity = require_identity()
served = load_served_scene()
store = label_store()
reads = StoreReads(store, st.session_state, "export-read-")

st.subheader("Which fields?")
left, middle, right = st.columns(3)
scene_ids = reads.distinct("scenes", "scene_id")
current = served.scene.scene_id if served else None
scene_id = choice_box(
    "Scene",
    [None, *scene_ids],
    scene_title,
    key="export_scene",
    where=left,
    tag=lambda s: str(s)[-4:],
    index=([None, *scene_ids].index(current) if current in scene_ids else 0),
)
statuses = left.multiselect(
    "Status", [s.value for s in Status], default=["accepted"], key="export_status"
)
crops = middle.multiselect("Crop", DEFAULT_CROPS, key="export_crop")
if identity.can_review:
    annotators = middle.multiselect(
        "Volunteer", reads.distinct("volunteers", "annotator"), key="export_annotator"
    )
else:  # volunteers export their own fields only
    annotators = [identity.name]
    middle.caption(f"Your own fields only ({escape_markdown(identity.name)}).")
since = right.date_input("Changed since", value=None, key="export_since")
until = right.date_input("Changed until", value=None, key="export_until")
flt = label_filter(
    scene_id=scene_id,
    statuses=statuses,
    crops=crops,
    annotators=annotators,
    since=since,
    until=until,
)
chosen = reads.labels("chosen", flt)
season = (
    served is not None
    and len(served.scene.dates) > 1
    and right.checkbox(  # a short label: a long one is cut off in this third of the page
        "Add season profiles",
        key="export_season",
        help="Each field's mean NDVI and mean bands on every date of the scene.",
    )
)
extra = season_columns(served.scene, chosen) if season and served else None

st.subheader(f"{len(chosen)} fields, {sum(lab.area_ha or 0 for lab in chosen):.1f} ha")
any_status = replace(flt, status=None)
by_status = reads.value("by-status", any_status, lambda: store.count_by("status", any_status))
if left_out := left_out_by_status(by_status, statuses):
    st.caption(left_out)
download_cols = st.columns(len(KINDS))
for column, (kind, mime) in zip(download_cols, KINDS.items(), strict=True):
    place = column.empty()  # the Prepare button, then the download in its place
    prepared = reads.kept(f"file-{kind}{'-season' if extra else ''}", flt)
    if prepared is None and place.button(
        f"Prepare {KIND_TITLES[kind]}", disabled=not chosen, key=f"prepare-{kind}"
    ):
        with column, st.spinner(f"Preparing the {KIND_TITLES[kind]} file…"):
            prepared = reads.keep(
                f"file-{kind}{'-season' if extra else ''}", flt, labels_file(chosen, kind, extra)[0]
            )
    if prepared is not None:
        place.download_button(
            f"Download {KIND_TITLES[kind]}",
            prepared,
            file_name=file_name(kind, scene_id, date.today()),
            mime=mime,
            key=f"download-{kind}",
        )
st.caption(format_note())

if chosen:
    tables = summary_tables(chosen)
    by_crop, by_volunteer = st.columns(2)
    by_crop.markdown("**Hectares per crop**")
    by_crop.bar_chart(tables["crop"], x="crop", y="hectares")
    by_volunteer.markdown("**Fields per volunteer**")
    by_volunteer.bar_chart(tables["annotator"], x="volunteer", y="fields")
    for group in tables:
        st.dataframe(tables[group], hide_index=True)
progress = reads.value("progress", scene_id, lambda: review_progress(store, scene_id))
st.progress(
    progress.fraction,
    text=f"Review progress: {progress.reviewed} of {progress.total} submitted fields reviewed",
)

if offered := CampaignStore(store).campaigns(scene_id):
    st.subheader("A campaign: its fields and its tasks")
    campaign_id = campaign_box(offered, "export_campaign")
    for column, kind in zip(st.columns(len(CAMPAIGN_TITLES)), CAMPAIGN_TITLES, strict=True):
        if column.button(f"Prepare {CAMPAIGN_TITLES[kind]}", key=f"campaign-{kind}"):
            data = campaign_file(CampaignStore(store), campaign_id, kind, utc_now())
            column.download_button(
                f"Download {CAMPAIGN_TITLES[kind]}", data, key=f"campaign-download-{kind}",
                file_name=f"sharpfields-campaign-{campaign_id}.{kind}", mime=KINDS[kind],
            )  # fmt: skip
    st.caption("The tasks carry their state: where a task is validated, every field is drawn.")
