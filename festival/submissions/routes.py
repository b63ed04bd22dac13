"""Views of the submissions area."""

from festival.submissions import bp  # noqa: F401
