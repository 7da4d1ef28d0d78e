"""Home: say who you are and choose the scene to work on."""

from __future__ import annotations

import streamlit as st

from sr.scene import SceneError
from ui.scene_choice import open_by_path, save_upload
from ui.settings import SAMPLE_SCENE, uploads_dir
from ui.state import current_scene_path, current_user, load_served_scene, set_scene, set_user

st.title("🌾 sharpfields")
st.markdown(
    "Map crop fields on satellite imagery. sharpfields shows a Sentinel-2 scene on a map, "
    "sharpens the area you choose, and lets you draw and review field outlines."
)

st.subheader("1. Who are you?")
name = st.text_input(
    "Your name (it is saved with every field you draw)", value=current_user(), max_chars=80
)
if name.strip() != current_user():
    set_user(name)

st.subheader("2. Which scene?")
source = st.radio(
    "Scene",
    ["Bundled sample", "A file on this server", "Upload a GeoTIFF"],
    horizontal=True,
    label_visibility="collapsed",
)
try:
    if source == "Bundled sample":
        if st.button("Use the sample scene"):
            from sr.scene import open_scene

            set_scene(open_scene(SAMPLE_SCENE))
    elif source == "A file on this server":
        typed = st.text_input(
            "Path of a GeoTIFF / COG on the server", placeholder="/data/T45RUL.tif"
        )
        if st.button("Open") and typed:
            set_scene(open_by_path(typed))
    else:
        upload = st.file_uploader("GeoTIFF with 3 or more bands", type=["tif", "tiff"])
        if upload is not None:
            set_scene(save_upload(upload.name, upload.getvalue(), uploads_dir()))
except SceneError as exc:
    st.error(str(exc))

served = load_served_scene()
if served is not None:
    scene = served.scene
    res_x, res_y = scene.resolution
    west, south, east, north = scene.lonlat_bounds
    st.success(f"Current scene: **{scene.name}**")
    st.markdown(
        f"- {scene.width:,} × {scene.height:,} pixels, {scene.count} bands ({scene.dtype}), "
        f"pixel size {res_x:g} × {res_y:g} {scene.crs.linear_units or 'units'}\n"
        f"- coordinate system: {scene.crs.to_string()}\n"
        f"- area: {west:.4f}° to {east:.4f}° E, {south:.4f}° to {north:.4f}° N\n"
        f"- false colour view: {'yes' if scene.bands.nir else 'no (no NIR band)'}"
    )
    st.page_link("pages/map.py", label="Open the map →", icon="🗺️")
else:
    st.info(f"Falling back to the bundled sample: choose it above. ({current_scene_path()})")
