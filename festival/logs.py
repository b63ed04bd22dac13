"""Logging to standard output, the way containers and process managers expect it."""

from __future__ import annotations

import logging
import sys

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"


def init_logging(app: Flask) -> None:
    """In production (or when LOG_LEVEL is set), send the logs to stdout once, at LOG_LEVEL (default INFO).

    On a laptop Flask's own defaults stay, so commands are not drowned in library chatter."""
    root = logging.getLogger()
    wanted = app.config.get("ENV_NAME") == "production" or app.config.get("LOG_LEVEL")
    if app.testing or not wanted or any(getattr(h, "_festival", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._festival = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
