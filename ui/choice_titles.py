"""Titles for a selectbox's options that tell every option apart.

Streamlit keeps a selectbox's choice by the option's title (its formatted text, 1.67's
``SelectboxSerde``): two options with one title are one choice to it, and the second can
never be chosen; the box shows the first instead. Two fields of one volunteer, one crop and
one size in hundredths of a hectare, or two campaigns of one name, are such options.
:func:`distinct_titles` adds a short tag taken from each such option's id, stable while it
lasts, to the titles that two options share; :func:`choice_box` is a selectbox that uses them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar, overload

import streamlit as st

from labels.campaigns import Campaign

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


@overload
def choice_box(
    label: str,
    options: Iterable[K],
    title: Callable[[K], str],
    *,
    key: str,
    where: Any = ...,
    tag: Callable[[K], str] = ...,
    index: int = ...,
    **kwargs: Any,
) -> K: ...
@overload
def choice_box(
    label: str,
    options: Iterable[K],
    title: Callable[[K], str],
    *,
    key: str,
    where: Any = ...,
    tag: Callable[[K], str] = ...,
    index: None,
    **kwargs: Any,
) -> K | None: ...
def choice_box(
    label: str,
    options: Iterable[K],
    title: Callable[[K], str],
    *,
    key: str,
    where: Any = st,
    tag: Callable[[K], str] = id_start,
    index: int | None = 0,
    **kwargs: Any,
) -> K | None:
    """A selectbox (in ``where``: the page, a column, the side panel) offering ``options``
    by their :func:`distinct_titles`, each one reachable; returns the option chosen (None
    only with ``index=None``, until one is). ``kwargs`` go to ``st.selectbox``."""
    titles = distinct_titles(options, title, tag)
    chosen: K | None = where.selectbox(
        label, list(titles), format_func=titles.__getitem__, key=key, index=index, **kwargs
    )
    return chosen


def campaign_box(offered: Sequence[Campaign], key: str, where: Any = st, **kwargs: Any) -> str:
    """A :func:`choice_box` of the campaigns ``offered``, by name; returns the id chosen
    (the first campaign's until one is chosen)."""
    names = {c.id: c.name for c in offered}
    chosen: str = choice_box("Campaign", names, names.__getitem__, key=key, where=where, **kwargs)
    return chosen
