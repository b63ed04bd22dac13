"""Shapes of the audience's forms (the rules live in festival.audience.services and plans)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from festival.formtools import CleanForm, FiniteFloatField, NameField, choices


class Checkboxes(SelectMultipleField):
    """Several choices as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ButtonForm(CleanForm):
    """A button's form: only the CSRF token."""


class StarForm(CleanForm):
    on = HiddenField(default="1")


class DaysForm(CleanForm):
    weekdays = BooleanField(_l("I can come on weekdays"), default=True)
    weekends = Checkboxes(_l("Weekends that suit me"), coerce=str, validate_choice=True)


class VisitForm(CleanForm):
    """Plan my visit: the films and the days (read from the query string; nothing is written)."""

    class Meta:
        csrf = False

    films = Checkboxes(_l("Films"), coerce=int, validate_choice=True)
    days = Checkboxes(_l("Days I can come"), coerce=str, validate_choice=True)


class AcceptForm(CleanForm):
    screenings = HiddenField()


class SettingsForm(CleanForm):
    expected_visitors = IntegerField(
        _l("Visitors expected in all"),
        validators=[InputRequired(), NumberRange(0, 10_000_000, _l("Between %(min)s and %(max)s."))],
    )
    prior_strength = FiniteFloatField(
        _l("Weight of the curators' estimate (in wishes)"),
        validators=[InputRequired(), NumberRange(0.1, 100_000, _l("Between %(min)s and %(max)s."))],
    )
    venue_travel_minutes = IntegerField(
        _l("Minutes between screenings in different venues"),
        validators=[InputRequired(), NumberRange(0, 1440, _l("Between %(min)s and %(max)s."))],
    )
    city_travel_minutes = IntegerField(
        _l("Minutes between screenings in different cities"),
        validators=[InputRequired(), NumberRange(0, 10080, _l("Between %(min)s and %(max)s."))],
    )
    vote_after_any_screening = BooleanField(
        _l("Visitors may rate a film after any of its screenings (not only one in their plan)")
    )


class VoteForm(CleanForm):
    score = RadioField(
        _l("Your rating"),
        choices=choices((n, str(n)) for n in range(1, 6)),
        coerce=int,
        validators=[InputRequired(_l("Choose a rating from 1 to 5."))],
    )


class CategoryForm(CleanForm):
    name = NameField(
        _l("Award (English)"), validators=[InputRequired(_l("Give the award a name.")), Length(max=200)]
    )
    name_zh = NameField(_l("Award (Chinese)"), validators=[Length(max=200)])
    description = TextAreaField(_l("What it honours (English)"), validators=[Length(max=2000)])
    description_zh = TextAreaField(_l("What it honours (Chinese)"), validators=[Length(max=2000)])
    quorum = IntegerField(
        _l("Ballots needed (0: more than half of the jury)"),
        default=0,
        validators=[InputRequired(), NumberRange(0, 1000, _l("Between %(min)s and %(max)s."))],
    )


class EntryChoiceForm(CleanForm):
    """One film out of a list (nominate, approve the winner, vote, declare a conflict)."""

    entry = SelectField(_l("Film"), coerce=int, validate_choice=True)
    on = HiddenField(default="1")


class JurorForm(CleanForm):
    """Staff invite a person to the jury by e-mail."""

    email = EmailField(_l("E-mail of the juror"), validators=[InputRequired(), Length(max=254)])
    # its own id: the award form on the same page has a "name" too
    name = NameField(
        _l("Name (optional, for the mail)"), validators=[Optional(), Length(max=120)], id="juror-name"
    )
