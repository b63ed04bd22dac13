"""Domain errors of the review area; views turn them into messages next to fields or in a flash."""

from __future__ import annotations


class ReviewError(Exception):
    """A rule of the review workflow refused the change; ``errors`` maps form fields to messages."""

    def __init__(self, message: str = "", errors: dict[str, list[str]] | None = None):
        # Messages may be lazy translations: they are turned into text only when shown.
        super().__init__(message)
        self.message = message
        self.errors = errors or {}

    def __str__(self) -> str:
        return str(self.message) or "; ".join(str(m) for ms in self.errors.values() for m in ms)


class InvalidInput(ReviewError):
    """A value breaks a rule (range, order, window, completeness)."""


class StaleEdit(ReviewError):
    """Someone else saved the same record since the form was opened (optimistic locking)."""


class InvalidTransition(ReviewError):
    """The entry cannot move to the requested status from the one it is in."""


class Locked(ReviewError):
    """The record may no longer be changed by this person (e.g. the decision was released)."""
