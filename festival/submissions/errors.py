"""The refusals of the submissions area, in the filmmaker's words (all ``festival.errors.DomainError``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.errors import InvalidInput, InvalidTransition, NotAllowed, StaleEdit


class DeadlinePassed(InvalidTransition):
    """The entry's window (the call, or a staff reopening) is closed."""

    default = _l("The entry form is closed: the deadline has passed.")


class StaleEntry(StaleEdit):
    """The entry changed in another tab or device after this page was opened."""

    default = _l(
        "This entry was changed elsewhere (another tab or device) after you opened this page. "
        "Nothing was saved; check the entry and save again."
    )


class EmailNotConfirmed(NotAllowed):
    """Only a confirmed address may submit."""

    default = _l("Please confirm your e-mail address before submitting: use the link we sent you.")


class IncompleteEntry(InvalidInput):
    """The entry lacks what a submission needs; ``problems`` lists (field, message) in form order."""

    default = _l("The entry is not complete yet.")

    def __init__(self, problems: list[tuple[str, str]], message: object = None):
        errors: dict[str, list[str]] = {}
        for field, text in problems:
            errors.setdefault(field, []).append(text)
        super().__init__(message if message is not None else self.default, errors)
        self.problems = problems


class UploadRejected(InvalidInput):
    """An image that cannot be used (type, size, pixels, damage, one still too many)."""

    default = _l("This file cannot be used.")


class UploadBusy(UploadRejected):
    """Too many images are being decoded at once: nothing is wrong with the file, later it goes through."""

    status = 429
    default = _l("Many images are being uploaded just now. Please try again in a moment.")
