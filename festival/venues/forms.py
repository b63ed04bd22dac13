"""Shapes of the venue, theater and block forms (the rules of the edition live in services.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from festival import localtime
from festival.formtools import CleanForm, MultiCheckboxField, NameField, choices
from festival.labels import EVENT_KIND_LABELS, FORMAT_LABELS
from festival.models.enums import EventKind, FilmFormat
from festival.models.venue import CODE_PATTERN, FEATURE_PATTERN
from festival.venues import hours as hours_text
from festival.venues import phones

CODE_RE = rf"^{CODE_PATTERN.pattern}$"
CODE_MESSAGE = _l("Use lower-case letters, digits, - and _ (for example giant or dome-2).")

WEEKDAY_LABELS = (
    ("mon", _l("Monday")),
    ("tue", _l("Tuesday")),
    ("wed", _l("Wednesday")),
    ("thu", _l("Thursday")),
    ("fri", _l("Friday")),
    ("sat", _l("Saturday")),
    ("sun", _l("Sunday")),
)


class _ParsedText:
    """Mixin for text fields that parse into a structure; ``parsed`` holds the result after validation."""

    parse = staticmethod(lambda text: text)
    parsed = None

    def pre_validate(self, form) -> None:
        try:
            self.parsed = self.parse(self.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class IntervalsField(_ParsedText, StringField):
    """Opening intervals of one day, ``09:30-12:00, 13:00-17:00``; empty means closed."""

    parse = staticmethod(hours_text.parse_intervals)


class DatesField(_ParsedText, TextAreaField):
    """Dates, one a line."""

    parse = staticmethod(hours_text.parse_dates)


class SpecialHoursField(_ParsedText, TextAreaField):
    """Lines ``date hours`` or ``date closed``."""

    parse = staticmethod(hours_text.parse_special_hours)


def _hours_field(label) -> IntervalsField:
    return IntervalsField(label, validators=[Length(max=200)])


class VenueForm(CleanForm):
    code = StringField(
        _l("Short code"), validators=[InputRequired(), Length(max=40), Regexp(CODE_RE, message=CODE_MESSAGE)]
    )
    name = NameField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    name_zh = NameField(_l("Name in Chinese"), validators=[Optional(), Length(max=200)])
    hours_mon = _hours_field(_l("Monday"))
    hours_tue = _hours_field(_l("Tuesday"))
    hours_wed = _hours_field(_l("Wednesday"))
    hours_thu = _hours_field(_l("Thursday"))
    hours_fri = _hours_field(_l("Friday"))
    hours_sat = _hours_field(_l("Saturday"))
    hours_sun = _hours_field(_l("Sunday"))
    closed_dates = DatesField(_l("Closed dates"), validators=[Length(max=5000)])
    special_hours = SpecialHoursField(_l("Special hours (holidays)"), validators=[Length(max=10000)])
    city = StringField(_l("City"), validators=[Length(max=40)])
    is_partner = BooleanField(_l("Partner museum of the alliance"))
    contact_name = NameField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=40)])

    def hours_fields(self) -> list:
        return [self[f"hours_{day}"] for day, _label in WEEKDAY_LABELS]

    def values(self) -> dict:
        """The parsed values, ready for the services (only those of the form's fields)."""
        values = {
            "code": (self.code.data or "").strip() if "code" in self else None,
            "name": self.name.data.strip(),
            "name_zh": (self.name_zh.data or "").strip() or None,
            "hours": {day: self[f"hours_{day}"].parsed or [] for day, _label in WEEKDAY_LABELS},
            "closed_dates": self.closed_dates.parsed or [],
            "special_hours": self.special_hours.parsed or {},
            "city": (self.city.data or "").strip().lower() if "city" in self else None,
            "is_partner": bool(self.is_partner.data) if "is_partner" in self else None,
            "contact_name": (self.contact_name.data or "").strip() or None,
            "contact_email": (self.contact_email.data or "").strip() or None,
            "contact_phone": (self.contact_phone.data or "").strip() or None,
        }
        return {k: v for k, v in values.items() if k in self or k == "hours"}

    @classmethod
    def data_of(cls, venue) -> dict:
        """Initial data for editing a venue."""
        data = {"code": venue.code, "name": venue.name, "name_zh": venue.name_zh, "city": venue.city}
        data |= {"is_partner": venue.is_partner, "contact_name": venue.contact_name}
        data |= {"contact_email": venue.contact_email, "contact_phone": phones.shown(venue.contact_phone)}
        for day, _label in WEEKDAY_LABELS:
            data[f"hours_{day}"] = hours_text.format_intervals((venue.hours or {}).get(day))
        data["closed_dates"] = hours_text.format_dates(venue.closed_dates)
        data["special_hours"] = hours_text.format_special_hours(venue.special_hours)
        return data


class ManagerVenueForm(VenueForm):
    """A venue manager's venue form: the code, city and partner flag are staff's."""

    code = None
    city = None
    is_partner = None


class FeaturesField(StringField):
    """Free capability words separated by commas (``3d, motion_seats``); stored lower-case."""

    parsed: list[str] | None = None

    def pre_validate(self, form) -> None:
        words = [w.strip().lower() for w in (self.data or "").replace("，", ",").split(",") if w.strip()]
        for word in words:
            if not FEATURE_PATTERN.fullmatch(word):
                raise ValidationError(
                    _l("“%(word)s”: a feature is one word of letters, digits, _ - or . (like 3d).", word=word)
                )
        self.parsed = sorted(set(words))


class TheaterForm(CleanForm):
    code = StringField(
        _l("Short code"), validators=[InputRequired(), Length(max=40), Regexp(CODE_RE, message=CODE_MESSAGE)]
    )
    name = NameField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    name_zh = NameField(_l("Name in Chinese"), validators=[Optional(), Length(max=200)])
    seats = IntegerField(
        _l("Seats"),
        validators=[
            InputRequired(_l("Give the number of seats.")),
            NumberRange(1, 100_000, _l("Between %(min)s and %(max)s seats.")),
        ],
    )
    formats = MultiCheckboxField(
        _l("Formats it can show"),
        choices=choices((f.value, FORMAT_LABELS[f]) for f in FilmFormat),
        validators=[InputRequired(_l("Tick at least one format."))],
    )
    features = FeaturesField(_l("Features"), validators=[Length(max=500)])
    changeover_minutes = IntegerField(
        _l("Changeover (minutes)"),
        default=15,
        validators=[
            InputRequired(_l("Give the changeover in minutes (0 if none).")),
            NumberRange(0, 600, _l("Between %(min)s and %(max)s minutes.")),
        ],
    )
    start_step_minutes = IntegerField(
        _l("Start step (minutes)"),
        default=5,
        validators=[
            InputRequired(_l("Give the start step in minutes.")),
            NumberRange(1, 720, _l("Between %(min)s and %(max)s minutes.")),
        ],
    )
    position = IntegerField(
        _l("Order on the page"),
        default=0,
        validators=[Optional(), NumberRange(0, 1000, _l("Between %(min)s and %(max)s."))],
    )

    def values(self) -> dict:
        """The parsed values, ready for the services."""
        return {
            "code": self.code.data.strip(),
            "name": self.name.data.strip(),
            "name_zh": (self.name_zh.data or "").strip() or None,
            "seats": self.seats.data,
            "formats": [f.value for f in FilmFormat if f.value in self.formats.data],
            "features": self.features.parsed or [],
            "changeover_minutes": self.changeover_minutes.data,
            "start_step_minutes": self.start_step_minutes.data,
            "position": self.position.data or 0,
        }

    @classmethod
    def data_of(cls, theater) -> dict:
        """Initial data for editing a theater."""
        return {
            "code": theater.code,
            "name": theater.name,
            "name_zh": theater.name_zh,
            "seats": theater.seats,
            "formats": list(theater.formats or []),
            "features": ", ".join(theater.features or []),
            "changeover_minutes": theater.changeover_minutes,
            "start_step_minutes": theater.start_step_minutes,
            "position": theater.position,
        }


class BlockForm(CleanForm):
    theaters = MultiCheckboxField(
        _l("Theaters"), coerce=int, validators=[InputRequired(_l("Tick at least one theater."))]
    )
    kind = SelectField(
        _l("Kind"), choices=choices((k.value, EVENT_KIND_LABELS[k]) for k in EventKind), default="maintenance"
    )
    label = NameField(_l("Label"), validators=[Optional(), Length(max=200)])
    start = DateTimeLocalField(
        _l("From"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Give a start date and time."))],
    )
    end = DateTimeLocalField(
        _l("Until"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Give an end date and time."))],
    )

    def validate_end(self, field) -> None:
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The block must end after it starts."))

    @classmethod
    def data_of(cls, block, edition) -> dict:
        """Initial data for editing a block, its times as local wall-clock of the edition's timezone."""
        return {
            "theaters": [block.theater_id],
            "kind": block.kind.value,
            "label": block.title,
            "start": localtime.wall_clock(block.start, edition),
            "end": localtime.wall_clock(block.end, edition),
        }

    def values(self) -> dict:
        """The values for the services (naive local datetimes; the service attaches the timezone)."""
        return {
            "kind": EventKind(self.kind.data),
            "label": (self.label.data or "").strip() or None,
            "start": self.start.data,
            "end": self.end.data,
        }


class CopyVenuesForm(CleanForm):
    """Which edition to copy venues and theaters from."""

    source = SelectField(_l("Copy venues and theaters from"), coerce=int, validate_choice=True)


class InviteManagerForm(CleanForm):
    """Invite a venue manager for one or more venues of the edition."""

    name = NameField(_l("Name"), validators=[Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    venues = MultiCheckboxField(
        _l("Venues"), coerce=int, validators=[InputRequired(_l("Choose at least one venue."))]
    )
