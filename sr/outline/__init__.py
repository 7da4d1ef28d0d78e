"""The outline assist: field outlines from a click, or every field of a view.

See :mod:`sr.outline.assist` (the functions), :mod:`sr.outline.segment` (the segmenters),
:mod:`sr.outline.polygons` (masks to simple polygons).
"""

from sr.outline.assist import outline_all, outline_at

__all__ = ["outline_all", "outline_at"]
