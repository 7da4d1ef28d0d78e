"""A button's action runs to its end when the browser's next event arrives meanwhile
(Streamlit's real script runner, through AppTest)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    from ui.uninterrupted import uninterrupted

    def save() -> None:
        """Like the Label page's save: the volunteer's next event (key E) arrives as it
        starts, then it reads the page's state and stores the drawing."""
        ctx = get_script_run_ctx()
        assert ctx is not None and ctx.script_requests is not None
        ctx.script_requests.request_rerun(RerunData(query_string=ctx.query_string))
        st.session_state["saved"] = st.session_state.get("saved", 0) + 1

    st.button("Save (plain callback)", key="plain", on_click=save)
    st.button("Save (uninterrupted)", key="wrapped", on_click=uninterrupted(save))
    st.write(f"saved {st.session_state.get('saved', 0)}")


def test_an_uninterrupted_save_is_stored_when_the_next_event_arrives() -> None:
    app = AppTest.from_function(_page).run(timeout=30)
    app.button(key="wrapped").click().run(timeout=30)
    assert app.session_state["saved"] == 1
    app.button(key="wrapped").click().run(timeout=30)
    assert app.session_state["saved"] == 2


def test_a_plain_callback_is_stopped_and_its_click_lost() -> None:
    """The hazard itself (Streamlit 1.67): the callback stops at its first state access."""
    app = AppTest.from_function(_page).run(timeout=30)
    app.button(key="plain").click().run(timeout=30)
    assert "saved" not in app.session_state
