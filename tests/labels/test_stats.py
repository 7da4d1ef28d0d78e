"""Counts and hectares per crop, annotator and status (labels.stats)."""

from __future__ import annotations

import pytest

from labels.stats import format_summary, summarize
from tests.labels.conftest import make_label, square


def test_summary_counts_and_hectares() -> None:
    items = [
        make_label(square(side_m=100.0)).replace(area_ha=1.0),
        make_label(square(side_m=200.0), crop="wheat", status="submitted").replace(area_ha=4.0),
        make_label(annotator="hari").replace(area_ha=0.5),
    ]
    summary = summarize(items)
    d = summary.as_dict()
    assert d["total"] == {"count": 3, "hectares": 5.5}
    assert d["crop"] == {
        "rice": {"count": 2, "hectares": 1.5},
        "wheat": {"count": 1, "hectares": 4.0},
    }
    assert d["annotator"]["ram"] == {"count": 2, "hectares": 5.0}
    assert d["status"] == {
        "draft": {"count": 2, "hectares": 1.5},
        "submitted": {"count": 1, "hectares": 4.0},
    }
    assert d["outline"] == {"not recorded": {"count": 3, "hectares": 5.5}}
    drawn = [items[0].replace(drawing="hand"), items[1].replace(drawing="proposed"), items[2]]
    assert summarize(drawn).as_dict()["outline"] == {
        "hand": {"count": 1, "hectares": 1.0},
        "not recorded": {"count": 1, "hectares": 0.5},
        "proposed": {"count": 1, "hectares": 4.0},
    }
    text = format_summary(summary)
    assert text.splitlines()[0] == "3 label(s), 5.50 ha"
    assert "wheat                           1         4.00" in text
    assert summarize([]).total.hectares == pytest.approx(0.0)
