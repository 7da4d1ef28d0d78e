"""How sure are the delineation benchmark's figures? Intervals over its 10 chips.

    .venv/bin/python -m bench.fields_intervals [bench/results/fields.json]

Reads the records ``bench.bench_fields`` wrote (no image is read again) and resamples the
benchmark's chips with replacement (:data:`DRAWS` times, seeded): a chip's fields, PSNR and
boundary F go together, as a new set of farmland would bring them. For each degradation it
reports 95 % intervals of each sharpened view's figures (the enhancer, and DIP + enhancer
when the bench scored it) and of its gain over bicubic + back-projection on the same chips
(paired): when an interval of a gain holds 0, ten chips do not tell the two views apart.
Results: ``bench/results/fields_intervals.{json,md}``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bench.fields_data import sharpened
from bench.fields_records import read_records
from bench.results_files import write_results

DRAWS = 4000
SEED = 0

Record = dict
Statistic = Callable[[list[Record]], float]


def _median_of(key: str) -> Statistic:
    """The median of every click's IoU (``key``) pooled over the records, as the bench."""
    return lambda records: float(np.median([v for r in records for v in r[key]]))


def _mean_of(key: str) -> Statistic:
    """The mean over the records of one figure per chip (``key``)."""
    return lambda records: float(np.mean([r[key] for r in records]))


STATISTICS: dict[str, Statistic] = {
    "PSNR dB (mean)": _mean_of("psnr"),
    "boundary F 2 px (mean)": _mean_of("boundary_f1_2px"),
    "assist click IoU (median)": _median_of("assist_click_iou"),
    "+ one Larger / Smaller press (median)": _median_of("assist_press_iou"),
    "outline-all F1 judged (mean)": _mean_of("all_f1_judged"),
}


def chip_bootstrap(
    by_chip: dict[str, dict[str, Record]],
    statistic: Statistic,
    views: tuple[str, str] | tuple[str],
    draws: int = DRAWS,
    seed: int = SEED,
) -> tuple[float, float, float]:
    """(value on all chips, 2.5 %, 97.5 % over chip resamples) of ``statistic`` on the first
    view's records, or of its difference from the second view's on the same chips."""
    chips = sorted(by_chip)

    def value(picked: list[str]) -> float:
        first = statistic([by_chip[c][views[0]] for c in picked])
        if len(views) == 1:
            return first
        return first - statistic([by_chip[c][views[1]] for c in picked])

    rng = np.random.default_rng(seed)
    samples = [
        value([chips[i] for i in rng.integers(0, len(chips), len(chips))]) for _ in range(draws)
    ]
    shown = [x for x in samples if not np.isnan(x)]  # NaN: a resample with nothing to show
    if not shown:
        return value(chips), float("nan"), float("nan")
    low, high = np.percentile(shown, [2.5, 97.5])
    return value(chips), float(low), float(high)


def intervals(records: list[Record]) -> dict[str, dict[str, dict[str, list[float]]]]:
    """Per degradation and statistic: each sharpened view's value and interval (key: the
    view) and its gain over bicubic with its interval (key: the view and " gain")."""
    out: dict[str, dict[str, dict[str, list[float]]]] = {}
    views = sharpened(r["view"] for r in records)
    for degradation in sorted({r["degradation"] for r in records}):
        by_chip: dict[str, dict[str, Record]] = {}
        for r in records:
            if r["degradation"] == degradation:
                by_chip.setdefault(r["chip"], {})[r["view"]] = r
        out[degradation] = {
            name: {
                key: list(chip_bootstrap(by_chip, statistic, pair))
                for view in views
                for key, pair in ((view, (view,)), (f"{view} gain", (view, "bicubic")))
            }
            for name, statistic in STATISTICS.items()
        }
    return out


def markdown(result: dict) -> str:
    lines = [
        "# How sure are the delineation benchmark's figures?",
        "",
        f"`{result['command']}` on `{result['source']}` ({result['chips']} chips, "
        f"{DRAWS} chip resamples, seed {SEED}). Each cell: the value on all chips "
        "[95 % interval over resampled chips]. A gain is the view minus bicubic "
        "+ back-projection on the same chips; an interval that holds 0 means the ten chips do "
        "not tell the two views apart.",
    ]
    for degradation, table in result["intervals"].items():
        views = [k for k in next(iter(table.values())) if not k.endswith(" gain")]
        lines += [
            "",
            f"## Input degraded by `{degradation}`",
            "",
            "| figure | " + " | ".join(f"{v} view | its gain over bicubic" for v in views) + " |",
            "|---|" + "---|---|" * len(views),
        ]
        for name, cell in table.items():
            cells = []
            for v in views:
                e, g = cell[v], cell[f"{v} gain"]
                cells += [
                    f"{e[0]:.3f} [{e[1]:.3f}, {e[2]:.3f}]",
                    f"{g[0]:+.3f} [{g[1]:+.3f}, {g[2]:+.3f}]",
                ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    records, head, out = read_records(argv, __doc__.splitlines()[0], "fields_intervals.json")
    result = {**head, "intervals": intervals(records)}
    write_results(out, result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
