"""Views of the programme area."""

from festival.programme import bp  # noqa: F401
