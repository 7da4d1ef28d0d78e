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


def _counting_page() -> None:
    import streamlit as st

    def save() -> None:
        st.session_state["saved"] = st.session_state.get("saved", 0) + 1

    st.button("Save", key="save", on_click=save)


def _a_newer_request_as_a_click_is_taken_up(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The browser's next event (key E just after Save) reaches the server just after the
    run took the click's request, before the run applied it: the moment the server's log
    showed when a save was lost on a loaded machine."""
    from dataclasses import replace

    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.scriptrunner_utils.script_requests import (
        ScriptRequests,
        ScriptRequestType,
    )

    taken_up = ScriptRequests.on_scriptrunner_ready

    def then_a_newer_request(self: ScriptRequests):  # type: ignore[no-untyped-def]
        request = taken_up(self)
        rerun = request.type is ScriptRequestType.RERUN
        states = request.rerun_data.widget_states if rerun else None
        if states is not None and any(w.trigger_value for w in states.widgets):
            later = WidgetStates()
            later.CopyFrom(states)
            for widget in later.widgets:
                if widget.WhichOneof("value") == "trigger_value":
                    widget.trigger_value = False  # a click is sent once
            self.request_rerun(replace(request.rerun_data, widget_states=later))
        return request

    monkeypatch.setattr(ScriptRequests, "on_scriptrunner_ready", then_a_newer_request)


def test_a_click_taken_up_by_a_run_is_not_dropped_for_a_newer_request(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Installed as the server does, a run applies its click (runs the callback) before a
    newer request can stop it."""
    from streamlit.runtime.state.safe_session_state import SafeSessionState

    from ui.uninterrupted import install_callbacks_first

    monkeypatch.setattr(  # restored after the test
        SafeSessionState, "on_script_will_rerun", SafeSessionState.on_script_will_rerun
    )
    install_callbacks_first()
    install_callbacks_first()  # again: changes nothing
    app = AppTest.from_function(_counting_page).run(timeout=30)
    _a_newer_request_as_a_click_is_taken_up(monkeypatch)
    app.button(key="save").click().run(timeout=30)
    assert app.session_state["saved"] == 1
    app.button(key="save").click().run(timeout=30)
    assert app.session_state["saved"] == 2


def test_without_it_the_run_is_stopped_first_and_the_click_dropped(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The hazard itself (Streamlit 1.67): the run checks for a newer request before it
    applies its widget values, and the newer request does not carry the click."""
    app = AppTest.from_function(_counting_page).run(timeout=30)
    _a_newer_request_as_a_click_is_taken_up(monkeypatch)
    app.button(key="save").click().run(timeout=30)
    assert "saved" not in app.session_state
