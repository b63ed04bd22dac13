"""Shapes of the event forms (the rules of an event's time and place live in services.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from festival import localtime
from festival.formtools import CleanForm, NameField, choices
from festival.labels import AUDIENCE_LABELS, EVENT_KIND_LABELS
from festival.models.enums import Audience, EventKind

TIME_FORMAT = "%Y-%m-%dT%H:%M"
TIMES = ("start", "end", "window_start", "window_end")


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class EventForm(CleanForm):
    kind = SelectField(
        _l("Kind"), choices=choices((k.value, EVENT_KIND_LABELS[k]) for k in EventKind), default="forum"
    )
    title = NameField(_l("Title"), validators=[Optional(), Length(max=200)])
    title_zh = NameField(_l("Title in Chinese"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    description_zh = TextAreaField(_l("Description in Chinese"), validators=[Optional(), Length(max=5000)])
    theater_id = SelectField(_l("Theater"), coerce=_optional_int, validate_choice=True)
    start = DateTimeLocalField(_l("Starts"), format=TIME_FORMAT, validators=[Optional()])
    end = DateTimeLocalField(_l("Ends"), format=TIME_FORMAT, validators=[Optional()])
    window_start = DateTimeLocalField(_l("Window opens"), format=TIME_FORMAT, validators=[Optional()])
    window_end = DateTimeLocalField(_l("Window closes"), format=TIME_FORMAT, validators=[Optional()])
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), validators=[Optional(), NumberRange(min=1, max=24 * 60)]
    )
    public = BooleanField(_l("Public (on the programme)"), default=True)
    recurring = BooleanField(_l("Recurring (copied to the next edition on the same weekday)"))
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=1, max=100000)])
    registration_required = BooleanField(_l("Visitors register for it"))
    audience = SelectField(
        _l("Audience"),
        choices=choices([("", _l("Everyone")), *((a.value, AUDIENCE_LABELS[a]) for a in Audience)]),
        default="",
    )
    language = StringField(_l("Language"), validators=[Optional(), Length(max=40)])
    entry_id = SelectField(_l("Film shown right before it"), coerce=_optional_int, validate_choice=True)

    def __init__(self, *args, theaters=(), films=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.theater_id.choices = choices([("", _l("No theater")), *theaters])
        self.entry_id.choices = choices([("", _l("None")), *films])

    @classmethod
    def data_of(cls, event, edition) -> dict:
        """Initial data for editing an event, its times as local wall-clock of the edition."""
        data = {
            name: getattr(event, name)
            for name in ("title", "title_zh", "description", "description_zh", "theater_id",
                         "duration_minutes", "public", "recurring", "capacity", "registration_required",
                         "language", "entry_id")
        }  # fmt: skip
        data["kind"] = event.kind.value
        data["audience"] = event.audience.value if event.audience else ""
        for name in TIMES:
            data[name] = localtime.wall_clock(getattr(event, name), edition)
        return data

    def values(self) -> dict:
        """The values for the services (naive local datetimes; the service attaches the timezone)."""
        text = {name: (getattr(self, name).data or "").strip() or None for name in
                ("title", "title_zh", "description", "description_zh", "language")}  # fmt: skip
        return {
            **text,
            "kind": EventKind(self.kind.data),
            "theater_id": self.theater_id.data,
            **{name: getattr(self, name).data for name in TIMES},
            "duration_minutes": self.duration_minutes.data,
            "public": self.public.data,
            "recurring": self.recurring.data,
            "capacity": self.capacity.data,
            "registration_required": self.registration_required.data,
            "audience": Audience(self.audience.data) if self.audience.data else None,
            "entry_id": self.entry_id.data,
        }
