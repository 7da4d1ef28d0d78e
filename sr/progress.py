"""Progress reports and cancellation: one report type, one token protocol, one exception.

Long work (DIP's loop, a sharpening job) reports :class:`Progress` to a callback and
checks a :class:`CancelToken` — anything with ``is_set()``, so a ``threading.Event`` in
one process and a ``distributed.Event`` across a cluster both work — raising
:class:`Cancelled` when it is set. Nothing else stops the work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np


class CancelToken(Protocol):
    """Set when the user cancels (``threading.Event``, ``distributed.Event``)."""

    def is_set(self) -> bool: ...


class Cancelled(Exception):
    """The work was cancelled; ``partial`` holds the latest estimate (input units) or None."""

    def __init__(self, iteration: int = 0, partial: np.ndarray | None = None) -> None:
        super().__init__(f"cancelled after {iteration} iterations")
        self.iteration = iteration
        self.partial = partial


@dataclass(frozen=True)
class Progress:
    """How far the work is: ``preview`` is the current estimate (input units) when sent."""

    iteration: int
    iterations: int
    message: str = ""
    loss: float | None = None
    elapsed_s: float = 0.0
    eta_s: float | None = None
    preview: np.ndarray | None = None

    @property
    def fraction(self) -> float:
        return min(max(self.iteration / max(self.iterations, 1), 0.0), 1.0)


ProgressCallback = Callable[[Progress], None]


def check_cancel(cancel: CancelToken | None, iteration: int = 0) -> None:
    """Raise :class:`Cancelled` if ``cancel`` is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled(iteration)
