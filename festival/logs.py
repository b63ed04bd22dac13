"""Logging to standard output, the way containers and process managers expect it."""

from __future__ import annotations

import logging
import sys

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"


def init_logging(app: Flask) -> None:
    """Send the app's and the libraries' logs to stdout once, at LOG_LEVEL (default INFO)."""
    root = logging.getLogger()
    if app.testing or any(getattr(h, "_festival", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._festival = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
