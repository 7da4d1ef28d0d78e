"""Titles that tell a selectbox's options apart (ui.choice_titles)."""

from __future__ import annotations

from ui.choice_titles import distinct_titles


def test_only_titles_two_options_share_get_a_tag_from_their_ids() -> None:
    names = {"3f9a0c1d": "Terai rice", "b7e21d44": "Terai rice", "0c4d11aa": "Chitwan wheat"}
    assert distinct_titles(names, names.__getitem__) == {
        "3f9a0c1d": "Terai rice · #3f9a",
        "b7e21d44": "Terai rice · #b7e2",
        "0c4d11aa": "Chitwan wheat",
    }


def test_a_tag_of_ones_own_for_ids_that_start_alike() -> None:
    scenes = ["farm-0123456789", "farm-9876543210", None]
    titles = distinct_titles(scenes, lambda s: "farm" if s else "all scenes", lambda s: s[-4:])
    assert titles == {"farm-0123456789": "farm · #6789", "farm-9876543210": "farm · #3210",
                      None: "all scenes"}  # fmt: skip
