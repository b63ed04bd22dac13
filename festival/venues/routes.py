"""Views of the venues area."""

from festival.venues import bp  # noqa: F401
