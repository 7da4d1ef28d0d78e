"""The outline-all order bench: each proposal's match, and the share of fields among the
first ones in each order."""

from __future__ import annotations

import numpy as np

from bench.outline_all_order import first_share, proposals


def test_the_first_proposals_are_scored_in_the_order_a_volunteer_meets_them() -> None:
    fields = np.zeros((10, 40), np.int64)
    fields[:, :10], fields[:, 10:20] = 1, 2  # two drawn fields, undrawn land right of them
    instances = np.zeros((10, 40), np.int32)
    instances[:, :10] = 1  # on the first field: a match
    instances[:, 20:35] = 2  # on undrawn land: no field
    instances[:, 10:20] = -3  # the second field, found but not proposed
    ratio = np.array([0.0, 1.5, 4.0, 9.0])  # the one on undrawn land stands out more
    found = proposals(instances, fields, ratio)
    assert found == [(100.0, 1.5, True), (150.0, 4.0, False)]
    assert first_share([found], "largest first", 1) == 0.0
    assert first_share([found], "most distinct first", 1) == 0.0
    assert first_share([found, [(50.0, 2.0, True)]], "most distinct first", 2) == 0.75
