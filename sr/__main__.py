"""``python -m sr``: see :mod:`sr.cli`."""

from sr.cli import entry_point

entry_point()
