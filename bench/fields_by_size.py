"""Which fields does one click outline well? The delineation benchmark's clicks by field size.

    .venv/bin/python -m bench.fields_by_size [bench/results/fields.json]

Reads the records ``bench.bench_fields`` wrote (one IoU per drawn field, in the order of
:func:`bench.bench_fields.innermost_points`) and the benchmark chips' drawn fields (their
masks only; no view is made again). Each field falls in a size class counted in pixels of the
8 m input (what the volunteer's imagery resolves; one input pixel is 4 × 4 pixels of the 2 m
view). Per class and view it reports the median one-click IoU, the share of clicks at 0.8 or
more and the median with one Larger / Smaller press. Beside them, what a perfect outline
scores when its edge is off by one 2 m pixel, or by half an input pixel, all the way round:
how much IoU a small field loses to an edge error no sharpening can rule out. With the
records' per-field extras it adds whether the outline spills or stops short, the share of
each size that "outline all" matches, what two corners give (each side of the box up to 10 %
off: the assist's outline and the box itself), and the enhancer's gains over bicubic by size
with 95 % intervals over resampled chips (as :mod:`bench.fields_intervals`).
Results: ``bench/results/fields_by_size.{json,md}``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import ndimage as ndi

from bench.bench_fields import innermost_points
from bench.fields_data import SCALE, load_chip
from bench.fields_intervals import DRAWS, Statistic, chip_bootstrap
from bench.fields_records import read_records
from bench.results_files import write_results

# Upper bounds of the size classes, in pixels of the 8 m input (the last class is open).
CLASS_LIMITS = (32, 128, 512)
INPUT_PIXEL_M = 8.0
EDGE_ERRORS = (1.0, SCALE / 2)  # in 2 m view pixels: one view pixel, half an input pixel
GOOD_IOU = 0.8
# Per drawn field in a record, in click order (the last three only in runs that keep them).
PER_FIELD = (
    "assist_click_iou",
    "assist_press_iou",
    "assist_click_precision",
    "assist_click_recall",
    "all_matched",
)
BOX_JITTER = "0.1"  # the box of bench_fields.box_around by size: each side up to 10 % off
BOX_KEYS = ("box_iou", "box_alone_iou")  # per field: the assist's outline, the box itself


def per_field(record: dict) -> dict[str, list[float]]:
    """A record's figures per drawn field (NaN where the run did not keep one)."""
    n = len(record["assist_click_iou"])
    out = {key: [float(v) for v in record.get(key, [np.nan] * n)] for key in PER_FIELD}
    boxes = record.get("assist_box_iou")
    for index, key in enumerate(BOX_KEYS):
        out[key] = [b[BOX_JITTER][index] for b in boxes] if boxes else [np.nan] * n
    return out


def size_class(view_pixels: int, scale: int = SCALE) -> int:
    """Index of the size class of a field covering ``view_pixels`` of the 2 m view."""
    return int(np.searchsorted(CLASS_LIMITS, view_pixels / scale**2, side="right"))


def class_names() -> list[str]:
    """Each class as input pixels and hectares (at 8 m input pixels)."""
    hectare = INPUT_PIXEL_M**2 / 10_000

    def ha(pixels: int) -> str:
        return f"{pixels * hectare:.1f}".rstrip("0").rstrip(".")

    bounds = (0, *CLASS_LIMITS)
    names = [f"{lo}–{hi} px ({ha(lo)}–{ha(hi)} ha)" for lo, hi in itertools.pairwise(bounds)]
    return [*names, f"≥ {CLASS_LIMITS[-1]} px (≥ {ha(CLASS_LIMITS[-1])} ha)"]


Facts = dict[str, list[dict]]  # per chip: field_facts of its drawn fields


def grown_iou(field: np.ndarray, by: float) -> float:
    """IoU of a field's mask with the same mask grown ``by`` pixels (Euclidean) all round."""
    distance = ndi.distance_transform_edt(~field)
    return float(field.sum() / (distance <= by).sum())


def field_facts(fields: np.ndarray) -> list[dict]:
    """Per drawn field in click order: its area (view pixels), class and edge-error IoUs."""
    out = []
    for number in innermost_points(fields):
        field = fields == number
        area = int(field.sum())
        out.append(
            {
                "area": area,
                "class": size_class(area),
                "edge_iou": [grown_iou(field, by) for by in EDGE_ERRORS],
            }
        )
    return out


def facts_of(records: list[dict], fields_of: Callable[[str], np.ndarray]) -> Facts:
    """:func:`field_facts` of every chip in the records (``fields_of``: its drawn fields)."""
    return {chip: field_facts(fields_of(chip)) for chip in sorted({r["chip"] for r in records})}


def edge_costs(facts: Facts) -> dict[str, dict[str, float]]:
    """Per size class: how many drawn fields, and their median IoU with themselves grown by
    each of :data:`EDGE_ERRORS` (what that edge error costs a perfect outline)."""
    out = {}
    for index, name in enumerate(class_names()):
        picked = [f for chip in facts for f in facts[chip] if f["class"] == index]
        out[name] = {
            "fields": len(picked),
            **{
                f"grown {by:g} px": float(np.median([f["edge_iou"][i] for f in picked]))
                for i, by in enumerate(EDGE_ERRORS)
                if picked
            },
        }
    return out


def by_size(records: list[dict], facts: Facts) -> dict[str, dict[str, dict[str, float]]]:
    """Per degradation/view and size class: clicks, median IoU, share ≥ 0.8, median with one
    press (and, where the records have them, the outline's fit and outline-all's matches)."""
    names = class_names()
    out: dict[str, dict[str, dict[str, Any]]] = {}  # a cell's per-field lists become figures
    for record in records:
        chip_facts = facts[record["chip"]]
        if len(chip_facts) != len(record["assist_click_iou"]):
            raise ValueError(f"{record['chip']}: the record's clicks do not match its fields")
        table = out.setdefault(f"{record['degradation']}/{record['view']}", {})
        figures = per_field(record)
        for index, fact in enumerate(chip_facts):
            cell = table.setdefault(names[fact["class"]], {key: [] for key in figures})
            for key, values in figures.items():
                cell[key].append(values[index])
    for key, table in out.items():
        for cell in table.values():
            arrays = {k: np.array(cell.pop(k)) for k in (*PER_FIELD, *BOX_KEYS)}
            clicks = arrays["assist_click_iou"]
            cell.update(
                fields=len(clicks),
                median=float(np.median(clicks)),
                good=float((clicks >= GOOD_IOU).mean()),
                press_median=float(np.median(arrays["assist_press_iou"])),
            )
            if not np.isnan(arrays["assist_click_precision"]).any():
                cell.update(
                    precision_median=float(np.median(arrays["assist_click_precision"])),
                    recall_median=float(np.median(arrays["assist_click_recall"])),
                )
            if not np.isnan(arrays["all_matched"]).any():
                cell["all_found"] = float(arrays["all_matched"].mean())
            if not np.isnan(arrays["box_iou"]).any():
                cell.update(
                    box_median=float(np.median(arrays["box_iou"])),
                    box_alone_median=float(np.median(arrays["box_alone_iou"])),
                )
        out[key] = {name: table[name] for name in names if name in table}
    return out


def _of_class(size: int, key: str, reduce: Callable[[list], float]) -> Statistic:
    """A statistic over the fields of one size class of the records (``key``: per field)."""

    def statistic(records: list[dict]) -> float:
        values = [
            v for r in records for v, c in zip(r[key], r["size_class"], strict=True) if c == size
        ]
        return float(reduce(values)) if values else float("nan")

    return statistic


GAIN_VIEWS = ("enhancer", "bicubic")  # the gain of the first over the second
GAINS: dict[str, tuple[str, Callable[[list], float]]] = {
    "one click (median IoU)": ("assist_click_iou", np.median),
    "outline all (share matched)": ("all_matched", np.mean),
}


def size_gains(records: list[dict], facts: Facts) -> dict[str, dict[str, dict[str, list]]]:
    """Per degradation and size class: the enhancer view's gain over bicubic +
    back-projection in each of :data:`GAINS`, with its 95 % interval over chip resamples
    (:func:`bench.fields_intervals.chip_bootstrap`); runs that lack a figure are left out."""
    out: dict[str, dict[str, dict[str, list]]] = {}
    for degradation in sorted({r["degradation"] for r in records}):
        by_chip: dict[str, dict[str, dict]] = {}
        for r in records:
            if r["degradation"] == degradation and r["view"] in GAIN_VIEWS:
                classes = [f["class"] for f in facts[r["chip"]]]
                by_chip.setdefault(r["chip"], {})[r["view"]] = {**r, "size_class": classes}
        if not by_chip or any(set(v) != set(GAIN_VIEWS) for v in by_chip.values()):
            continue
        out[degradation] = {
            name: {
                figure: list(chip_bootstrap(by_chip, _of_class(size, key, reduce), GAIN_VIEWS))
                for figure, (key, reduce) in GAINS.items()
                if all(key in r for v in by_chip.values() for r in v.values())
            }
            for size, name in enumerate(class_names())
        }
    return out


def _click_cell(cell: dict) -> str:
    return f"{cell['median']:.2f} / {cell['good']:.0%} / {cell['press_median']:.2f}"


def _fit_cell(cell: dict) -> str:
    return f"{cell['precision_median']:.2f} / {cell['recall_median']:.2f}"


def _found_cell(cell: dict) -> str:
    return f"{cell['all_found']:.0%}"


def _box_cell(cell: dict) -> str:
    return f"{cell['box_median']:.2f} / {cell['box_alone_median']:.2f}"


def _row(
    tables: dict, degradation: str, views: list[str], name: str, show: Callable[[dict], str]
) -> str:
    """One size class's row: its field count and ``show`` of each view's cell."""
    cells = [tables[f"{degradation}/{v}"].get(name) for v in views]
    count = next((c["fields"] for c in cells if c is not None), 0)
    return (
        f"| {name} | {count} | " + " | ".join("—" if c is None else show(c) for c in cells) + " |"
    )


# The tables of each degradation: the words before, a cell, the figure it needs.
TABLES: tuple[tuple[str, Callable[[dict], str], str], ...] = (
    ("", _click_cell, "median"),
    (
        "\nToo large or too small? Median share of the click's outline lying on the field / of "
        "the field inside the outline (low first: it spills into neighbours; low second: it "
        "stops short of the field's edge):",
        _fit_cell,
        "precision_median",
    ),
    (
        "\nOutline all: the share of the drawn fields that one of its proposals matches "
        "(IoU ≥ 0.5):",
        _found_cell,
        "all_found",
    ),
    (
        "\nTwo corners instead of one click (each side of the field's box moved at random by "
        "up to 10 % of its extent): median IoU of the assist's outline in the box / of the "
        "box itself:",
        _box_cell,
        "box_median",
    ),
)


def markdown(result: dict) -> str:
    tables, edge = result["by_size"], result["edge"]
    lines = [
        "# One click by field size",
        "",
        f"`{result['command']}` on `{result['source']}` ({result['chips']} chips). "
        "Size classes in pixels of the 8 m input (hectares beside them). Each view cell: "
        "median one-click IoU / share of clicks with IoU ≥ 0.8 / median with at most one "
        "Larger / Smaller press.",
        "",
        "## What an edge error costs a perfect outline",
        "",
        "Median IoU of each drawn field with itself grown all round by one 2 m pixel, and by "
        "half an 8 m input pixel (4 m); the same for every view.",
        "",
        "| field size | fields | grown 2 m | grown 4 m |",
        "|---|---|---|---|",
    ]
    for name, cell in edge.items():
        grown = [cell.get(f"grown {by:g} px") for by in EDGE_ERRORS]
        grown_cells = " | ".join("—" if g is None else f"{g:.2f}" for g in grown)
        lines.append(f"| {name} | {cell['fields']} | {grown_cells} |")
    degradations = sorted({key.split("/")[0] for key in tables})
    for degradation in degradations:
        views = [k.split("/")[1] for k in tables if k.startswith(f"{degradation}/")]
        lines += ["", f"## Input degraded by `{degradation}`"]
        for intro, show, needs in TABLES:
            cells = [c for v in views for c in tables[f"{degradation}/{v}"].values()]
            if not all(needs in c for c in cells):
                continue  # an older run without these figures
            lines += [*([intro] if intro else []), ""]
            lines += ["| field size | fields | " + " | ".join(views) + " |"]
            lines += ["|---|---|" + "---|" * len(views)]
            lines += [_row(tables, degradation, views, name, show) for name in edge]
    return "\n".join(lines + gains_table(result.get("gains", {}))) + "\n"


def gains_table(gains: dict[str, dict[str, dict[str, list]]]) -> list[str]:
    """Markdown lines of :func:`size_gains` (none when there are none)."""
    columns = [(d, f) for d, table in gains.items() for f in next(iter(table.values()))]
    if not columns:
        return []
    lines = [
        "",
        "## Sharpening's gain by field size",
        "",
        "The enhancer view minus bicubic + back-projection on the same chips [95 % interval "
        f"over {DRAWS} chip resamples]; an interval that holds 0 means the chips do not tell "
        "the two views apart.",
        "",
        "| field size | " + " | ".join(f"`{d}`: {f}" for d, f in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for name in next(iter(gains.values())):
        cells = []
        for degradation, figure in columns:
            value, low, high = gains[degradation][name][figure]
            cells.append("—" if np.isnan(value) else f"{value:+.3f} [{low:+.3f}, {high:+.3f}]")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    records, head, out = read_records(argv, __doc__.splitlines()[0], "fields_by_size.json")
    facts = facts_of(records, lambda chip: load_chip(chip).fields)
    result = {
        **head,
        "edge": edge_costs(facts),
        "by_size": by_size(records, facts),
        "gains": size_gains(records, facts),
    }
    write_results(out, result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
