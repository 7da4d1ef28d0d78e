"""Home: say who you are and choose the scene to work on."""

from __future__ import annotations

import streamlit as st

from labels.model import Role
from sr.scene import SceneError, open_scene
from ui.auth import SignInError
from ui.scene_choice import open_by_path, save_upload
from ui.settings import SAMPLE_SCENE, uploads_dir
from ui.state import (
    current_identity,
    current_scene_path,
    load_served_scene,
    set_scene,
    sign_in,
    sign_out,
)
from ui.text import escape_markdown

ROLE_HELP = {
    Role.VOLUNTEER: "Volunteer: draw and edit my own fields",
    Role.REVIEWER: "Reviewer: accept or reject fields",
    Role.COORDINATOR: "Coordinator: review and export",
}

st.title("🌾 sharpfields")
st.markdown(
    "Map crop fields on satellite imagery. sharpfields shows a Sentinel-2 scene on a map, "
    "sharpens the area you choose, and lets you draw and review field outlines."
)

st.subheader("1. Who are you?")
identity = current_identity()
if identity is not None:
    st.markdown(f"Signed in as **{escape_markdown(identity.name)}** ({identity.role.value}).")
    if st.button("Sign out"):
        sign_out()
        st.rerun()
else:
    with st.form("sign_in"):
        name = st.text_input(
            "Your name (saved with every field you draw)", max_chars=80, key="name"
        )
        role = st.radio("Role", list(Role), format_func=ROLE_HELP.__getitem__, key="role")
        code = st.text_input(
            "Access code (reviewers and coordinators: ask your coordinator)",
            type="password",
            key="code",
        )
        if st.form_submit_button("Sign in"):
            try:
                sign_in(name, Role(role), code)
                st.rerun()
            except SignInError as exc:
                st.error(str(exc))

st.subheader("2. Which scene?")
source = st.radio(
    "Scene",
    ["Bundled sample", "A file on this server", "Upload a GeoTIFF"],
    horizontal=True,
    label_visibility="collapsed",
    key="scene_source",
)
try:
    if source == "Bundled sample":
        if st.button("Use the sample scene"):
            set_scene(open_scene(SAMPLE_SCENE))
    elif source == "A file on this server":
        typed = st.text_input(
            "Path of a GeoTIFF / COG on the server",
            placeholder="/data/T45RUL.tif",
            key="scene_path_input",
        )
        if st.button("Open", key="open_path") and typed:
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
    st.success(f"Current scene: **{escape_markdown(scene.name)}**")
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
