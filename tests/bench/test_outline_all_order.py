"""The outline-all order bench: each proposal's match, whether it touches the view's edge
and lies on a field that edge cuts, and the shares among the first ones in each order."""

from __future__ import annotations

import numpy as np

from bench.outline_all_order import AREA, Proposal, first_share, proposals, summary


def test_the_first_proposals_are_scored_in_the_order_a_volunteer_meets_them() -> None:
    fields = np.zeros((10, 40), np.int64)
    fields[:, :10], fields[:, 10:20] = 1, 2  # two drawn fields, undrawn land right of them
    instances = np.zeros((10, 40), np.int32)
    instances[1:9, 1:10] = 1  # on the first field, off the view's edge: a match
    instances[2:8, 20:40] = 2  # on undrawn land, on the right edge: no field
    instances[:, 10:20] = -3  # the second field, found but not proposed
    ratio = np.array([0.0, 1.5, 4.0, 9.0])  # the one on undrawn land stands out more
    found = proposals(instances, fields, ratio, None)
    assert found == [Proposal(72.0, 1.5, True, False), Proposal(120.0, 4.0, False, True)]
    assert first_share([found], "largest first", 1) == 0.0
    assert first_share([found], "most distinct first", 1) == 0.0
    assert first_share([found], "whole first", 1) == 1.0  # the one on the edge comes last
    other = [Proposal(50.0, 2.0, True, False)]
    assert first_share([found, other], "most distinct first", 2) == 0.75


def test_in_an_area_inside_the_chip_a_field_its_edge_cuts_is_counted_as_cut() -> None:
    size = 2 * AREA
    fields = np.zeros((size, size), np.int64)
    fields[100:200, 100:200] = 1  # wholly inside the area at (64, 64)
    fields[250:400, 100:200] = 2  # crosses its bottom edge (row 320)
    instances = np.zeros((AREA, AREA), np.int32)
    instances[36:136, 36:136] = 1  # field 1, whole: a match
    instances[186:256, 36:136] = 2  # field 2's part inside the area: cut
    found = proposals(instances, fields, np.array([0.0, 2.0, 5.0]), (64, 64))
    assert found == [
        Proposal(10_000.0, 2.0, True, False, False),
        Proposal(7_000.0, 5.0, False, True, True),  # 70 px of 150 rows: no match either
    ]
    assert first_share([found], "most distinct first", 1, "cut") == 1.0
    assert first_share([found], "whole first", 1, "cut") == 0.0
    assert summary([found], cut=True)["cut_among_on_edge"] == 1.0
