"""The scene on a map at full resolution, on any of its dates (the date and view stay when
going to Label or Review), with the saved fields the person may see (ui.fields_in_sight)."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from ui.assets import MissingAssetsError
from ui.date_view import date_switch
from ui.field_layers import LEGEND_TITLE, fields_legend_html
from ui.fields_in_sight import fields_in_sight
from ui.goto_box import goto_box
from ui.scene_map import basemap_choices, build_scene_map, fly_to
from ui.state import label_store, load_served_scene, map_key, require_identity, tile_key
from ui.text import escape_markdown

identity = require_identity()
served = load_served_scene()
if served is None:
    st.stop()
scene = served.scene
in_sight = fields_in_sight(label_store(), scene.scene_id, identity)

left, right = st.columns([3, 1.4])  # as on Label: the date buttons fit beside the map
with right:
    st.markdown(f"**{escape_markdown(scene.name)}**")
    date, mode = date_switch(scene, "map")
    basemap = st.radio("Basemap (needs internet)", basemap_choices(), horizontal=True)
    place = goto_box("map_goto")
    st.caption(
        "Zoom in to see the scene at full resolution. The yellow line is the scene's outline."
    )
    st.caption(in_sight.note())
    if in_sight.every:
        with st.expander(LEGEND_TITLE):
            st.markdown(fields_legend_html(), unsafe_allow_html=True)  # the app's constants only
with left:
    try:
        fmap = build_scene_map(served, mode, tile_key, basemap, date, in_sight.layers())
        if place:
            fly_to(fmap, place)
    except MissingAssetsError as exc:
        st.error(str(exc))
        st.stop()
    st_folium(
        fmap, height=640, use_container_width=True, returned_objects=[], key=map_key("scene_map")
    )
