"""Actions that run to their end even when the browser sends the next event meanwhile.

Streamlit checks for a newer rerun request at every read or write of ``st.session_state``
(not only at elements): when the volunteer presses a key or moves a widget while a button's
callback runs, the callback is stopped at its next ``st.session_state`` access and the click
is gone (a "Save as draft" followed at once by key E saved nothing, #20). Wrapped with
:func:`uninterrupted`, an action's own session-state reads and writes are not such points:
it finishes, and the newer request is taken up right after it, as Streamlit would anyway.
The action must not draw elements (those remain interruption points); callbacks don't.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

P = ParamSpec("P")
R = TypeVar("R")

_YIELD = "_yield_callback"  # SafeSessionState's hook: checks for a newer rerun request


@contextmanager
def no_interruptions() -> Iterator[None]:
    """Within this block, ``st.session_state`` access does not stop the script for a newer
    rerun request (outside a script run, or with another Streamlit, it changes nothing)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    safe_state = getattr(ctx, "session_state", None) if ctx is not None else None
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
