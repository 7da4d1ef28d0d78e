"""Bounds on untrusted label files (labels.limits)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labels.errors import FormatError
from labels.limits import MAX_IMPORT_MB_ENV, check_input_file, json_depth, read_bounded


def test_json_depth_counts_nesting_not_brackets_in_strings() -> None:
    doc = {"a": [[1, 2], {"b": '[[[{{{ \\" ]]]'}], "c": '"[' * 50}
    text = json.dumps(doc).encode()
    assert json_depth(text) == 3
    assert json_depth(b"[]") == 1 and json_depth(b"7") == 0
    assert json_depth(b"[" * 100_000 + b"]" * 100_000) == 100_000


def test_only_regular_files_within_the_limit_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = tmp_path / "small.geojson"
    small.write_bytes(b"x" * 2_000)
    assert read_bounded(small) == b"x" * 2_000
    monkeypatch.setenv(MAX_IMPORT_MB_ENV, "0.001")
    with pytest.raises(
        FormatError, match="2,000 bytes is larger than the 1,000 bytes a label file may"
    ):
        check_input_file(small)
    with pytest.raises(FormatError, match="not a regular file"):
        check_input_file(tmp_path)
    with pytest.raises(FormatError, match="no such file"):
        check_input_file(tmp_path / "missing.geojson")
    monkeypatch.setenv(MAX_IMPORT_MB_ENV, "none")
    with pytest.raises(FormatError, match="is not a positive number of megabytes"):
        check_input_file(small)
