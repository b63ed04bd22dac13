"""The read-only JSON API of the published programme, under /api/v1/ (docs/api.md)."""

from festival.api.routes import bp

__all__ = ["bp"]
