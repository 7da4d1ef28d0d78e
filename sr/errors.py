"""The error every sharpening request can meet, whichever method serves it."""

from __future__ import annotations


class SharpenError(ValueError):
    """A request that cannot be served (bad factor, no GPU, too large …); its message is
    shown to people as it is."""
