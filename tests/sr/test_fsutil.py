"""Shared file helpers: all-or-nothing writes, disk-full detection, safe file names."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from sr.fsutil import atomic_write, file_version, is_disk_full, safe_file_stem


def test_atomic_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "notes.json"
    with atomic_write(target) as fh:
        fh.write("first")
    with atomic_write(target, "wb") as fh:
        fh.write("zweite Fassung ✓".encode())
    assert target.read_text(encoding="utf-8") == "zweite Fassung ✓"
    assert sorted(p.name for p in target.parent.iterdir()) == ["notes.json"]


def test_an_error_while_writing_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "notes.json"
    target.write_text("old")
    with pytest.raises(OSError, match="No space"), atomic_write(target) as fh:
        fh.write("half of the new")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.json"]


def test_a_failed_check_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "scene.tif"
    target.write_bytes(b"old scene")
    seen: list[bytes] = []

    def refuse(tmp: Path) -> None:
        seen.append(tmp.read_bytes())  # the check sees the whole new file
        raise ValueError("not a GeoTIFF")

    with (
        pytest.raises(ValueError, match="not a GeoTIFF"),
        atomic_write(target, "wb", check=refuse) as fh,
    ):
        fh.write(b"new bytes")
    assert seen == [b"new bytes"]
    assert target.read_bytes() == b"old scene"
    assert [p.name for p in tmp_path.iterdir()] == ["scene.tif"]


def test_disk_full_is_recognised_by_errno_only() -> None:
    assert is_disk_full(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    assert is_disk_full(OSError(errno.EDQUOT, os.strerror(errno.EDQUOT)))
    assert not is_disk_full(OSError(errno.EACCES, os.strerror(errno.EACCES)))
    assert not is_disk_full(ValueError("full"))


def test_safe_file_stem_keeps_only_safe_characters() -> None:
    assert safe_file_stem("../etc/passwd") == ".._etc_passwd"
    assert safe_file_stem("a b//c", collapse=True) == "a_b_c"
    assert safe_file_stem("S2_45RUL+45RTL", keep="._+-") == "S2_45RUL+45RTL"
    assert safe_file_stem("S2_45RUL+45RTL") == "S2_45RUL_45RTL"
    assert safe_file_stem("x" * 90, max_length=40) == "x" * 40
    assert safe_file_stem("", default="scene") == "scene"
    # Unicode letters stay when asked for (as str.isalnum sees them), separators never do.
    assert safe_file_stem("Asha Rāi/Ñ", keep="", unicode_letters=True) == "Asha_Rāi_Ñ"
    assert safe_file_stem("Rāi", keep="") == "R_i"


def test_a_file_version_names_the_file_by_its_content(tmp_path: Path) -> None:
    model = tmp_path / "enhancer-resnet18.pt"
    model.write_bytes(b"weights")
    first = file_version(model)
    assert first == "enhancer-resnet18@" + hashlib.sha256(b"weights").hexdigest()[:12]
    model.write_bytes(b"other weights")
    assert file_version(model) != first and file_version(model).startswith("enhancer-resnet18@")
