"""How stored things are named on every page, in one wording: the labels of the stored choices (film
formats, premieres, audiences, event kinds) and a film's or event's titles in the visitor's language.

The entry form, the review, the venues, the timetable and the public programme all name a format the
same way; a label is looked up with ``label_of``, which never raises for an unknown value.
"""

from __future__ import annotations

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from festival.models import Entry, Event
from festival.models.enums import (
    Audience,
    EditionStatus,
    EventKind,
    FilmFormat,
    HolidayKind,
    PremiereStatus,
    RegistrationStatus,
    Role,
    SpeakerStatus,
    ranked,
)

FORMAT_LABELS = {
    FilmFormat.DOME: _l("Fulldome (planetarium)"),
    FilmFormat.GIANT_SCREEN: _l("Giant screen"),
    FilmFormat.FOUR_D: _l("4D"),
    FilmFormat.DOCUMENTARY: _l("Documentary"),
    FilmFormat.SCIFI: _l("Science fiction"),
}
PREMIERE_LABELS = {
    PremiereStatus.WORLD: _l("World premiere"),
    PremiereStatus.ASIAN: _l("Asian premiere"),
    PremiereStatus.CHINA: _l("China premiere"),
    PremiereStatus.NONE: _l("Not a premiere"),
}
AUDIENCE_LABELS = {
    Audience.CHILDREN: _l("Children"),
    Audience.FAMILIES: _l("Families"),
    Audience.GENERAL: _l("General audience"),
    Audience.SCHOOL_GROUPS: _l("School groups"),
}
EVENT_KIND_LABELS = {
    EventKind.FORUM: _l("Forum session"),
    EventKind.TALK: _l("Talk"),
    EventKind.PANEL: _l("Panel"),
    EventKind.WORKSHOP: _l("Workshop"),
    EventKind.ASTRONOMY_CLASS: _l("Astronomy class"),
    EventKind.CEREMONY: _l("Ceremony"),
    EventKind.EXHIBITION_OPENING: _l("Exhibition opening"),
    EventKind.OPENING_CEREMONY: _l("Opening ceremony"),
    EventKind.AWARD_CEREMONY: _l("Award ceremony"),
    EventKind.MAINTENANCE: _l("Maintenance"),
    EventKind.OTHER: _l("Other"),
}
SPEAKER_STATUS_LABELS = {
    SpeakerStatus.INVITED: _l("invited"),
    SpeakerStatus.CONFIRMED: _l("confirmed"),
    SpeakerStatus.DECLINED: _l("declined"),
}
REGISTRATION_LABELS = {
    RegistrationStatus.CONFIRMED: _l("Registered"),
    RegistrationStatus.WAITING: _l("On the waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}


ROLE_LABELS = {
    Role.FILMMAKER: _l("filmmaker"),
    Role.CURATOR: _l("curator"),
    Role.STAFF: _l("staff"),
    Role.ADMIN: _l("admin"),
    Role.VENUE_MANAGER: _l("venue manager"),
    Role.VISITOR: _l("visitor"),
}


EDITION_STATE_LABELS = {
    EditionStatus.DRAFT: _l("Draft"),
    EditionStatus.CALL_OPEN: _l("Call open"),
    EditionStatus.REVIEW: _l("Call closed: review"),
    EditionStatus.PROGRAMMING: _l("Programming"),
    EditionStatus.PUBLISHED: _l("Programme published"),
    EditionStatus.ARCHIVED: _l("Archived"),
}

HOLIDAY_KIND_LABELS = {
    HolidayKind.HOLIDAY: _l("Public holiday"),
    HolidayKind.WORKDAY: _l("Make-up working day"),
}


# The alliance's cities by key (``Venue.city``): a venue in a city not listed here is named by its key
CITY_LABELS = {
    "beijing": _l("Beijing"),
    "tianjin": _l("Tianjin"),
    "shanghai": _l("Shanghai"),
    "hefei": _l("Hefei"),
    "guangzhou": _l("Guangzhou"),
    "shenzhen": _l("Shenzhen"),
    "chengdu": _l("Chengdu"),
    "chongqing": _l("Chongqing"),
    "wuhan": _l("Wuhan"),
    "nanjing": _l("Nanjing"),
    "hangzhou": _l("Hangzhou"),
    "xian": _l("Xi'an"),
    "harbin": _l("Harbin"),
    "kunming": _l("Kunming"),
}


def city_label(key: str | None) -> str:
    """A city key's name in the visitor's language (the key itself for a city not in CITY_LABELS; '' for
    none, the edition's one city)."""
    return label_of(CITY_LABELS, key or None)


def city_names(key: str | None) -> dict | None:
    """A city key with its names in both languages (for the API); None for none."""
    if not key:
        return None
    with force_locale("en"):
        name = city_label(key)
    with force_locale("zh"):
        name_zh = city_label(key)
    return {"key": key, "name": name, "name_zh": name_zh}


def role_words(roles) -> str:
    """Roles in words, the highest first ("staff, curator"); unknown names as they are; '' for none."""
    return ", ".join(str(ROLE_LABELS[r]) for r in ranked(roles))


def role_labels(user) -> str:
    """A user's roles in words, the highest first; empty for none."""
    return role_words(user.roles)


def label_of(labels: dict, value) -> str:
    """The label of a stored choice, or the value itself when unknown (never raises)."""
    if value is None:
        return ""
    return str(labels.get(value, value))


def format_label(value) -> str:
    """A film format's label on every page ('' for none, the stored value itself when unknown)."""
    return label_of(FORMAT_LABELS, value)


def film_title(entry: Entry) -> str:
    """The film's Chinese title for Chinese visitors when it has one, else its display title."""
    if str(get_locale()) == "zh" and entry.title_zh:
        return entry.title_zh
    return entry.display_title


def other_title(entry: Entry) -> str | None:
    """The title in the other language, when it differs (shown under the main one)."""
    other = entry.display_title if str(get_locale()) == "zh" else entry.title_zh
    return other if other and other != film_title(entry) else None


def event_title(event: Event) -> str:
    """An event's title in the visitor's language (the other language's, then its kind, when missing)."""
    zh = str(get_locale()) == "zh"
    first, second = (event.title_zh, event.title) if zh else (event.title, event.title_zh)
    return first or second or label_of(EVENT_KIND_LABELS, event.kind)


def event_description(event: Event) -> str:
    """An event's description in the visitor's language, else the other language's ('' when none)."""
    zh = str(get_locale()) == "zh"
    first, second = (
        (event.description_zh, event.description) if zh else (event.description, event.description_zh)
    )
    return first or second or ""
