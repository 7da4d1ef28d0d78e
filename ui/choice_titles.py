"""Titles for a selectbox's options that tell every option apart.

Streamlit keeps a selectbox's choice by the option's title (its formatted text, 1.67's
``SelectboxSerde``): two options with one title are one choice to it, and the second can
never be chosen; the box shows the first instead. Two fields of one volunteer, one crop and
one size in hundredths of a hectare, or two campaigns of one name, are such options.
:func:`distinct_titles` adds a short tag taken from each such option's id, stable while it
lasts, to the titles that two options share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
TAG_CHARS = 4  # of an id: two options sharing a title also share these once in 65 536


def id_start(option: Hashable) -> str:
    """The first characters of an id (a label's or a campaign's: random hex)."""
    return str(option)[:TAG_CHARS]


def distinct_titles(
    options: Iterable[K], title: Callable[[K], str], tag: Callable[[K], str] = id_start
) -> dict[K, str]:
    """Each option's title; one that other options share ends with ``· #`` and the
    option's ``tag`` (default: its id's first characters)."""
    titles = {option: title(option) for option in options}
    shared = Counter(titles.values())
    return {
        option: f"{text} · #{tag(option)}" if shared[text] > 1 else text
        for option, text in titles.items()
    }
