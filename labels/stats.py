"""Summary statistics of a label set: count and hectares per crop, annotator, status and how
the outline came to be."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from labels.model import Label

GROUPS = ("crop", "annotator", "status", "outline")
NOT_RECORDED = "not recorded"  # the outline's origin of labels saved before it was recorded


@dataclass
class Tally:
    """How many labels and how many hectares."""

    count: int = 0
    hectares: float = 0.0

    def add(self, hectares: float) -> None:
        """Count one more label of ``hectares``."""
        self.count += 1
        self.hectares += hectares


@dataclass
class Summary:
    """Totals and one table per grouping (``crop``, ``annotator``, ``status``, ``outline``:
    hand, proposed, proposed-edited or not recorded)."""

    total: Tally = field(default_factory=Tally)
    groups: dict[str, dict[str, Tally]] = field(
        default_factory=lambda: {g: defaultdict(Tally) for g in GROUPS}
    )

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON: hectares rounded to 4 decimals (1 m²)."""

        def tally(t: Tally) -> dict[str, Any]:
            return {"count": t.count, "hectares": round(t.hectares, 4)}

        return {
            "total": tally(self.total),
            **{g: {k: tally(t) for k, t in sorted(v.items())} for g, v in self.groups.items()},
        }


def summarize(labels: Iterable[Label]) -> Summary:
    """Count labels and add up their hectares per crop, per annotator, per status and per
    kind of outline."""
    summary = Summary()
    for label in labels:
        area = label.area_ha or 0.0
        summary.total.add(area)
        summary.groups["crop"][label.crop].add(area)
        summary.groups["annotator"][label.annotator].add(area)
        summary.groups["status"][str(label.status)].add(area)
        summary.groups["outline"][label.drawing or NOT_RECORDED].add(area)
    return summary


def format_summary(summary: Summary) -> str:
    """Plain-text tables of a summary, for the command line."""
    lines = [f"{summary.total.count} label(s), {summary.total.hectares:.2f} ha"]
    for group, table in summary.groups.items():
        lines += ["", f"{'by ' + group:<24} {'count':>8} {'hectares':>12}"]
        for key, t in sorted(table.items()):
            lines.append(f"{key:<24} {t.count:>8} {t.hectares:>12.2f}")
    return "\n".join(lines)
