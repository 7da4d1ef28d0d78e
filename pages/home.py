"""Home: say who you are and choose the scene to work on."""

from __future__ import annotations

import streamlit as st

from labels.model import Role
from sr.imagery.scene_errors import SceneError
from ui.auth import SignInError
from ui.layout_question import QUESTION_KEY, ask_layout
from ui.offset_question import ask_offset
from ui.scene_choice import LayoutQuestion, open_by_path, open_ref, save_upload, scene_roots
from ui.settings import SAMPLE_REF
from ui.state import (
    current_identity,
    current_scene_ref,
    deliver_session_cookie,
    load_served_scene,
    set_scene,
    sign_in,
    sign_out,
    volunteer_link,
)
from ui.text import escape_markdown

ROLE_HELP = {
    Role.VOLUNTEER: "Volunteer: draw and edit my own fields",
    Role.REVIEWER: "Reviewer: accept or reject fields",
    Role.COORDINATOR: "Coordinator: review, export and add scenes",
}

st.title(":material/agriculture: sharpfields")
st.markdown(
    "Map crop fields on satellite imagery. sharpfields shows a Sentinel-2 scene on a map, "
    "sharpens the area you choose, and lets you draw and review field outlines."
)

st.subheader("1. Who are you?")
identity = current_identity()
new_code = st.session_state.get("new_personal_code")
if identity is not None and new_code:
    st.warning(
        f"**Your personal code is `{new_code}`.** Write it down: you need it, with your "
        "name, to sign in again. Nobody else can use your name without it.",
        icon=":material/key:",
    )
    if st.button("I have written it down"):
        st.session_state.pop("new_personal_code", None)
        st.rerun()
if identity is not None:
    deliver_session_cookie()
    st.markdown(f"Signed in as **{escape_markdown(identity.name)}** ({identity.role.value}).")
    if st.button("Sign out", key="sign_out"):
        sign_out()
        st.rerun()
else:
    with st.form("sign_in"):
        name = st.text_input(
            "Your name (saved with every field you draw)", max_chars=80, key="name"
        )
        personal = st.text_input(
            "Your personal code (leave empty the first time: you will get one)",
            type="password",
            key="personal_code",
        )
        roles: list[Role] = list(Role)
        role = st.radio("Role", roles, format_func=ROLE_HELP.__getitem__, key="role")
        code = st.text_input(
            "Access code (reviewers and coordinators: ask your coordinator)",
            type="password",
            key="code",
        )
        if st.form_submit_button("Sign in"):
            try:
                signed = sign_in(name, Role(role), role_code=code, personal_code=personal)
                if signed.new_personal_code:
                    st.session_state["new_personal_code"] = signed.new_personal_code
                st.rerun()
            except SignInError as exc:
                st.error(escape_markdown(str(exc)))
    st.stop()

st.subheader("2. Which scene?")
sources = ["Bundled sample"]
if identity.is_coordinator:
    sources += ["A file on this server", "Upload a GeoTIFF"]
source = st.radio(
    "Scene", sources, horizontal=True, label_visibility="collapsed", key="scene_source"
)
try:
    if source == "Bundled sample":
        samples = sorted(p.name for p in scene_roots()[0].folder.glob("*.tif"))
        chosen = st.selectbox("Sample", samples, key="sample_name")
        if st.button("Use the sample scene"):
            set_scene(open_ref(f"samples:{chosen}" if chosen else SAMPLE_REF))
    elif source == "A file on this server":
        typed = st.text_input(
            "Path of a GeoTIFF / COG in one of the server's scene folders",
            placeholder="T45RUL_20241015.tif",
            key="scene_path_input",
        )
        if st.button("Open", key="open_path") and typed:
            set_scene(open_by_path(typed, identity))
    else:
        upload = st.file_uploader("GeoTIFF with 3 or more bands", type=["tif", "tiff"])
        if upload is not None:
            set_scene(save_upload(upload.name, upload.getvalue(), identity))
except LayoutQuestion as question:
    st.session_state[QUESTION_KEY] = question  # asked below until answered
except SceneError as exc:
    st.error(escape_markdown(str(exc)))
ask_layout(identity)

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
        f"- false colour view: {'yes' if scene.bands.nir else 'no (no NIR band)'}\n"
        f"- dates: {scene.layout.describe() if scene.layout else '1'}"
    )
    ask_offset(scene, identity)
    st.page_link("pages/map.py", label="Open the map →", icon=":material/map:")
    st.caption("Link for volunteers (it carries the scene, never your sign-in):")
    st.code(volunteer_link(current_scene_ref()), language=None)
else:
    st.info("Choose a scene above; the bundled sample always works.")
