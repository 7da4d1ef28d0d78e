"""What the assist proposed, kept beside a volunteer's drafts: it survives a rerun as it was
written, an unreadable file reads as nothing proposed, and a saved outline is told apart as a
proposal unchanged, a proposal edited, or drawn by hand."""

from __future__ import annotations

from pathlib import Path

from shapely.affinity import translate
from shapely.geometry import box

from labels.model import HAND, PROPOSED, PROPOSED_EDITED
from ui.outline_edges import ViewFrame
from ui.proposal_record import LastClick, Proposals

FIELD = box(85.30, 27.60, 85.31, 27.61)  # lon/lat
NEIGHBOUR = box(85.31, 27.60, 85.32, 27.61)
VERSION = "learned-merge-mlp32-0639318793c6@0.5"


def test_what_was_proposed_reads_back_as_it_was_saved(tmp_path: Path) -> None:
    record = Proposals.beside(tmp_path / "drafts" / "sita.json")
    record.add(FIELD, VERSION)
    record.queue, record.queue_version = [NEIGHBOUR], f"{VERSION}+dates"
    record.queue_frame = ViewFrame(
        "EPSG:32645", (2.5, 0.0, 300000.0, 0.0, -2.5, 3050000.0), (512, 512)
    )
    record.last_click = LastClick(85.305, 27.605, True, 1, -1, ((85.301, 27.601, False),))
    record.save()
    again = Proposals.beside(tmp_path / "drafts" / "sita.json")
    assert again.path == tmp_path / "drafts" / "sita.assist.json"
    assert [(g.equals(FIELD), v) for g, v in again.proposed] == [(True, VERSION)]
    assert [g.equals(NEIGHBOUR) for g in again.queue] == [True]
    assert again.queue_version == f"{VERSION}+dates"
    assert again.queue_frame == record.queue_frame
    assert again.last_click == record.last_click


def test_an_unreadable_record_reads_as_nothing_proposed(tmp_path: Path) -> None:
    drafts = tmp_path / "sita.json"
    drafts.with_name("sita.assist.json").write_text('{"proposed": [[{"type": "Nonsense"}')
    record = Proposals.beside(drafts)
    assert (record.proposed, record.queue, record.last_click) == ([], [], None)


def test_a_saved_outline_is_a_proposal_unchanged_edited_or_drawn_by_hand(tmp_path: Path) -> None:
    record = Proposals(tmp_path / "sita.assist.json")
    record.add(FIELD, VERSION)
    record.last_click = LastClick(85.305, 27.605)
    nudged = translate(FIELD, xoff=0.001)  # a tenth of its width: overlaps it at 0.82
    assert record.drawing_of(FIELD) == (PROPOSED, VERSION)
    assert record.drawing_of(nudged) == (PROPOSED_EDITED, VERSION)
    assert record.drawing_of(NEIGHBOUR) == (HAND, None)
    assert record.not_proposed([FIELD, nudged, NEIGHBOUR]) == (nudged, NEIGHBOUR)
    assert record.latest_unchanged([NEIGHBOUR, FIELD]) == 1
    assert record.latest_unchanged([NEIGHBOUR, nudged]) is None  # edited since
    record.forget([nudged])  # saved after an edit: no longer a proposal waiting
    assert record.proposed == []
