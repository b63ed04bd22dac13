"""Events and blocks: every write, and the rules of an event's time and place.

A block is an event that is not public (``add_blocks``, ``update_block``, ``delete_block``: the venue
pages); programme events are written by ``create_event`` / ``update_event`` / ``delete_event`` (the
events pages). Both keep their theater from films while they last (the adapter's ``unavailable``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival import localtime
from festival.audit import record, record_changes
from festival.editions import out_of_reach
from festival.errors import InvalidInput, NotAllowed
from festival.events import speakers
from festival.extensions import db
from festival.models import Edition, Entry, Event, Theater, User, Venue
from festival.models.enums import EventKind, Role
from festival.venue_scope import can_manage_venue

EVENT_FIELDS = (
    "theater_id", "kind", "title", "title_zh", "description", "description_zh", "start", "end",
    "window_start", "window_end", "duration_minutes", "public", "recurring", "capacity",
    "registration_required", "audience", "language", "entry_id",
)  # fmt: skip


def _aware(edition: Edition, value: datetime | None) -> datetime | None:
    """A typed local wall-clock time of the edition (whole minutes) as an aware instant; an aware time is
    one already."""
    if value is None or value.tzinfo is not None:
        return value
    return localtime.from_local(value.replace(second=0, microsecond=0), edition)


def aware_period(
    edition: Edition, start: datetime, end: datetime, *, fields: tuple[str, str] = ("start", "end")
) -> tuple[datetime, datetime]:
    """A period typed in the edition's local time as aware instants, checked: it ends after it starts and
    lies within reach of the screening window. Raises InvalidInput naming ``fields``."""
    start, end = _aware(edition, start), _aware(edition, end)
    errors: dict[str, list] = {}
    if end <= start:
        errors[fields[1]] = [_l("It must end after it starts.")]
    for name, value in zip(fields, (start, end), strict=True):
        if message := out_of_reach(edition, value):
            errors.setdefault(name, []).append(message)
    if errors:
        raise InvalidInput(errors=errors)
    return start, end


def _values(event: Event) -> dict:
    """An event's stored values, as the audit trail keeps them."""
    out = {}
    for name in EVENT_FIELDS:
        value = getattr(event, name)
        out[name] = value.isoformat() if isinstance(value, datetime) else getattr(value, "value", value)
    return out


# ---------------------------------------------------------------- blocks (events that are not public)


def add_blocks(
    theaters: list[Theater],
    *,
    actor: User | None,
    kind: EventKind,
    label: str | None,
    start: datetime,
    end: datetime,
) -> list[Event]:
    """Block the same period in one or more theaters of one venue: one event that is not public per
    theater. Raises InvalidInput."""
    if not theaters:
        raise InvalidInput(errors={"theaters": [_l("Tick at least one theater.")]})
    if len({t.venue_id for t in theaters}) != 1:
        raise InvalidInput(errors={"theaters": [_l("The theaters must belong to the same venue.")]})
    _require_scope(actor, theaters[0])
    edition = db.session.get(Edition, theaters[0].venue.edition_id)
    start, end = aware_period(edition, start, end)
    blocks = [
        Event(
            edition_id=edition.id, theater_id=t.id, kind=kind, title=label, start=start, end=end, public=False
        )
        for t in theaters
    ]
    db.session.add_all(blocks)
    db.session.flush()
    for block in blocks:
        record(block, actor=actor, action="block.create", new=_values(block))
    return blocks


def update_block(
    block: Event,
    *,
    actor: User | None,
    theater: Theater,
    kind: EventKind,
    label: str | None,
    start: datetime,
    end: datetime,
) -> Event:
    """Change a block (it may move to another theater of the same venue). Raises InvalidInput."""
    if block.theater is None or theater.venue_id != block.theater.venue_id:
        raise InvalidInput(errors={"theaters": [_l("The theaters must belong to the same venue.")]})
    _require_scope(actor, block.theater)
    edition = db.session.get(Edition, block.edition_id)
    start, end = aware_period(edition, start, end)
    before = _values(block)
    block.theater_id, block.kind, block.title, block.start, block.end = theater.id, kind, label, start, end
    db.session.flush()
    db.session.refresh(block)
    record_changes(block, actor=actor, action="block.update", before=before, after=_values(block))
    return block


def delete_block(block: Event, *, actor: User | None) -> None:
    """Remove a block (or any event, from the venue's page)."""
    delete_event(block, actor=actor, action="block.delete")


# ---------------------------------------------------------------- events


def _theater_of(edition: Edition, theater_id: int | None) -> Theater | None:
    if theater_id is None:
        return None
    theater = db.session.get(Theater, theater_id)
    if theater is None or db.session.get(Venue, theater.venue_id).edition_id != edition.id:
        raise InvalidInput(errors={"theater_id": [_l("Choose a theater of this edition.")]})
    return theater


def _entry_of(edition: Edition, entry_id: int | None) -> Entry | None:
    if entry_id is None:
        return None
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.edition_id != edition.id:
        raise InvalidInput(errors={"entry_id": [_l("Choose a film of this edition.")]})
    return entry


def _require_scope(actor: User | None, *theaters: Theater | None) -> None:
    """Staff place events anywhere; anyone else (a venue manager) only in the theaters of their venues
    (``can_manage_venue``), and never leaves one without a theater. Raises InvalidInput, NotAllowed."""
    if actor is None or actor.has_role(Role.STAFF):
        return
    if any(t is None for t in theaters):
        raise InvalidInput(errors={"theater_id": [_l("Choose a theater of your venues.")]})
    if not all(can_manage_venue(actor, t.venue) for t in theaters):
        raise NotAllowed(_l("You may only change events and blocks in your venues."))


def _checked(edition: Edition, event: Event | None, values: dict) -> dict:
    """The event's values with aware times, checked together; InvalidInput names each field at fault."""
    values = dict(values)
    errors: dict[str, list] = {}

    def refuse(field: str, message) -> None:
        errors.setdefault(field, []).append(message)

    theater = _theater_of(edition, values.get("theater_id"))
    entry = _entry_of(edition, values.get("entry_id"))
    if entry is not None and theater is None:
        refuse("theater_id", _l("A film screened right before the event needs the event's theater."))
    elif entry is not None and entry.format is not None and entry.format.value not in (theater.formats or []):
        refuse("entry_id", _l("%(theater)s cannot show this film's format.", theater=theater.name))
    if values.get("public") and not (values.get("title") or values.get("title_zh")):
        refuse("title", _l("A public event needs a title (in English or Chinese)."))
    start, end = values.get("start"), values.get("end")
    window_start, window_end = values.get("window_start"), values.get("window_end")
    if (start is None) != (end is None):
        refuse("end" if start is not None else "start", _l("Give both the start and the end, or neither."))
    if start is not None and end is not None:
        try:
            values["start"], values["end"] = aware_period(edition, start, end)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if (window_start is None) != (window_end is None):
        field = "window_end" if window_start is not None else "window_start"
        refuse(field, _l("Give both ends of the window, or neither."))
    if window_start is not None and window_end is not None:
        try:
            values["window_start"], values["window_end"] = aware_period(
                edition, window_start, window_end, fields=("window_start", "window_end")
            )
        except InvalidInput as exc:
            errors.update(exc.errors)
    if start is None and window_start is None and "start" not in errors:
        refuse("start", _l("Give the event a time, or a window in which staff will place it."))
    if start is None and window_start is not None and not values.get("duration_minutes"):
        refuse("duration_minutes", _l("Say how long the event lasts, to place it in its window later."))
    if (
        not errors
        and values["start"] is not None
        and values["window_start"] is not None
        and (values["start"] < values["window_start"] or values["end"] > values["window_end"])
    ):
        refuse("start", _l("The time must lie within the event's window."))
    if (
        not errors
        and values["start"] is None
        and values["window_end"] - values["window_start"] < timedelta(minutes=values["duration_minutes"])
    ):
        refuse("duration_minutes", _l("The event is longer than its window."))
    capacity = values.get("capacity")
    if values.get("registration_required") and not capacity:
        refuse("capacity", _l("An event with registration needs a capacity."))
    if capacity and theater is not None and capacity > theater.seats:
        refuse("capacity", _l("The theater has %(n)s seats; the capacity cannot be larger.", n=theater.seats))
    if capacity is not None and event is not None and capacity < event.seats_taken:
        refuse(
            "capacity",
            _l("%(n)s visitors hold a seat already; the capacity cannot be smaller.", n=event.seats_taken),
        )
    if errors:
        raise InvalidInput(errors=errors)
    return values


def create_event(edition: Edition, *, actor: User | None, **values) -> Event:
    """Add an event to an edition (values: ``EVENT_FIELDS``, times as local wall-clock or aware). Raises
    InvalidInput naming each field at fault."""
    values = _checked(edition, None, {name: values.get(name) for name in EVENT_FIELDS})
    _require_scope(actor, _theater_of(edition, values["theater_id"]))
    event = Event(edition_id=edition.id, **values)
    db.session.add(event)
    db.session.flush()
    record(event, actor=actor, action="event.create", new=_values(event))
    return event


def update_event(event: Event, *, actor: User | None, **values) -> Event:
    """Change an event (the values ``create_event`` takes; those not given stay). Raises InvalidInput."""
    edition = db.session.get(Edition, event.edition_id)
    merged = {name: values.get(name, getattr(event, name)) for name in EVENT_FIELDS}
    merged = _checked(edition, event, merged)
    _require_scope(actor, event.theater, _theater_of(edition, merged["theater_id"]))
    before = _values(event)
    for name, value in merged.items():
        setattr(event, name, value)
    db.session.flush()
    db.session.refresh(event)
    speakers.check_event_speakers(event)  # a speaker may now be double-booked: refused, nothing kept
    record_changes(event, actor=actor, action="event.update", before=before, after=_values(event))
    return event


def delete_event(event: Event, *, actor: User | None, action: str = "event.delete") -> None:
    """Remove an event with its speakers' parts and its registrations (a venue manager: in their venues)."""
    _require_scope(actor, event.theater)
    record(event, actor=actor, action=action, old=_values(event))
    db.session.delete(event)
    db.session.flush()


# ---------------------------------------------------------------- copying to another edition


def week_shift(source: Edition, target: Edition) -> timedelta:
    """How far an event moves from ``source`` to ``target``: the whole weeks between their first days, so
    that it keeps its weekday (and its wall-clock time)."""
    return timedelta(weeks=round((target.first_day - source.first_day).days / 7))


def copy_recurring_events(
    source: Edition, target: Edition, theaters: dict[int, int], *, actor: User | None
) -> tuple[list[Event], list[Event]]:
    """Copy the source edition's recurring events into ``target`` on the same weekdays (``week_shift``),
    in the copied theaters (``theaters``: source theater id -> target theater id); returns the copies and
    the one-off events left behind (for staff to add again if they recur after all). Speakers and
    registrations are not copied; a copy whose time falls out of reach of the new window stays behind."""
    shift = week_shift(source, target)
    copies, left = [], []
    stmt = sa.select(Event).where(Event.edition_id == source.id).order_by(Event.start, Event.id)
    for event in db.session.scalars(stmt):
        if not event.recurring or event.start is None or event.theater_id not in theaters:
            left.append(event)
            continue
        start, end = (
            localtime.from_local(localtime.wall_clock(moment, source) + shift, target)
            for moment in (event.start, event.end)
        )
        if out_of_reach(target, start) or out_of_reach(target, end):
            left.append(event)
            continue
        values = {name: getattr(event, name) for name in EVENT_FIELDS}
        values.update(theater_id=theaters[event.theater_id], start=start, end=end, entry_id=None)
        values.update(window_start=None, window_end=None)
        copy = Event(edition_id=target.id, **values)
        db.session.add(copy)
        copies.append(copy)
    db.session.flush()
    for copy in copies:
        record(copy, actor=actor, action="event.copy", new=_values(copy))
    return copies, left
