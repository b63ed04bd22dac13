"""Views of the admin area."""

from festival.admin import bp  # noqa: F401
