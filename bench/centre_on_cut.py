"""Does "Centre the area on this field" pay? For each proposal that an area's edge cuts, the
outline before (the cut piece) and after the area is centred where the edge cut it and the
field is proposed again at the same place.

    OMP_NUM_THREADS=2 .venv/bin/python -m bench.centre_on_cut [--split validation] [--from click]

As in :mod:`bench.outline_all_order`'s "areas inside the chip": 256² px areas of the 512²
views (bicubic and enhancer views, both degradations), 4 per view, each segmented alone with
the shipped segmenter. A proposal on the area's edge that lies mostly on a drawn field with
over a tenth of it outside the area is a cut piece. The Label page then moves the area:
centred on the middle of the piece's border along the edge, 256² px or larger as the page
grows it to hold the piece 1.2 times (at most the chip, and clamped to it), segmented alone
again, and the field under the piece's innermost point proposed there (the segment under
it, as the benchmark's clicks). Both are judged by IoU with the whole drawn field.

``--from click`` measures Centre pressed after a click instead of from Outline all's queue:
a click at the innermost point of each drawn field's part inside the area (of at least
:data:`MIN_INSIDE` px) that the area's edge cuts, whose proposal (the segment under the
click) reaches the area's edge, so that the caution and its Centre button show; the field is
proposed again at the click, as the page does. Writes
bench/results/centre_on_cut[_click][-validation].json and .md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from bench.bench_fields import innermost_pixel, iou
from bench.fields_data import SPLITS, add_split_argument, split_suffix
from bench.outline_all_order import AREA, AREA_AT, CUT_OUTSIDE
from bench.results_files import write_results
from bench.tune_outline import validation_views
from sr.outline.bands import three_bands
from sr.outline.hierarchy import on_frame
from sr.outline.segment import MergeSegmenter
from ui.outline_edges import MARGIN

RESULTS = Path(__file__).resolve().parent / "results"
MIN_INSIDE = 100  # px (2 m): the drawing checks' 400 m², a part a volunteer may click on
Piece = tuple[np.ndarray, int, tuple[int, int]]  # chip-sized mask, drawn field, click (row, col)


def crossing(piece: np.ndarray) -> tuple[float, float]:
    """(row, col) in the area: the middle of a piece's pixels on the area's border."""
    border = np.zeros(piece.shape, bool)
    border[[0, -1], :] = border[:, [0, -1]] = True
    rows, cols = np.nonzero(piece & border)
    return float(rows.mean()), float(cols.mean())


def held_side(piece: np.ndarray, point: tuple[float, float]) -> int:
    """The side (px) of the square area centred on ``point`` that holds a cut piece (a
    chip-sized mask) :data:`MARGIN` times, as the Label page chooses it
    (:func:`ui.outline_edges.area_holding`): :data:`AREA` px, grown by that factor until it
    holds the piece's extent so enlarged; at most the chip's side."""
    rows, cols = np.nonzero(piece)
    wanted = [
        ((lo + hi) / 2 - (hi - lo) * MARGIN / 2, (lo + hi) / 2 + (hi - lo) * MARGIN / 2)
        for lo, hi in ((rows.min(), rows.max() + 1), (cols.min(), cols.max() + 1))
    ]
    side, limit = AREA, int(min(piece.shape))
    while side < limit:
        box = zip(point, wanted, strict=True)
        if all(p - side / 2 <= lo and p + side / 2 >= hi for p, (lo, hi) in box):
            return side
        side = int(side * MARGIN) + 1
    return limit


def centred_at(
    point: tuple[float, float], chip: tuple[int, int], side: int = AREA
) -> tuple[int, int]:
    """Top left corner (chip pixels) of an area of ``side`` px centred on ``point``, moved
    to lie within the chip."""
    return tuple(  # type: ignore[return-value]
        int(min(max(round(p - side / 2), 0), size - side))
        for p, size in zip(point, chip, strict=True)
    )


def window_fields(
    segmenter: MergeSegmenter, rgb: np.ndarray, at: tuple[int, int], side: int = AREA
) -> np.ndarray:
    """The segmenter's fields of the area of ``side`` px at ``at`` (top left)."""
    window = rgb[:, at[0] : at[0] + side, at[1] : at[1] + side]
    return segmenter.fields(segmenter.prepared(np.ascontiguousarray(window)))


def proposals_on_edge(instances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An area's proposals (0 where none; the negative ones that answer clicks only count
    as none) and, per proposal number, whether it reaches the area's edge."""
    labels = np.where(instances > 0, instances, 0)
    return labels, on_frame(labels, int(labels.max()) + 1)


def cut_by_area(fields: np.ndarray, at: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Per drawn field number: its pixels inside the area at ``at``, and whether the area
    cuts it (over :data:`CUT_OUTSIDE` of it lies outside)."""
    row, col = at
    inside = np.bincount(fields[row : row + AREA, col : col + AREA].ravel(), None, fields.max() + 1)
    whole = np.bincount(fields.ravel(), None, fields.max() + 1)
    return inside, inside < (1 - CUT_OUTSIDE) * whole


def cut_pieces(
    instances: np.ndarray, fields: np.ndarray, at: tuple[int, int]
) -> list[tuple[np.ndarray, int]]:
    """The proposals of an area (at ``at`` in the chip) on its edge that lie mostly on a
    drawn field the area cuts: (the piece as a chip-sized mask, that field's number)."""
    row, col = at
    labels, edge = proposals_on_edge(instances)
    _, cut = cut_by_area(fields, at)
    out = []
    for label in np.flatnonzero(edge):
        if not label:
            continue
        piece = np.zeros(fields.shape, bool)
        piece[row : row + AREA, col : col + AREA] = labels == label
        under = fields[piece]
        most = int(np.bincount(under).argmax())
        if most and cut[most] and np.mean(under == most) > 0.5:
            out.append((piece, most))
    return out


def queue_pieces(instances: np.ndarray, fields: np.ndarray, at: tuple[int, int]) -> list[Piece]:
    """Outline all's cut pieces (:func:`cut_pieces`), each proposed again at its innermost
    point."""
    return [(piece, n, innermost_pixel(piece)) for piece, n in cut_pieces(instances, fields, at)]


def click_pieces(instances: np.ndarray, fields: np.ndarray, at: tuple[int, int]) -> list[Piece]:
    """A click at the innermost point of each drawn field's part inside the area (at
    ``at``), for the fields the area's edge cuts, whose proposal (the segment under the
    click) reaches the area's edge: (that proposal as a chip-sized mask, the field, the
    click in chip pixels)."""
    row, col = at
    area = np.zeros(fields.shape, bool)
    area[row : row + AREA, col : col + AREA] = True
    labels, edge = proposals_on_edge(instances)
    inside, cut = cut_by_area(fields, at)
    out = []
    for number in np.flatnonzero(cut & (inside >= MIN_INSIDE)):
        if not number:
            continue
        click = innermost_pixel((fields == number) & area)
        label = labels[click[0] - row, click[1] - col]
        if label and edge[label]:
            piece = np.zeros(fields.shape, bool)
            piece[area] = (labels == label).ravel()
            out.append((piece, int(number), click))
    return out


PIECES = {"queue": queue_pieces, "click": click_pieces}  # --from: how the cut outline came


def measure(chips: tuple[str, ...], source: str = "queue") -> dict[str, dict[str, float]]:
    """Per view kind: the cut pieces' count, and median IoU with the whole drawn field of the
    piece and of the proposal on the centred area; the share the centring improves."""
    segmenter = MergeSegmenter()
    found: dict[str, list[tuple[float, float]]] = {}
    sides: dict[str, list[int]] = {}
    for view_name, image, fields in validation_views(("bicubic", "enhancer"), chips):
        rgb = three_bands(image)
        for at in AREA_AT:
            instances = window_fields(segmenter, rgb, at)
            for piece, number, (row, col) in PIECES[source](instances, fields, at):
                drawn = fields == number
                r, c = crossing(piece[at[0] : at[0] + AREA, at[1] : at[1] + AREA])
                point = (at[0] + r, at[1] + c)
                side = held_side(piece, point)
                new_at = centred_at(point, fields.shape, side)
                again = window_fields(segmenter, rgb, new_at, side)
                label = again[row - new_at[0], col - new_at[1]]
                proposal = np.zeros(fields.shape, bool)
                if label:
                    proposal[new_at[0] : new_at[0] + side, new_at[1] : new_at[1] + side] = (
                        again == label
                    )
                found.setdefault(view_name, []).append((iou(piece, drawn), iou(proposal, drawn)))
                sides.setdefault(view_name, []).append(side)
    out = {}
    for view_name, pairs in found.items():
        before, after = np.array(pairs).T
        out[view_name] = {
            "pieces": len(pairs),
            "piece_median_iou": float(np.median(before)),
            "centred_median_iou": float(np.median(after)),
            "piece_at_0.5": float(np.mean(before >= 0.5)),
            "centred_at_0.5": float(np.mean(after >= 0.5)),
            "centred_better": float(np.mean(after > before)),
            "centred_worse_by_0.1": float(np.mean(after < before - 0.1)),
            "grown_area": float(np.mean(np.array(sides[view_name]) > AREA)),
        }
    return out


SOURCE_WORDS = {
    "queue": "Outline all's proposals that an area's edge cuts",
    "click": "a click's proposals that an area's edge cuts (a click at the innermost point of "
    f"each cut drawn field's part inside the area, of at least {MIN_INSIDE} px)",
}
AGAIN_WORDS = {"queue": "the piece's innermost point", "click": "the same click"}


def markdown(result: dict[str, dict[str, float]], split: str, source: str = "queue") -> str:
    lines = [
        f"Centre the area on this field, {split} chips, both degradations: "
        f"{SOURCE_WORDS[source]} ({AREA}² px areas inside the chip, {len(AREA_AT)} per view), "
        "judged by IoU with the whole drawn field: the cut piece, and the field proposed at "
        f"{AGAIN_WORDS[source]} on an area centred where the edge cut it (as large, or "
        "larger as the Label page grows it to hold the piece 1.2 times: 'grown').",
        "",
        "| view | cut pieces | piece: median IoU | ≥ 0.5 | centred: median IoU | ≥ 0.5 "
        "| centred better | centred worse by > 0.1 | grown |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for view_name, r in result.items():
        lines.append(
            f"| {view_name} | {r['pieces']:.0f} | {r['piece_median_iou']:.2f} | "
            f"{r['piece_at_0.5']:.0%} | {r['centred_median_iou']:.2f} | {r['centred_at_0.5']:.0%} "
            f"| {r['centred_better']:.0%} | {r['centred_worse_by_0.1']:.0%} "
            f"| {r['grown_area']:.0%} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_split_argument(parser)
    parser.add_argument("--from", dest="source", choices=tuple(PIECES), default="queue")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = measure(SPLITS[args.split], args.source)
    seconds = time.perf_counter() - started
    text = markdown(result, args.split, args.source) + f"\n{seconds:.0f} s on this machine.\n"
    source = "" if args.source == "queue" else f"_{args.source}"
    name = f"centre_on_cut{source}{split_suffix(args.split)}.json"
    write_results(RESULTS / name, {"views": result, "seconds": seconds}, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
