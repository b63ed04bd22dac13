"""Domain errors of the submissions area; each carries a message for the filmmaker."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class SubmissionError(Exception):
    """A rule of the entry workflow stops this action; ``message`` is for the user."""

    default = _l("This action is not possible for this entry.")

    def __init__(self, message: str | None = None):
        self.message = str(message or self.default)
        super().__init__(self.message)


class DeadlinePassed(SubmissionError):
    default = _l("The entry form is closed: the deadline has passed.")


class InvalidTransition(SubmissionError):
    default = _l("This entry cannot make that change in its current state.")


class StaleEntry(SubmissionError):
    default = _l(
        "This entry was changed elsewhere (another tab or device) after you opened this page. "
        "Nothing was saved; check the entry and save again."
    )


class EmailNotConfirmed(SubmissionError):
    default = _l("Please confirm your e-mail address before submitting: use the link we sent you.")


class InvalidInput(SubmissionError):
    default = _l(
        "Nothing was saved: a submitted entry only changes when every field is valid. "
        "Correct the fields marked below."
    )


class IncompleteEntry(SubmissionError):
    """The entry lacks what a submission needs; ``problems`` lists (field, message)."""

    default = _l("The entry is not complete yet.")

    def __init__(self, problems: list[tuple[str, str]], message: str | None = None):
        super().__init__(message)
        self.problems = problems


class UploadRejected(SubmissionError):
    default = _l("This file cannot be used.")


class UploadBusy(UploadRejected):
    default = _l("Many images are being uploaded just now. Please try again in a moment.")
