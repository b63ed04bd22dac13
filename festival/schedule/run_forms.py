"""The form that starts a solver run (shape only; the rules live in festival.schedule.runs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from festival.formtools import CleanForm
from festival.schedule.runs import TIME_LIMIT_DEFAULT, TIME_LIMIT_MAX, TIME_LIMIT_MIN


class StartRunForm(CleanForm):
    """Time limit, whether to keep the pinned screenings, and which draft's pins."""

    time_limit = IntegerField(
        _l("Time limit (seconds)"),
        default=TIME_LIMIT_DEFAULT,
        validators=[
            InputRequired(_l("Give a time limit in seconds.")),
            NumberRange(
                TIME_LIMIT_MIN,
                TIME_LIMIT_MAX,
                _l("Choose between %(min)s and %(max)s seconds."),
            ),
        ],
    )
    keep_pins = BooleanField(_l("Keep pinned screenings (re-solve around my pins)"), default=True)
    base_version = SelectField(_l("Pins from"), coerce=int, default=0, validate_choice=True)
    demand = SelectField(_l("Expected audience"), default="curators", validate_choice=True)
