"""Who is working and on which scene, kept in the session and in the page URL.

The URL keeps them across a page reload (``?scene=…&user=…``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from sr.scene import Scene, SceneError, open_scene
from ui.registry import ServedScene, registry
from ui.settings import SAMPLE_SCENE


def current_user() -> str:
    """The name the user gave on the home page ('' when none yet)."""
    if "user" not in st.session_state:
        st.session_state["user"] = st.query_params.get("user", "")
    return str(st.session_state["user"])


def set_user(name: str) -> None:
    st.session_state["user"] = name.strip()
    st.query_params["user"] = name.strip()


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
