"""Forms of the timetable area: their shape only (the rules live in versions.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from festival.formtools import CleanForm, NameField, VersionField
from festival.schedule.runs import TIME_LIMIT_DEFAULT, TIME_LIMIT_MAX, TIME_LIMIT_MIN


class LockForm(CleanForm):
    """A button that changes a draft; ``lock`` is the draft's version number when the page was shown.

    A post without a lock (or with a garbled one) is refused: it could overwrite a change it never saw."""

    lock = VersionField()

    def lock_value(self) -> int | None:
        """The lock as an integer."""
        return self.lock.data

    def validate_lock(self, field) -> None:
        if field.data is None:
            raise ValidationError(_l("The page is out of date; please reload it."))


class MoveForm(LockForm):
    """Move a screening to a theater and a local start time."""

    theater = SelectField(_l("Theater"), coerce=int, validators=[InputRequired()])
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter a date as YYYY-MM-DD."))])
    start = TimeField(_l("Start time"), validators=[InputRequired(message=_l("Enter a time as HH:MM."))])


class AddForm(MoveForm):
    """Add a screening of an accepted film (its id) or of a shorts programme (``p<id>``)."""

    entry = SelectField(_l("Film or shorts programme"), validators=[InputRequired()])
    pinned = BooleanField(_l("Pin it (a re-solve keeps it exactly here)"))


class NewDraftForm(CleanForm):
    """Start a draft, empty or as a copy of an existing version."""

    based_on = SelectField(_l("Start from"), coerce=int, validators=[InputRequired()])
    label = NameField(_l("Label"), validators=[Optional(), Length(max=200)])


class PublishForm(LockForm):
    """Publish a draft; warnings (films short of their minimum) must be acknowledged, and a draft that
    removes much of the public programme needs the edition's name typed in (checked by the service)."""

    accept_warnings = BooleanField(_l("I have read the warnings and want to publish anyway"))
    confirm_name = StringField(_l("The edition's name"), validators=[Optional(), Length(max=200)])


class ResolveForm(LockForm):
    """Re-solve the edition keeping this draft's pinned screenings."""

    time_limit = IntegerField(
        _l("Time limit (seconds)"),
        default=TIME_LIMIT_DEFAULT,
        validators=[DataRequired(), NumberRange(min=TIME_LIMIT_MIN, max=TIME_LIMIT_MAX)],
    )
