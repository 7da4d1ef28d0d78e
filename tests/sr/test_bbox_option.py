"""One --bbox syntax across ``python -m sr`` commands: W,S,E,N or W S E N (sr.bbox_option)."""

from __future__ import annotations

import pytest

from sr.bbox_option import parse_bbox_tokens
from sr.cli import build_parser, main

BOX = (84.35, 27.55, 84.5, 27.68)
FORMS = (
    ["84.35,27.55,84.5,27.68"],
    ["84.35", "27.55", "84.5", "27.68"],
    ["84.35, 27.55,", "84.5 27.68"],
)
COMMANDS = {
    "enhance": ["enhance", "in.tif", "out.tif"],
    "search": ["search", "--dates", "2024-06-01/2024-09-30"],
    "fetch": ["fetch", "out.tif", "--dates", "2024-06-01/2024-09-30"],
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_both_forms(command: str, form: list[str]) -> None:
    args = build_parser().parse_args([*COMMANDS[command], "--bbox", *form])
    assert args.bbox == BOX


def test_a_negative_first_value_and_bad_boxes() -> None:
    args = build_parser().parse_args([*COMMANDS["search"], "--bbox=-70.5,-33.5,-70.4,-33.4"])
    assert args.bbox == (-70.5, -33.5, -70.4, -33.4)
    assert parse_bbox_tokens(["1,2,3"]) is None
    assert parse_bbox_tokens(["1", "2", "3", "x"]) is None
    assert parse_bbox_tokens(["1", "2", "3", "4", "5"]) is None


def test_a_bad_box_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*COMMANDS["search"], "--bbox", "1", "2", "3"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "--bbox needs four numbers W,S,E,N (or W S E N)" in err
