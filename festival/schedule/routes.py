"""Views of the schedule area."""

from festival.schedule import bp  # noqa: F401
