"""Creating and changing editions: the settings, a copy of an earlier edition, the holiday list.

Every write flushes and records its audit event; views commit. The lifecycle is in
``festival.editions.lifecycle``, the demand settings in ``festival.editions.demand``.
"""

from __future__ import annotations

import copy as copy_module
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival import audit, localtime
from festival import venue_scope as scope
from festival.editions import demand, lifecycle
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import (
    Edition,
    EditionHoliday,
    Event,
    MailTemplate,
    Panel,
    PanelMember,
    RubricCriterion,
    Theater,
    TransitDays,
    User,
    Venue,
)
from festival.models.enums import EditionStatus, FilmFormat, HolidayKind
from festival.models.venue import COPIED_VENUE_FIELDS

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
PREFIX = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
MAX_DAYS = 366  # the scheduler's longest screening window (scheduler/read/limits.py)
SETTINGS = (
    "name", "name_zh", "slug", "reference_prefix", "timezone", "call_opens_at", "entry_deadline",
    "first_day", "last_day", "formats", "terms", "terms_zh", "contact_email",
)  # fmt: skip


@dataclass
class EditionValues:
    """What the edition form sends. Times are wall-clock times of the edition's time zone (naive)."""

    name: str
    slug: str
    reference_prefix: str
    entry_deadline: datetime
    first_day: date
    last_day: date
    name_zh: str | None = None
    timezone: str = localtime.DEFAULT_TIMEZONE
    call_opens_at: datetime | None = None
    formats: list[str] = field(default_factory=list)
    terms: str | None = None
    terms_zh: str | None = None
    contact_email: str | None = None


def _known_zone(name: str) -> bool:
    if name not in available_timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def errors_of(values: EditionValues, edition: Edition | None = None) -> dict[str, list[object]]:
    """The rules of an edition's settings, by field."""
    errors: dict[str, list[object]] = {}

    def add(name: str, message: object) -> None:
        errors.setdefault(name, []).append(message)

    if not SLUG.match(values.slug or ""):
        add("slug", _l("Lower-case letters, digits and hyphens, 2 to 63 characters, e.g. bjiff-12-st."))
    else:
        taken = sa.select(Edition.id).where(Edition.slug == values.slug)
        if edition is not None:
            taken = taken.where(Edition.id != edition.id)
        if db.session.scalar(taken) is not None:
            add("slug", _l("Another edition has this address already."))
    if not PREFIX.match(values.reference_prefix or ""):
        add(
            "reference_prefix",
            _l("Capital letters, digits and hyphens, up to 32 characters, e.g. BJIFF12-ST."),
        )
    if not _known_zone(values.timezone or ""):
        add("timezone", _l("Not a time zone of the tz database (e.g. Asia/Shanghai)."))
    if values.last_day < values.first_day:
        add("last_day", _l("The last screening day comes before the first."))
    elif (values.last_day - values.first_day).days + 1 > MAX_DAYS:
        add("last_day", _l("The screening window is longer than %(days)s days.", days=MAX_DAYS))
    if values.call_opens_at is not None and values.call_opens_at >= values.entry_deadline:
        add("call_opens_at", _l("The call must open before its deadline."))
    if values.entry_deadline.date() > values.last_day:
        add("entry_deadline", _l("The deadline must come before the end of the screening window."))
    unknown = [f for f in values.formats if f not in FilmFormat._value2member_map_]
    if unknown:
        add("formats", _l("Unknown format: %(formats)s.", formats=", ".join(unknown)))
    return errors


def _apply(edition: Edition, values: EditionValues) -> None:
    edition.name = values.name.strip()
    edition.name_zh = (values.name_zh or "").strip() or None
    edition.slug = values.slug
    edition.reference_prefix = values.reference_prefix
    edition.timezone = values.timezone
    edition.first_day = values.first_day
    edition.last_day = values.last_day
    edition.formats = list(values.formats)
    edition.terms = (values.terms or "").strip() or None
    edition.terms_zh = (values.terms_zh or "").strip() or None
    edition.contact_email = (values.contact_email or "").strip() or None
    # wall-clock times typed for the edition, read in its (possibly new) time zone
    edition.entry_deadline = localtime.from_local(values.entry_deadline, edition)
    edition.call_opens_at = (
        localtime.from_local(values.call_opens_at, edition) if values.call_opens_at else None
    )


def _snapshot(edition: Edition) -> dict:
    return {key: _plain(getattr(edition, key)) for key in SETTINGS}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def create_edition(values: EditionValues, *, actor: User) -> Edition:
    """A new, empty edition in draft (no venues, rubric or panels yet), with the default demand settings."""
    errors = errors_of(values)
    if errors:
        raise InvalidInput(errors=errors)
    edition = Edition(
        section="Science & Technology Section", section_zh="科技单元", status=EditionStatus.DRAFT
    )
    _apply(edition, values)
    edition.schedule_weights = demand.compose(edition, demand.DemandSettings())
    db.session.add(edition)
    db.session.flush()
    audit.record(edition, actor=actor, action="edition.create", new=_snapshot(edition))
    return edition


def update_edition(edition: Edition, values: EditionValues, *, actor: User) -> bool:
    """Change the settings; False when nothing changed. Archived editions are read-only."""
    lifecycle.require(edition, lifecycle.Action.EDIT)
    errors = errors_of(values, edition)
    if errors:
        raise InvalidInput(errors=errors)
    before = _snapshot(edition)
    _apply(edition, values)
    after = _snapshot(edition)
    if before == after:
        return False
    if (before["first_day"], before["last_day"]) != (after["first_day"], after["last_day"]):
        demand.recompose(edition)  # holidays and breaks outside the new window drop out
    db.session.flush()
    audit.record_changes(edition, actor=actor, action="edition.update", before=before, after=after)
    return True


# ---------------------------------------------------------------- holidays


def add_holiday(
    edition: Edition, *, day: date, name: str, name_zh: str | None, kind: HolidayKind, actor: User
) -> EditionHoliday:
    """Add a public holiday or a make-up working day; the demand weights follow."""
    lifecycle.require(edition, lifecycle.Action.EDIT)
    if any(h.day == day for h in edition.holidays):
        raise InvalidInput(errors={"day": [_l("%(day)s is in the list already.", day=day.isoformat())]})
    if not edition.first_day - timedelta(days=31) <= day <= edition.last_day + timedelta(days=31):
        raise InvalidInput(errors={"day": [_l("The day must lie in (or next to) the screening window.")]})
    holiday = EditionHoliday(day=day, name=name.strip(), name_zh=(name_zh or "").strip() or None, kind=kind)
    edition.holidays.append(holiday)
    demand.recompose(edition)
    db.session.flush()
    audit.record(
        edition, actor=actor, action="holiday.add", field="day", new=f"{day.isoformat()} {holiday.name}"
    )
    return holiday


def remove_holiday(holiday: EditionHoliday, *, actor: User) -> None:
    edition = holiday.edition
    lifecycle.require(edition, lifecycle.Action.EDIT)
    edition.holidays.remove(holiday)
    db.session.flush()
    demand.recompose(edition)
    audit.record(
        edition,
        actor=actor,
        action="holiday.remove",
        field="day",
        old=f"{holiday.day.isoformat()} {holiday.name}",
    )


# ---------------------------------------------------------------- copies


def week_shifts(source: Edition, first_day: date) -> list[timedelta]:
    """How far a weekly event may move from ``source``'s window to one starting on ``first_day``: a whole
    number of weeks (so it keeps its weekday), the nearest to the distance between the first days first."""
    days = (first_day - source.first_day).days
    below = days // 7
    above = below + (1 if days % 7 else 0)
    nearest = round(days / 7)
    return [timedelta(weeks=w) for w in dict.fromkeys((nearest, below, above))]


def split_blocks(edition: Edition) -> tuple[list[Event], list[Event]]:
    """The edition's placed events (blocks and public events) as (recurring, one-off): ``Event.recurring``
    marks an event that comes back every week (an astronomy class, a weekly maintenance); the others (a
    ceremony, a repair) are never copied blindly."""
    stmt = (
        sa.select(Event)
        .where(Event.edition_id == edition.id, Event.start.is_not(None))
        .order_by(Event.start, Event.id)
    )
    recurring, one_off = [], []
    for event in db.session.scalars(stmt):
        (recurring if event.recurring else one_off).append(event)
    return recurring, one_off


COPIED_EVENT_FIELDS = (
    "kind", "title", "title_zh", "description", "description_zh", "public", "recurring", "capacity",
    "registration_required", "audience", "language",
)  # fmt: skip


def _moved_blocks(source: Edition, edition: Edition, recurring: list[Event]) -> list[tuple[Event, Event]]:
    """(source event, its copy) for the recurring events moved by whole weeks into the new window (the
    shift that keeps the most of them inside it); those that still fall outside are left out."""
    first, last = localtime.day_range(edition.first_day, edition.last_day, edition)
    best: list[tuple[Event, Event]] = []
    for shift in week_shifts(source, edition.first_day):
        moved = []
        for event in recurring:
            start = localtime.from_local(localtime.wall_clock(event.start, source) + shift, edition)
            end = localtime.from_local(localtime.wall_clock(event.end, source) + shift, edition)
            if first <= start and end <= last:
                values = {name: getattr(event, name) for name in COPIED_EVENT_FIELDS}
                moved.append((event, Event(edition_id=edition.id, start=start, end=end, **values)))
        if len(moved) > len(best):
            best = moved
    return best


def one_off_blocks_not_copied(edition: Edition) -> list[Event]:
    """For an edition made as a copy: the source's one-off events, which staff enter anew if they recur."""
    if edition.copied_from is None:
        return []
    return split_blocks(edition.copied_from)[1]


@dataclass
class CopyReport:
    edition: Edition
    blocks_moved: int
    one_off: list[Event]


# the edition's own settings a copy keeps: what a short film is and how long a programme runs, the transit
# days between two cities without a pair of their own, the formats an online channel streams
COPIED_EDITION_FIELDS = (
    "shorts_threshold_minutes", "programme_min_minutes", "programme_max_minutes", "programme_gap_minutes",
    "transit_days_default", "stream_formats",
)  # fmt: skip


def copy_edition(
    source: Edition, values: EditionValues, *, with_panel_members: bool = False, actor: User
) -> CopyReport:
    """A new edition in draft made from ``source``: its settings (time zone, formats, terms, contact; the
    shorts settings, transit days and streamed formats, ``COPIED_EDITION_FIELDS``), venues with their weekly
    hours, city, partner flag and contact, and their venue managers' scope (``scope.copy_scope``), theaters
    (online channels with their window), the transit days between two cities, recurring events and blocks
    (``Event.recurring``) moved by whole weeks to the same weekdays of the new window (those that fall
    outside it are left out), rubric, panels (with their members only when asked), letter templates and
    demand settings (weekday and hour weights, the holiday and make-up working day weights, the two costs).

    Not copied, because they belong to one year: dated closures and special hours of the venues, one-off
    events (listed in the report and on the new edition's page), school breaks, the holiday list, entries,
    decisions, timetables, and so the shorts programmes (they group the year's entries)."""
    values.timezone = values.timezone or source.timezone
    errors = errors_of(values)
    if errors:
        raise InvalidInput(errors=errors)
    edition = Edition(
        section=source.section,
        section_zh=source.section_zh,
        status=EditionStatus.DRAFT,
        copied_from_id=source.id,
    )
    _apply(edition, values)
    for name in COPIED_EDITION_FIELDS:
        setattr(edition, name, copy_module.deepcopy(getattr(source, name)))
    settings = demand.DemandSettings.of(source)
    settings.breaks = []
    edition.demand = {
        "holiday_weight": settings.holiday_weight,
        "workday_weight": settings.workday_weight,
        "breaks": [],
    }
    edition.criteria = [
        RubricCriterion(
            key=c.key,
            label=c.label,
            label_zh=c.label_zh,
            weight=c.weight,
            min_score=c.min_score,
            max_score=c.max_score,
            position=c.position,
        )  # fmt: skip
        for c in source.criteria
    ]
    db.session.add(edition)
    db.session.flush()
    edition.schedule_weights = demand.compose(edition, settings)

    recurring, one_off = split_blocks(source)
    moved_events = _moved_blocks(source, edition, recurring)
    new_theaters: dict[int, Theater] = {}
    moved = 0
    venue_copies: list[tuple[Venue, Venue]] = []
    for venue in db.session.scalars(sa.select(Venue).where(Venue.edition_id == source.id).order_by(Venue.id)):
        copy = Venue(
            edition_id=edition.id, closed_dates=[], special_hours={},
            **{name: copy_module.deepcopy(getattr(venue, name)) for name in COPIED_VENUE_FIELDS},
        )  # fmt: skip
        venue_copies.append((venue, copy))
        for theater in venue.theaters:
            new_theater = Theater(
                code=theater.code, name=theater.name, name_zh=theater.name_zh, seats=theater.seats,
                formats=list(theater.formats), features=list(theater.features),
                changeover_minutes=theater.changeover_minutes, start_step_minutes=theater.start_step_minutes,
                position=theater.position, online=theater.online, window_minutes=theater.window_minutes,
            )  # fmt: skip
            new_theaters[theater.id] = new_theater
            copy.theaters.append(new_theater)
        db.session.add(copy)
    db.session.flush()
    scope.copy_scope(venue_copies)
    pairs = sa.select(TransitDays).where(TransitDays.edition_id == source.id).order_by(TransitDays.id)
    for pair in db.session.scalars(pairs):
        db.session.add(
            TransitDays(edition_id=edition.id, city_a=pair.city_a, city_b=pair.city_b, days=pair.days)
        )
    for event, moved_event in moved_events:
        if event.theater_id is not None:
            if event.theater_id not in new_theaters:
                continue
            moved_event.theater_id = new_theaters[event.theater_id].id
        db.session.add(moved_event)
        moved += 1
    for panel in db.session.scalars(sa.select(Panel).where(Panel.edition_id == source.id).order_by(Panel.id)):
        new_panel = Panel(edition_id=edition.id, name=panel.name, format=panel.format)
        if with_panel_members:
            new_panel.members = [PanelMember(user_id=m.user_id, is_lead=m.is_lead) for m in panel.members]
        db.session.add(new_panel)
    templates = sa.select(MailTemplate).where(MailTemplate.edition_id == source.id).order_by(MailTemplate.id)
    for template in db.session.scalars(templates):
        db.session.add(
            MailTemplate(
                edition_id=edition.id,
                kind=template.kind,
                language=template.language,
                subject=template.subject,
                body=template.body,
                updated_by_id=actor.id,
            )  # fmt: skip
        )
    db.session.flush()
    audit.record(edition, actor=actor, action="edition.copy", field="copied_from", new=source.name)
    return CopyReport(edition, moved, one_off)
