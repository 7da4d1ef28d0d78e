"""The commands' progress bars: tqdm on stderr, driven by ``(done, total, message)``
reports, or nothing with ``--quiet``. ``python -m labels`` shows them only on a terminal:
its stderr is otherwise kept for the one-line errors that scripts read."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

Report = Callable[[int, int, str], None]


def on_terminal() -> bool:
    """Whether stderr is a terminal (someone watches it, rather than a script reading it)."""
    return sys.stderr.isatty()


@contextmanager
def progress_bar(quiet: bool, unit: str, terminal_only: bool = False) -> Iterator[Report | None]:
    """A tqdm bar on stderr (None when ``quiet``, or with ``terminal_only`` when stderr is not
    a terminal), shown from the first report on, so work that reports nothing, or fails
    first, prints no bar; each report sets total, done and label."""
    if quiet or (terminal_only and not on_terminal()):
        yield None
        return
    bars: list[tqdm] = []

    def report(done: int, total: int, message: str) -> None:
        if not bars:
            bars.append(tqdm(total=total, unit=unit, file=sys.stderr, leave=False))
        bar = bars[0]
        bar.total = total
        bar.n = done
        bar.set_description(message[:60])
        bar.refresh()

    try:
        yield report
    finally:
        for bar in bars:
            bar.close()
