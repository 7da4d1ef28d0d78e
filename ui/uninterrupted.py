"""Actions that run to their end even when the browser sends the next event meanwhile.

Streamlit checks for a newer rerun request at every read or write of ``st.session_state``
(not only at elements): when the volunteer presses a key or moves a widget while a button's
callback runs, the callback is stopped at its next ``st.session_state`` access and the click
is gone (a "Save as draft" followed at once by key E saved nothing, #20). Wrapped with
:func:`uninterrupted`, an action's own session-state reads and writes are not such points:
it finishes, and the newer request is taken up right after it, as Streamlit would anyway.
The action must not draw elements (those remain interruption points); callbacks don't.

A click can also be lost before its callback starts: Streamlit checks for a newer request
once more as a run begins, before it applies the run's widget values. A run that took the
click's request and is stopped there drops the click, and the newer request does not carry
it (seen in the server's log: a Save followed at once by E, 1 of 30 saves lost on a loaded
machine). :func:`install_callbacks_first` makes that step uninterrupted for the server.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.runtime.state.safe_session_state import SafeSessionState

P = ParamSpec("P")
R = TypeVar("R")

_YIELD = "_yield_callback"  # SafeSessionState's hook: checks for a newer rerun request
_INSTALLED = "_sharpfields_callbacks_first"


@contextmanager
def no_interruptions() -> Iterator[None]:
    """Within this block, ``st.session_state`` access does not stop the script for a newer
    rerun request (outside a script run, or with another Streamlit, it changes nothing)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    with _unchecked(getattr(ctx, "session_state", None) if ctx is not None else None):
        yield


@contextmanager
def _unchecked(safe_state: object) -> Iterator[None]:
    """``safe_state``'s checks for a newer rerun request are off within this block."""
    try:
        check = object.__getattribute__(safe_state, _YIELD)
    except AttributeError:
        yield
        return
    object.__setattr__(safe_state, _YIELD, _no_check)
    try:
        yield
    finally:
        object.__setattr__(safe_state, _YIELD, check)


def _no_check() -> None:
    """The newer rerun request waits until the action is done."""


def uninterrupted(action: Callable[P, R]) -> Callable[P, R]:
    """``action`` run within :func:`no_interruptions` (for button callbacks that save)."""

    @functools.wraps(action)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with no_interruptions():
            return action(*args, **kwargs)

    return run


def install_callbacks_first() -> None:
    """Every script run applies its widget values and runs their callbacks before a newer
    rerun request can stop it, so a click taken up by a run is never dropped. The newer
    request is taken up right after the callbacks, where Streamlit checks anyway. For the
    server process (``server.py``); calling it again changes nothing."""
    original = SafeSessionState.on_script_will_rerun
    if getattr(original, _INSTALLED, False):
        return

    @functools.wraps(original)
    def on_script_will_rerun(self: SafeSessionState, *args: Any, **kwargs: Any) -> None:
        with _unchecked(self):
            original(self, *args, **kwargs)

    setattr(on_script_will_rerun, _INSTALLED, True)
    SafeSessionState.on_script_will_rerun = on_script_will_rerun  # type: ignore[method-assign]
