"""Who is working and on which scene.

The sign-in is kept in the Streamlit session and in an HttpOnly cookie (``ui.session_cookie``),
never in the page address, so a shared link carries no sign-in. The address keeps the scene
across a reload: ``?scene=ROOT:PATH`` (a scene reference, see ``ui.scene_choice``).
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlencode, urljoin

import streamlit as st

from labels.base_store import BaseLabelStore
from labels.model import Role
from labels.store import open_configured_store
from sr.imagery.scene import Scene
from sr.imagery.scene_errors import SceneError
from ui.auth import AuthStore, Identity, Session, SignedIn, shared_auth_store
from ui.registry import ServedScene, registry
from ui.scene_choice import open_ref, scene_ref
from ui.session_cookie import COOKIE, cookie_script, issue_ticket
from ui.settings import SAMPLE_REF, data_dir, keep_files_private
from ui.text import escape_markdown
from ui.upload_gate import note_session


@st.cache_resource
def auth_store() -> AuthStore:
    """People, sessions and role codes of this data folder (codes printed once to the console).
    Every page asks for it first: from then on the process's files are private."""
    keep_files_private()
    store = shared_auth_store(data_dir())
    print(store.console_notice(), flush=True)
    return store


def client_address() -> str:
    """The visitor's address, for throttling wrong codes ('unknown' when not known)."""
    try:
        address = st.context.ip_address
    except AttributeError:
        return "unknown"
    return address if isinstance(address, str) and address else "unknown"  # AppTest: a mock


def _cookie_token() -> str:
    """The session token in the browser's cookie ("" when none, or under AppTest)."""
    try:
        value = st.context.cookies.get(COOKIE, "")
    except (AttributeError, RuntimeError):
        return ""
    return value if isinstance(value, str) else ""


def current_session() -> Session | None:
    """The open session of this browser tab (this tab's sign-in, else the cookie), checked
    on every run, so an expired or signed-out session ends at once. A ``?session=`` in the
    address (old links) is ignored and removed."""
    if "session" in st.query_params:
        st.query_params.pop("session", None)
    token = st.session_state.get("session_token") or _cookie_token()
    session = auth_store().session(token)
    st.session_state["session_token"] = token if session else ""
    note_session(token if session else "")
    return session


def current_identity() -> Identity | None:
    """Who is signed in, or None."""
    session = current_session()
    return session.identity if session else None


def sign_in(name: str, role: Role, role_code: str = "", personal_code: str = "") -> SignedIn:
    """Sign in (raises SignInError with the reason) and keep the session in the address."""
    signed = auth_store().sign_in(
        name, role, personal_code=personal_code, role_code=role_code, client=client_address()
    )
    st.session_state["session_token"] = signed.token
    st.session_state["cookie_ticket"] = issue_ticket(signed.token)
    note_session(signed.token)
    return signed


def deliver_session_cookie() -> None:
    """After a sign-in: let the browser fetch the session cookie (once)."""
    ticket = st.session_state.pop("cookie_ticket", None)
    if ticket:
        import streamlit.components.v1 as components

        components.html(cookie_script(ticket), height=0)


def sign_out() -> None:
    """Revoke the session everywhere and forget it here."""
    token = st.session_state.get("session_token") or _cookie_token()
    if token:
        auth_store().sign_out(token)  # the cookie then opens nothing
    st.session_state["session_token"] = ""
    note_session("")


def require_identity() -> Identity:
    """The signed-in user, or a note pointing to the home page and a stop."""
    identity = current_identity()
    if identity is None:
        st.warning("Sign in on the Home page first: your name is saved with your work.")
        st.page_link("pages/home.py", label="Go to sign-in", icon=":material/login:")
        st.stop()
    return identity


def tile_key(scene_id: str) -> str:
    """The key this session's map tiles of a scene carry (see ``ui.auth``)."""
    session = current_session()
    return auth_store().tile_key(session, scene_id) if session else ""


def address_params() -> dict[str, str]:
    """What the page address keeps for a reload: the scene (for links), never the sign-in."""
    if current_session() is None:
        return {}
    return {"scene": current_scene_ref()}


def volunteer_link(ref: str) -> str:
    """A link to the Label page on scene ``ref`` for volunteers: it carries the scene only."""
    base = ""
    with contextlib.suppress(AttributeError, RuntimeError):
        base = st.context.url or ""
    base = base if isinstance(base, str) else ""
    return urljoin(base, "label") + "?" + urlencode({"scene": ref})


def current_scene_ref() -> str:
    """The chosen scene's reference (``ROOT:PATH``); the bundled sample by default."""
    if "scene_ref" not in st.session_state:
        st.session_state["scene_ref"] = st.query_params.get("scene", SAMPLE_REF)
    ref = str(st.session_state["scene_ref"])
    if st.query_params.get("scene") != ref:
        st.query_params["scene"] = ref
    return ref


def set_scene(scene: Scene) -> None:
    """Make ``scene`` the current one; a change reruns the page so every link carries it."""
    ref = scene_ref(scene)
    if ref != st.session_state.get("scene_ref"):
        st.session_state["scene_ref"] = ref
        st.query_params["scene"] = ref
        st.rerun()


def load_served_scene() -> ServedScene | None:
    """Open the current scene and register it for tiles; show the error and None if it fails."""
    try:
        with st.spinner("Preparing the scene (large scenes without overviews: once, ~1 min)…"):
            return registry().register(open_ref(current_scene_ref()))
    except SceneError as exc:
        st.error(f"Cannot show the scene: {escape_markdown(str(exc))}")
        return None


@st.cache_resource
def label_store() -> BaseLabelStore:
    """The label store: PostGIS when SHARPFIELDS_DATABASE_URL is set, else SQLite in the
    data folder (one per server process, thread-safe)."""
    return open_configured_store(data_dir() / "labels")


def bump_map() -> None:
    """The app changed what the map shows (a save, a delete, an undo, a new area …): the
    Campaigns page's map gets a fresh identity (``map_key``), so stale drawings are dropped;
    the Label page's live map (ui.live_map) redraws its editable fields in place."""
    st.session_state["map_generation"] = map_revision() + 1


ENHANCE_ASKED_KEY = "enhance_asked"  # a button other than 2 · Sharpen's Enhance was pressed


def ask_enhance() -> None:
    """Button callback: press the Label page's Enhance (for its twins: after Centre, and the
    next step's)."""
    st.session_state[ENHANCE_ASKED_KEY] = True


def enhance_asked() -> bool:
    """Whether a twin of Enhance was pressed on the last run (once)."""
    return bool(st.session_state.pop(ENHANCE_ASKED_KEY, False))


def map_revision() -> int:
    """How many times the app changed the map (see ``bump_map``)."""
    return int(st.session_state.get("map_generation", 0))


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
