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


def _two_campaigns_of_one_name() -> None:
    """A page with a campaign box of two campaigns named alike, and what it chose."""
    import streamlit as st
    from shapely.geometry import box

    from labels.campaigns import Campaign
    from ui.choice_titles import campaign_box

    offered = [Campaign("Terai rice", ("s",), box(0, 0, 1, 1), "Asha", id=i)
               for i in ("3f9a0c1d", "b7e21d44")]  # fmt: skip
    st.write(f"chosen {campaign_box(offered, 'box')}")


def test_a_campaign_box_reaches_each_of_two_campaigns_named_alike() -> None:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_two_campaigns_of_one_name).run()
    box = app.selectbox(key="box")
    assert box.options == ["Terai rice · #3f9a", "Terai rice · #b7e2"]
    assert "chosen 3f9a0c1d" in app.markdown[0].value
    box.select_index(1).run()
    assert "chosen b7e21d44" in app.markdown[0].value
