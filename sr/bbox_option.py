"""One ``--bbox`` syntax for every command: ``W,S,E,N`` or ``W S E N`` (degrees, lon/lat)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any

from sr.imagery.scene import BBox, parse_bbox

BBOX_HELP = "lon/lat area in degrees: W,S,E,N or W S E N (a negative first value: --bbox=-70,…)"


def parse_bbox_tokens(tokens: Sequence[str]) -> BBox | None:
    """Four numbers from ``['84.3,27.5,84.5,27.7']`` or ``['84.3', '27.5', '84.5', '27.7']``
    (commas or spaces between them), else None (:func:`sr.imagery.scene.parse_bbox` reads them)."""
    parts = [p for token in tokens for p in re.split(r"[,\s]+", token.strip()) if p]
    return parse_bbox(",".join(parts))


class BBoxAction(argparse.Action):
    """Stores the box as a (W, S, E, N) tuple; a one-line usage error otherwise."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        tokens = [values] if isinstance(values, str) else [str(v) for v in values or []]
        bbox = parse_bbox_tokens(tokens)
        if bbox is None:
            parser.error(
                f"--bbox needs four numbers W,S,E,N (or W S E N) in degrees (lon/lat), "
                f"got {' '.join(tokens)!r}"
            )
        setattr(namespace, self.dest, bbox)


def add_bbox_option(
    parser: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup, help: str = BBOX_HELP
) -> None:
    """Add ``--bbox`` taking either syntax."""
    parser.add_argument("--bbox", nargs="+", action=BBoxAction, metavar="W,S,E,N", help=help)
