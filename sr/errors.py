"""Errors shown to people as they are: a sharpening request that cannot be served, whichever
method serves it, and a command used wrongly."""

from __future__ import annotations


class SharpenError(ValueError):
    """A request that cannot be served (bad factor, no GPU, too large …); its message is
    shown to people as it is."""


class UsageError(Exception):
    """A bad command-line value; the message is shown as is."""
