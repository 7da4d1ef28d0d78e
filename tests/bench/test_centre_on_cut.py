"""The centre-on-cut bench: which proposals an area's edge cuts, where the edge cut them, the
centred area (kept within the chip), and the point the field is proposed at again."""

from __future__ import annotations

import numpy as np

from bench.bench_fields import innermost_pixel
from bench.centre_on_cut import (
    AREA,
    MIN_INSIDE,
    centred_at,
    click_pieces,
    crossing,
    cut_pieces,
    held_side,
)


def test_a_piece_cut_by_the_areas_edge_is_found_with_its_drawn_field() -> None:
    size = 2 * AREA
    fields = np.zeros((size, size), np.int64)
    fields[100:200, 100:200] = 1  # wholly inside the area at (64, 64)
    fields[250:400, 100:200] = 2  # crosses its bottom edge (row 320)
    instances = np.zeros((AREA, AREA), np.int32)
    instances[36:136, 36:136] = 1  # field 1, whole
    instances[186:256, 36:136] = 2  # field 2's part inside the area
    [(piece, number)] = cut_pieces(instances, fields, (64, 64))
    assert number == 2
    assert piece.shape == fields.shape and np.count_nonzero(piece) == 70 * 100
    assert piece[250:320, 100:200].all() and not piece[320:].any()


def test_the_area_is_centred_where_the_edge_cut_the_piece_and_stays_in_the_chip() -> None:
    piece = np.zeros((AREA, AREA), bool)
    piece[186:, 36:136] = True  # on the bottom edge, columns 36-135
    assert crossing(piece) == (AREA - 1, 85.5)
    chip = (2 * AREA, 2 * AREA)
    assert centred_at((64 + 255, 64 + 85.5), chip) == (191, 22)
    assert centred_at((500, 10), chip) == (AREA, 0)  # moved in: the chip ends there


def test_the_field_is_proposed_again_at_the_pieces_innermost_point() -> None:
    mask = np.zeros((20, 30), bool)
    mask[2:12, 5:25] = True  # 10 rows × 20 columns
    row, col = innermost_pixel(mask)
    assert 6 <= row <= 7 and 9 <= col <= 20  # 5 px or more from every side: the most here


def test_the_centred_area_grows_as_the_page_grows_it_to_hold_the_piece() -> None:
    chip = np.zeros((2 * AREA, 2 * AREA), bool)
    small = chip.copy()
    small[250:320, 100:200] = True  # 70 × 100 px, cut at row 320
    assert held_side(small, (319, 149.5)) == AREA  # 1.2 times it fits in 256 px
    long = chip.copy()
    long[300:320, 0:240] = True  # 240 px long: 288 px with the margin
    side = held_side(long, (319, 119.5))
    assert side == int(AREA * 1.2) + 1  # one step, as ui.outline_edges.area_holding steps
    assert 319 - side / 2 <= 300 - 0.1 * 20 and 119.5 + side / 2 >= 240 + 0.1 * 240
    assert held_side(long, (319, 500)) == 2 * AREA  # never more than the chip
    assert centred_at((319, 119.5), chip.shape, side) == (
        min(round(319 - side / 2), 2 * AREA - side),
        0,
    )


def test_a_click_on_a_cut_field_counts_when_its_proposal_reaches_the_areas_edge() -> None:
    size = 2 * AREA
    fields = np.zeros((size, size), np.int64)
    fields[100:200, 100:200] = 1  # wholly inside the area at (64, 64): no caution
    fields[250:400, 100:200] = 2  # crosses its bottom edge (row 320)
    fields[250:400, 230:300] = 3  # crosses it too, but its proposal stops short of the edge
    fields[316:400, 70:80] = 4  # crosses it with 40 px inside: too little to click on
    instances = np.zeros((AREA, AREA), np.int32)
    instances[36:136, 36:136] = 1
    instances[186:256, 36:136] = 2  # field 2's part inside the area, on the edge
    instances[186:240, 166:236] = 3  # field 3's part, 16 px short of the edge
    instances[252:256, 6:16] = 4  # field 4's sliver, on the edge
    assert MIN_INSIDE > 40
    [(piece, number, click)] = click_pieces(instances, fields, (64, 64))
    assert number == 2
    assert piece[250:320, 100:200].all() and np.count_nonzero(piece) == 70 * 100
    assert click == innermost_pixel(fields[:320] == 2)  # the part inside the area
    assert piece[click]
