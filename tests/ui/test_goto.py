"""The go-to box reads points and boxes and explains what it cannot read."""

from __future__ import annotations

import pytest

from ui.goto import GoToError, parse_place


def test_a_point_is_lat_then_lon() -> None:
    place = parse_place(" 27.68, 84.43 ")
    assert place.centre == pytest.approx((27.68, 84.43))
    west, south, east, north = place.bbox
    assert west < 84.43 < east and south < 27.68 < north
    assert parse_place("27.68N 84.43E").centre == pytest.approx((27.68, 84.43))


def test_a_box_is_west_south_east_north() -> None:
    assert parse_place("84.40,27.66;84.46 27.70").bbox == (84.40, 27.66, 84.46, 27.70)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Chitwan", "Type a latitude"),
        ("", "Type a latitude"),
        ("1, 2, 3", "Type a latitude"),
        ("nan, 4", "Type a latitude"),
        ("84.43, 27.68", None),  # swapped but still on Earth: accepted
        ("127.68, 84.43", "not on Earth"),
        ("84.46, 27.66, 84.40, 27.70", "west < east"),
    ],
)
def test_what_is_not_a_place_is_explained(text: str, message: str | None) -> None:
    if message is None:
        parse_place(text)
        return
    with pytest.raises(GoToError, match=message):
        parse_place(text)
