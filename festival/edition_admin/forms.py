"""Shapes of the edition, copy, holiday and demand forms (the rules live in festival.editions)."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from festival import localtime
from festival.editions.demand import WEEKDAYS, Break, DemandSettings
from festival.editions.services import EditionValues
from festival.formtools import CleanForm, FiniteFloatField, MultiCheckboxField, NameField, choices
from festival.labels import FORMAT_LABELS, HOLIDAY_KIND_LABELS
from festival.models.enums import FilmFormat, HolidayKind

WEEKDAY_LABELS = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
}
LOCAL = "%Y-%m-%dT%H:%M"


class EditionForm(CleanForm):
    name = NameField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_zh = NameField(_l("Chinese name"), validators=[Length(max=200)])
    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=63)])
    reference_prefix = StringField(_l("Reference prefix"), validators=[DataRequired(), Length(max=32)])
    timezone = StringField(_l("Time zone"), default=localtime.DEFAULT_TIMEZONE, validators=[DataRequired()])
    call_opens_at = DateTimeLocalField(_l("Call opens"), format=LOCAL, validators=[Optional()])
    entry_deadline = DateTimeLocalField(_l("Entry deadline"), format=LOCAL, validators=[InputRequired()])
    first_day = DateField(_l("First screening day"), validators=[InputRequired()])
    last_day = DateField(_l("Last screening day"), validators=[InputRequired()])
    formats = MultiCheckboxField(
        _l("Formats on offer"), choices=choices((f.value, FORMAT_LABELS[f]) for f in FilmFormat)
    )
    terms = TextAreaField(_l("Terms of entry"), validators=[Length(max=20000)])
    terms_zh = TextAreaField(_l("Terms of entry (Chinese)"), validators=[Length(max=20000)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Length(max=254)])

    def values(self) -> EditionValues:
        return EditionValues(
            name=self.name.data,
            name_zh=self.name_zh.data,
            slug=(self.slug.data or "").strip(),
            reference_prefix=(self.reference_prefix.data or "").strip(),
            timezone=(self.timezone.data or "").strip(),
            call_opens_at=self.call_opens_at.data,
            entry_deadline=self.entry_deadline.data,
            first_day=self.first_day.data,
            last_day=self.last_day.data,
            formats=list(self.formats.data or []),
            terms=self.terms.data,
            terms_zh=self.terms_zh.data,
            contact_email=self.contact_email.data,
        )

    @classmethod
    def of(cls, edition) -> dict:
        """The form's values for an existing edition (times in its own zone)."""
        return {
            "name": edition.name,
            "name_zh": edition.name_zh,
            "slug": edition.slug,
            "reference_prefix": edition.reference_prefix,
            "timezone": edition.timezone,
            "call_opens_at": localtime.wall_clock(edition.call_opens_at, edition),
            "entry_deadline": localtime.wall_clock(edition.entry_deadline, edition),
            "first_day": edition.first_day,
            "last_day": edition.last_day,
            "formats": list(edition.formats or []),
            "terms": edition.terms,
            "terms_zh": edition.terms_zh,
            "contact_email": edition.contact_email,
        }


class CopyForm(EditionForm):
    with_panel_members = BooleanField(_l("Copy the panels with their members"))


class HolidayForm(CleanForm):
    day = DateField(_l("Day"), validators=[InputRequired()])
    name = NameField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    name_zh = NameField(_l("Chinese name"), validators=[Length(max=120)])
    kind = SelectField(
        _l("Kind"),
        choices=choices((k.value, HOLIDAY_KIND_LABELS[k]) for k in HolidayKind),
        default=HolidayKind.HOLIDAY.value,
    )


_HOUR_LINE = re.compile(r"^(\d{2}:\d{2})\s*[-–]\s*(\d{2}:\d{2})\s+([0-9.]+)$")
_BREAK_LINE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})\s*(?:[-–]|to|至)\s*(\d{4}-\d{2}-\d{2})\s+([0-9.]+)(?:\s+(.*))?$"
)


def _number(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError
    return value


class _ParsedLines(TextAreaField):
    """Lines of text read by ``parse_line``; ``parsed`` holds the values after validation."""

    parsed: list = []
    example = ""

    def parse_line(self, line: str):
        raise NotImplementedError

    def pre_validate(self, form) -> None:
        parsed = []
        for number, line in enumerate((self.data or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            try:
                parsed.append(self.parse_line(line))
            except ValueError:
                raise ValidationError(
                    _l(
                        "Line %(number)s: “%(line)s” is not like “%(example)s”.",
                        number=number,
                        line=line[:60],
                        example=self.example,
                    )  # fmt: skip
                ) from None
        self.parsed = parsed


class HourRangesField(_ParsedLines):
    """Hour ranges with their weight, one a line: ``09:00-11:00 0.7``."""

    example = "09:00-11:00 0.7"

    def parse_line(self, line: str):
        match = _HOUR_LINE.match(line)
        if not match:
            raise ValueError
        start, end = match.group(1), match.group(2)
        for clock in (start, end):
            hours, minutes = int(clock[:2]), int(clock[3:])
            if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
                raise ValueError
        return (start, end, _number(match.group(3)))


class BreaksField(_ParsedLines):
    """School breaks with their weight, one a line: ``2027-07-10 - 2027-08-31 1.3 Summer holidays``."""

    example = "2027-07-10 - 2027-08-31 1.3 Summer holidays"

    def parse_line(self, line: str):
        match = _BREAK_LINE.match(line)
        if not match:
            raise ValueError
        first, last = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
        return Break(first, last, _number(match.group(3)), (match.group(4) or "").strip()[:80])


class DemandForm(CleanForm):
    mon = FiniteFloatField(WEEKDAY_LABELS["mon"], validators=[InputRequired()])
    tue = FiniteFloatField(WEEKDAY_LABELS["tue"], validators=[InputRequired()])
    wed = FiniteFloatField(WEEKDAY_LABELS["wed"], validators=[InputRequired()])
    thu = FiniteFloatField(WEEKDAY_LABELS["thu"], validators=[InputRequired()])
    fri = FiniteFloatField(WEEKDAY_LABELS["fri"], validators=[InputRequired()])
    sat = FiniteFloatField(WEEKDAY_LABELS["sat"], validators=[InputRequired()])
    sun = FiniteFloatField(WEEKDAY_LABELS["sun"], validators=[InputRequired()])
    holiday_weight = FiniteFloatField(_l("Public holidays"), validators=[InputRequired()])
    workday_weight = FiniteFloatField(_l("Make-up working days"), validators=[InputRequired()])
    hours = HourRangesField(_l("Hour weights"), validators=[Length(max=2000)])
    breaks = BreaksField(_l("School breaks"), validators=[Length(max=4000)])
    shortfall_cost = IntegerField(
        _l("Cost of a missing screening"), validators=[InputRequired(), NumberRange(min=0, max=1_000_000_000)]
    )
    move_cost = IntegerField(
        _l("Cost of moving a published screening"),
        validators=[InputRequired(), NumberRange(min=0, max=1_000_000_000)],
    )

    def weekday_fields(self):
        return [getattr(self, key) for key in WEEKDAYS]

    @classmethod
    def of(cls, settings) -> dict:
        return {
            **settings.day,
            "holiday_weight": settings.holiday_weight,
            "workday_weight": settings.workday_weight,
            "hours": "\n".join(f"{a}-{b} {w:g}" for a, b, w in settings.hours),
            "breaks": "\n".join(
                f"{b.first} - {b.last} {b.weight:g} {b.name}".rstrip() for b in settings.breaks
            ),
            "shortfall_cost": settings.shortfall_cost,
            "move_cost": settings.move_cost,
        }

    def settings(self):
        return DemandSettings(
            day={key: getattr(self, key).data for key in WEEKDAYS},
            hours=list(self.hours.parsed),
            holiday_weight=self.holiday_weight.data,
            workday_weight=self.workday_weight.data,
            breaks=list(self.breaks.parsed),
            shortfall_cost=self.shortfall_cost.data,
            move_cost=self.move_cost.data,
        )


_TRANSIT_LINE = re.compile(r"^([a-z0-9][a-z0-9_-]{0,39})[\s,;]+([a-z0-9][a-z0-9_-]{0,39})[\s,;]+(\d{1,4})$")


class TransitPairsField(_ParsedLines):
    """Transit days between two cities, one pair a line: ``beijing hefei 2``."""

    example = "beijing hefei 2"

    def parse_line(self, line: str):
        match = _TRANSIT_LINE.match(line.lower())
        if not match:
            raise ValueError
        return (match.group(1), match.group(2), int(match.group(3)))


class TransitForm(CleanForm):
    default = IntegerField(
        _l("Days between two cities"), validators=[InputRequired(), NumberRange(min=0, max=366)]
    )
    pairs = TransitPairsField(_l("Other days for some pairs of cities"), validators=[Length(max=4000)])


class PrintsForm(CleanForm):
    """How many prints a film has (empty: digital) and where each one is when the window opens (``starts``:
    one venue choice per print, 0 = not known; the view gives the choices and shows at least three)."""

    prints = IntegerField(_l("Prints"), validators=[Optional(), NumberRange(min=1, max=20)])
    starts = FieldList(SelectField(_l("Where it is when the window opens"), coerce=int), max_entries=20)

    def start_venues(self) -> dict[int, int | None]:
        """Print number -> venue id (None: not known), for the prints the film has."""
        count = self.prints.data or 0
        return {n: (f.data or None) for n, f in enumerate(self.starts, start=1) if n <= count}


class OnlineForm(CleanForm):
    """The online edition: hybrid or online only, the channels, their window and tickets, what streams."""

    mode = SelectField(
        _l("Rooms"),
        choices=choices([("hybrid", _l("Hybrid: the rooms stay open, the channels add online windows")),
                         ("online", _l("Online only: the rooms close for the whole window"))]),
        default="hybrid",
    )  # fmt: skip
    channels = IntegerField(
        _l("Channels (streams at once)"), default=2, validators=[InputRequired(), NumberRange(min=1, max=20)]
    )
    window_hours = IntegerField(
        _l("Window (hours a ticket holder can watch)"), default=48,
        validators=[InputRequired(), NumberRange(min=1, max=336)],
    )  # fmt: skip
    tickets = IntegerField(
        _l("Tickets per window"), default=1000, validators=[InputRequired(), NumberRange(min=1, max=100_000)]
    )
    stream_formats = MultiCheckboxField(
        _l("Formats that can stream"),
        choices=choices((f.value, FORMAT_LABELS[f]) for f in FilmFormat),
        default=[f.value for f in FilmFormat if f != FilmFormat.FOUR_D],
    )
