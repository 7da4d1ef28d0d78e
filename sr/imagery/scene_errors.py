"""The problems a scene or an area can have, each with a message meant for the user."""

from __future__ import annotations


class SceneError(Exception):
    """A problem with a scene or an area, with a message meant for the user."""


class NotARasterError(SceneError):
    """The file is not a raster image that GDAL can read."""


class CorruptRasterError(SceneError):
    """The file looks like a raster but its pixels cannot be read."""


class NoGeoreferenceError(SceneError):
    """The raster has no CRS or no real geotransform, so it cannot be placed on a map."""


class TooFewBandsError(SceneError):
    """The raster has fewer than the three bands needed for a colour image."""


class OutsideSceneError(SceneError):
    """The requested area does not overlap the scene."""


class AreaTooLargeError(SceneError):
    """The requested area has more pixels than the action allows."""
