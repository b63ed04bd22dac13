"""Views of the review area."""

from festival.review import bp  # noqa: F401
