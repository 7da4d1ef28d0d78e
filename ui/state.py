"""Who is working and on which scene, kept in the session and in the page URL.

The URL keeps them across a page reload (``?scene=…&user=…&role=…&token=…``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from labels.model import Role
from labels.store import BaseLabelStore, open_configured_store
from sr.scene import Scene, SceneError, open_scene
from ui.auth import AccessCodes, Identity
from ui.registry import ServedScene, registry
from ui.settings import SAMPLE_SCENE, data_dir


@st.cache_resource
def access_codes() -> AccessCodes:
    """The access codes of this data folder (printed once to the server console)."""
    codes = AccessCodes(data_dir())
    print(codes.console_notice(), flush=True)
    return codes


def current_identity() -> Identity | None:
    """Who is signed in: from the session, or from a signed URL after a reload."""
    if "identity" not in st.session_state:
        params = st.query_params
        st.session_state["identity"] = access_codes().from_token(
            params.get("user", ""), params.get("role", ""), params.get("token", "")
        )
    return st.session_state["identity"]


def sign_in(name: str, role: Role, code: str = "") -> Identity:
    """Sign in (raises SignInError with the reason) and keep it in the URL."""
    codes = access_codes()
    identity = codes.sign_in(name, role, code)
    st.session_state["identity"] = identity
    st.query_params.update(
        user=identity.name, role=identity.role.value, token=codes.token(identity)
    )
    return identity


def sign_out() -> None:
    st.session_state["identity"] = None
    for key in ("user", "role", "token"):
        st.query_params.pop(key, None)


def require_identity() -> Identity:
    """The signed-in user, or a note pointing to the home page and a stop."""
    identity = current_identity()
    if identity is None:
        st.warning("Sign in on the Home page first: your name is saved with your work.")
        st.stop()
    return identity


def current_scene_path() -> Path:
    """The chosen scene's path; the bundled sample by default."""
    if "scene_path" not in st.session_state:
        st.session_state["scene_path"] = st.query_params.get("scene", str(SAMPLE_SCENE))
    return Path(st.session_state["scene_path"])


def set_scene(scene: Scene) -> None:
    st.session_state["scene_path"] = str(scene.path)
    st.query_params["scene"] = str(scene.path)


def load_served_scene() -> ServedScene | None:
    """Open the current scene and register it for tiles; show the error and None if it fails."""
    path = current_scene_path()
    try:
        with st.spinner("Preparing the scene (large scenes without overviews: once, ~1 min)…"):
            return registry().register(open_scene(path))
    except SceneError as exc:
        st.error(f"Cannot show the scene: {exc}")
        return None


@st.cache_resource
def label_store() -> BaseLabelStore:
    """The label store: PostGIS when SHARPFIELDS_DATABASE_URL is set, else SQLite in the
    data folder (one per server process, thread-safe)."""
    return open_configured_store(data_dir() / "labels")


def bump_map() -> None:
    """Give the map a fresh identity so that stale drawings from before a save are dropped."""
    st.session_state["map_generation"] = st.session_state.get("map_generation", 0) + 1


def map_key(name: str) -> str:
    return f"{name}-{st.session_state.get('map_generation', 0)}"


def remembered(key: str, default: str) -> str:
    """A page setting kept in the URL, so a reload restores it (read once per session)."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(key, default)
    return str(st.session_state[key])


def remember(**values: str) -> None:
    """Write page settings to the URL (only when they changed)."""
    changed = {k: v for k, v in values.items() if st.query_params.get(k) != v}
    if changed:
        st.query_params.update(changed)


def parse_bbox(text: str) -> tuple[float, float, float, float] | None:
    """'w,s,e,n' → a lon/lat box, or None when empty or malformed."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        return None
    return (west, south, east, north)


def require_scene() -> ServedScene:
    """The current scene, registered for tiles and in the label store; stops the page if it
    cannot be opened (the error is shown)."""
    served = load_served_scene()
    if served is None:
        st.stop()
    store = label_store()
    # A scene id includes the file's size and mtime, so its footprint never changes: a read
    # on each run instead of a durable write.
    if store.footprint(served.scene.scene_id) is None:
        store.register_scene(served.scene.scene_id, served.scene.footprint)
    return served
