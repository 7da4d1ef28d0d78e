"""Find imagery (coordinators): Sentinel-2 for an area from a STAC catalogue, ready to label."""

from __future__ import annotations

from datetime import date

import streamlit as st
from rasterio.errors import RasterioError
from streamlit_folium import st_folium

from labels.model import Role
from sr.stac.area import AreaError
from sr.stac.remote import AssetError
from sr.stac.search import Candidate, StacError, StacSettings, search_candidates
from ui.assets import MissingAssetsError
from ui.fetch_view import (
    SHOWN_CANDIDATES,
    area_map,
    candidate_summary,
    chosen_area,
    dates_text,
    fetch_into_data_folder,
    fetch_stack_into_data_folder,
    fetched_scene,
    offset_note,
    preview,
    progress_reporter,
    stack_summary,
)
from ui.scene_map import basemap_choices
from ui.state import require_identity, set_scene, tile_key
from ui.text import escape_markdown

# RasterioError: an image that GDAL could open but not use (its message is GDAL's).
PROBLEMS = (StacError, AssetError, AreaError, RasterioError)

identity = require_identity()
if identity.role != Role.COORDINATOR:
    st.warning("Finding and fetching imagery is for coordinators: sign in as one on Home.")
    st.stop()

settings = StacSettings.from_env()
st.header("Find Sentinel-2 imagery for an area")
st.caption(
    f"Catalogue: {settings.catalog_url} · collection {settings.collection} · areas up to "
    f"{settings.max_area_km2:,.0f} km²"
)

left, right = st.columns([3, 2])
with right:
    typed = st.text_area(
        "Area: draw a rectangle on the map, or type W, S, E, N in degrees, or paste GeoJSON",
        key="fetch_area",
        placeholder="84.40, 27.55, 84.50, 27.65",
        height=90,
        max_chars=200_000,
    )
    start = st.date_input("From", value=date(2024, 6, 1), key="fetch_start")
    end = st.date_input("To", value=date(2024, 9, 30), key="fetch_end")
    # Generous by default: a cloudy tile can be clear over the area, and that is what the
    # candidates are ranked by (monsoon scenes are rarely under 20 % over a whole tile).
    max_cloud = st.slider("Most cloud on the whole tile (%)", 0, 100, 60, key="fetch_cloud")
    choices = basemap_choices()
    basemap = st.radio(
        "Basemap (needs internet)", choices, index=min(1, len(choices) - 1), key="fetch_basemap"
    )

drawing = st.session_state.get("fetch_drawing")
try:
    area = chosen_area(drawing, typed)
except AreaError as exc:
    area = None
    right.error(escape_markdown(str(exc)))

with left:
    try:
        fetched = fetched_scene(st.session_state.get("fetch_done"))
        fmap = area_map(area, basemap, tile_key, fetched)
    except MissingAssetsError as exc:
        st.error(str(exc))
        st.stop()
    returned = st_folium(
        fmap, height=480, use_container_width=True, returned_objects=["last_active_drawing"],
        key="fetch_map",
    )  # fmt: skip
    new_drawing = (returned or {}).get("last_active_drawing")
    if new_drawing and new_drawing != drawing:
        st.session_state["fetch_drawing"] = new_drawing
        st.rerun()  # the area above was computed from the previous drawing

with right:
    if area is not None:
        st.caption(f"Area: {area.km2:,.1f} km²")
    if st.button("Search", type="primary", disabled=area is None, key="fetch_search"):
        bar = st.progress(0.0, text="Searching the catalogue…")
        try:
            assert area is not None
            found = search_candidates(
                area,
                dates_text(start, end),
                float(max_cloud),
                settings,
                progress_reporter(bar),
            )
            st.session_state["fetch_found"] = (area.geometry.wkt, found)
        except PROBLEMS as exc:
            st.session_state.pop("fetch_found", None)
            st.error(escape_markdown(str(exc)))
        bar.empty()

last_search = st.session_state.get("fetch_found")
if last_search and area is not None and last_search[0] == area.geometry.wkt:
    candidates: list[Candidate] = last_search[1]
    st.subheader(f"{len(candidates)} scene(s), least cloud over the area first")
    previews = st.session_state.setdefault("fetch_previews", {})
    for number, candidate in enumerate(candidates[:SHOWN_CANDIDATES]):
        picture, text, action = st.columns([1, 4, 1])
        with picture:
            try:
                st.image(preview(candidate, area, previews), width=120)
            except PROBLEMS as exc:
                st.caption(f"No preview: {escape_markdown(str(exc))}")
        text.markdown(escape_markdown(candidate_summary(candidate)))
        if action.button("Fetch", key=f"fetch_{number}"):
            bar = st.progress(0.0, text="Fetching…")
            try:
                result = fetch_into_data_folder(
                    candidate,
                    area,
                    settings,
                    progress_reporter(bar),
                )
            except PROBLEMS as exc:
                st.error(escape_markdown(str(exc)))
            else:
                st.session_state["fetch_done"] = str(result.scene.path)
                set_scene(result.scene)  # reruns the page: the map above shows it
                st.rerun()
            bar.empty()
    if len(candidates) > SHOWN_CANDIDATES:
        st.caption(f"{len(candidates) - SHOWN_CANDIDATES} more not shown; narrow the dates.")

if area is not None:
    st.markdown("**Or: a time stack of the season**")
    st.caption(
        "The least cloudy scene over the area in each period between the dates above, all "
        "on one grid, as one scene with several dates (switch dates while labelling). What "
        "cloud is left on a date is left out of it, so that a field's season profile reads "
        "the ground."
    )
    months = st.number_input("Months per period", 1, 12, 1, key="stack_months")
    if st.button("Fetch a time stack", key="fetch_stack"):
        bar = st.progress(0.0, text="Searching the catalogue…")
        try:
            stack = fetch_stack_into_data_folder(
                area,
                dates_text(start, end),
                float(max_cloud),
                settings,
                int(months),
                progress_reporter(bar),
            )
        except PROBLEMS as exc:
            st.error(str(exc))
        else:
            st.session_state["fetch_done"] = str(stack.scene.path)
            st.session_state["stack_summary"] = stack_summary(stack)
            set_scene(stack.scene)
            st.rerun()
        bar.empty()
if summary := st.session_state.get("stack_summary"):
    st.info(summary)  # dates and percentages only: nothing typed by anyone

if st.session_state.get("fetch_done"):
    st.success(
        f"Fetched {escape_markdown(st.session_state['fetch_done'])}. It is now the current "
        "scene: volunteers can open it from Home, and you can check it on the Map."
    )
    if note := offset_note(st.session_state["fetch_done"]):
        st.caption(note)
    st.page_link("pages/map.py", label="Open it on the Map", icon=":material/map:")
