"""The outline assist: field outlines from a click, or every field of a view.

See :mod:`sr.outline.assist` (the functions), :mod:`sr.outline.segment` (the segmenters),
:mod:`sr.outline.click` (the click network), :mod:`sr.outline.polygons` (masks to simple
polygons). The networks (:mod:`sr.outline.net`, :mod:`sr.outline.click`) import without the
raster and polygon libraries, so a training machine needs only torch and NumPy.
"""

from __future__ import annotations

from typing import Any

__all__ = ["outline_all", "outline_at"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from sr.outline import assist

        return getattr(assist, name)
    raise AttributeError(f"module 'sr.outline' has no attribute {name!r}")
