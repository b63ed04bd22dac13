"""The form that creates a scenario (shape only; the rules live in festival.schedule.scenarios)."""

from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired, NumberRange, Optional

from festival.formtools import CleanForm, FiniteFloatField, NameField
from festival.schedule.runs import TIME_LIMIT_DEFAULT, TIME_LIMIT_MAX, TIME_LIMIT_MIN


def _weight(weekday: int) -> FiniteFloatField:
    """A weekday's weight (0 = Monday; blank: the edition's), labelled with the day's name in the reader's
    language."""
    name = LazyString(lambda: get_day_names("wide", locale=get_locale())[weekday])
    return FiniteFloatField(name, validators=[Optional()])


class ScenarioForm(CleanForm):
    """A named scenario of a draft: a theater closed for some days, the demand weights and costs, films
    added or dropped, the time the solver gets."""

    name = NameField(_l("Name"))
    base_version = SelectField(_l("Starts from"), coerce=int, validate_choice=False)
    closure_theater = SelectField(_l("Close a theater"), coerce=int, default=0, validate_choice=False)
    closure_first = DateField(_l("From"), validators=[Optional()], render_kw={"placeholder": "YYYY-MM-DD"})
    closure_last = DateField(_l("Until"), validators=[Optional()], render_kw={"placeholder": "YYYY-MM-DD"})
    mon = _weight(0)
    tue = _weight(1)
    wed = _weight(2)
    thu = _weight(3)
    fri = _weight(4)
    sat = _weight(5)
    sun = _weight(6)
    shortfall_cost = IntegerField(_l("Cost of a missing screening"), validators=[Optional()])
    move_cost = IntegerField(_l("Cost of moving a published screening"), validators=[Optional()])
    add_films = SelectMultipleField(_l("Add films"), coerce=int, validate_choice=False)
    drop_films = SelectMultipleField(_l("Drop films"), coerce=int, validate_choice=False)
    time_limit = IntegerField(
        _l("Time limit (seconds)"),
        default=TIME_LIMIT_DEFAULT,
        validators=[
            InputRequired(_l("Give a time limit in seconds.")),
            NumberRange(TIME_LIMIT_MIN, TIME_LIMIT_MAX, _l("Choose between %(min)s and %(max)s seconds.")),
        ],
    )
