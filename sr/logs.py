"""Logging, configured once per process: ``SHARPFIELDS_LOG_LEVEL`` (``DEBUG``, ``INFO``,
``WARNING`` (the default), ``ERROR``) on stderr, for the ``sharpfields`` loggers and the
project's modules (``sr.*``, ``labels.*``, ``ui.*``)."""

from __future__ import annotations

import logging
import os

LEVEL_ENV = "SHARPFIELDS_LOG_LEVEL"
DEFAULT_LEVEL = "WARNING"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OUR_LOGGERS = ("sharpfields", "sr", "labels", "ui")
_HANDLER_NAME = "sharpfields-stderr"


def log_level() -> int:
    """The level named by ``SHARPFIELDS_LOG_LEVEL`` (an unknown name: WARNING, said once)."""
    name = os.environ.get(LEVEL_ENV, DEFAULT_LEVEL).strip().upper() or DEFAULT_LEVEL
    level = logging.getLevelName(name)
    return level if isinstance(level, int) else logging.WARNING


def configure_logging() -> None:
    """Send the project's log records at the configured level to stderr; a second call
    changes only the level (so every entry point may call it)."""
    level = log_level()
    for name in OUR_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
            handler = logging.StreamHandler()
            handler.set_name(_HANDLER_NAME)
            handler.setFormatter(logging.Formatter(FORMAT))
            logger.addHandler(handler)
    requested = os.environ.get(LEVEL_ENV, "").strip().upper()
    if requested and not isinstance(logging.getLevelName(requested), int):
        logging.getLogger("sharpfields").warning(
            "%s=%r is not a log level (DEBUG, INFO, WARNING, ERROR); using WARNING",
            LEVEL_ENV,
            requested,
        )
