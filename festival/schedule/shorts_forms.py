"""Forms of the shorts programmes page: their shape only (the rules live in festival.schedule.shorts)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from festival.formtools import CleanForm, MultiCheckboxField, NameField


class ShortsSettingsForm(CleanForm):
    threshold = IntegerField(
        _l("A short film runs at most (minutes)"), validators=[InputRequired(), NumberRange(1, 600)]
    )
    minimum = IntegerField(
        _l("A programme runs at least (minutes)"), validators=[InputRequired(), NumberRange(1, 600)]
    )
    maximum = IntegerField(
        _l("A programme runs at most (minutes)"), validators=[InputRequired(), NumberRange(1, 600)]
    )
    gap = IntegerField(
        _l("Gap between two films (minutes)"), validators=[InputRequired(), NumberRange(0, 60)]
    )


class ProposeForm(CleanForm):
    """Propose programmes for the short films in none (a bare button)."""


class ProgrammeTitleForm(CleanForm):
    title_en = NameField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    title_zh = NameField(_l("Title (Chinese)"), validators=[Optional(), Length(max=200)])
    note_en = TextAreaField(_l("Note (English)"), validators=[Optional(), Length(max=2000)])
    note_zh = TextAreaField(_l("Note (Chinese)"), validators=[Optional(), Length(max=2000)])


class NewProgrammeForm(ProgrammeTitleForm):
    films = MultiCheckboxField(_l("Films, in screening order"), coerce=int, validators=[DataRequired()])


class AddFilmForm(CleanForm):
    entry = SelectField(_l("Film"), coerce=int, validators=[InputRequired()])


class MemberForm(CleanForm):
    """A button on one film of a programme (remove, earlier, later, delete the programme)."""
