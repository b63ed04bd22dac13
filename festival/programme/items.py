"""The published programme as generic items: what the schedule feeds (and later the apps' other
readers) are built from.

An item is a screening of a film in a theater, or a public event (a forum session, a talk: kind
"event") in its room. An item only says when, where, what and for whom, so other kinds slot in beside
them without touching the feeds: a streaming window (issue 17) is one whose place is its online
channel. Each kind has one function here that turns its rows into items (``screening_items``,
``event_items``).

Identity: an item's ``key`` names what it is (the film, the theater and the start for a screening),
never a row id, because a publication copies every screening into new rows. The key, the site's
base address and the edition's slug give the item's guid, so an unchanged screening keeps its guid
(and the integer id derived from it) in every version.
"""

from __future__ import annotations

import math
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from babel import Locale
from flask_babel import force_locale
from slugify import slugify

from festival.labels import (
    EVENT_KIND_LABELS,
    FORMAT_LABELS,
    city_label,
    event_description,
    event_title,
    film_title,
    other_title,
)
from festival.models import Entry, Event, Screening, Speaker, Theater
from festival.navigation import localized
from festival.programme.queries import public_films

SLUG_LENGTH = 60
# spoken-language names that Babel's list of language names does not know, as written on entry forms
LANGUAGE_ALIASES = {"mandarin": "zh", "普通话": "zh", "汉语": "zh", "国语": "zh", "华语": "zh"}
# a director field may name several people: "A, B", "A; B", "A、B", "A & B", "A and B", "A / B"
PERSON_SEPARATORS = re.compile(r"\s*[,;、/&，；]\s*|\s+and\s+")


@dataclass(frozen=True)
class Place:
    """Where items happen: a theater today; a room of an event or an online channel later."""

    key: str  # stable within the edition: "theater/12"
    name: str
    order: tuple  # places are listed in this order
    capacity: int | None = None
    venue: str | None = None  # the venue's name, in the feed's language
    city: str | None = None  # the venue's city in words (None: the edition's one city)


@dataclass(frozen=True)
class Link:
    url: str
    title: str
    kind: str = "web"  # the c3voc link types: web, media, related, ...


@dataclass(frozen=True)
class ProgrammeItem:
    """One thing in the programme, in the feed's language."""

    key: str  # what the item is, stable across publications: "screening/e12/t3/20210402T0200Z"
    kind: str  # "screening" or "event"
    start: datetime  # aware
    end: datetime  # aware
    place: Place
    title: str
    subtitle: str | None  # the title in the other language
    type: str  # the film's format, or the event's kind
    track: str
    language: str | None  # language codes, "en" or "en, zh"
    abstract: str
    description: str
    persons: tuple[str, ...]
    url: str | None  # the item's public page
    links: tuple[Link, ...]
    slug: str  # readable ASCII words of the title: "galaxy-journey"


def guid(base_url: str, edition_slug: str, key: str) -> str:
    """The UUID of an item or place: derived from the site's address, the edition and what it is
    (its key), so it stays the same while the item does (a name-based UUID, RFC 4122 version 5)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url.rstrip('/')}/programme/{edition_slug}#{key}"))


def screening_key(screening: Screening) -> str:
    """What a screening is: its film (or shorts programme), its theater and its start (UTC); row ids
    change on publication."""
    start = screening.start.astimezone(UTC)
    what = f"p{screening.programme_id}" if screening.programme_id is not None else f"e{screening.entry_id}"
    return f"screening/{what}/t{screening.theater_id}/{start.strftime('%Y%m%dT%H%MZ')}"


def theater_places(theaters: Sequence[Theater]) -> dict[int, Place]:
    """A place per theater, named in the current language with its venue and city: a name two venues
    share gets its venue's ("Dome (Hefei Museum)"), and when the theaters are in more than one city every
    name gets its venue's and its city's ("Dome (Hefei Museum, Hefei)"), so a room of a feed says where."""
    names = {t.id: localized(t, "name") for t in theaters}
    shared = {name for name, count in Counter(names.values()).items() if count > 1}
    cities = {t.venue.city for t in theaters}

    def name(t: Theater) -> str:
        if len(cities) > 1:
            return f"{names[t.id]} ({localized(t.venue, 'name')}, {city_label(t.venue.city)})"
        return f"{names[t.id]} ({localized(t.venue, 'name')})" if names[t.id] in shared else names[t.id]

    return {
        t.id: Place(
            key=f"theater/{t.id}",
            name=name(t),
            order=(t.venue_id, t.position, t.id),
            capacity=t.seats,
            venue=localized(t.venue, "name"),
            city=city_label(t.venue.city) or None,
        )
        for t in theaters
    }


def language_codes(text: str | None) -> str | None:
    """Spoken languages written as words ("English, Mandarin", "英语") as codes ("en, zh"); a word
    that is no known language name stays as written."""
    if not text:
        return None
    codes: list[str] = []
    for part in re.split(r"\s*[,;/、，；]\s*|\s+and\s+", text.strip()):
        if not part:
            continue
        code = LANGUAGE_ALIASES.get(part.casefold()) or _language_names().get(part.casefold()) or part
        if code not in codes:
            codes.append(code)
    return ", ".join(codes) or None


_NAMES: dict[str, str] = {}


def _language_names() -> dict[str, str]:
    """Language names in English and Chinese (casefolded) -> language code, from Babel's data."""
    if not _NAMES:
        for locale in ("en", "zh"):
            for code, name in Locale(locale).languages.items():
                _NAMES.setdefault(name.casefold(), code.replace("_", "-"))
    return _NAMES


def persons(text: str | None) -> tuple[str, ...]:
    """The people named in a free-text credit such as the director field."""
    return tuple(p for p in PERSON_SEPARATORS.split(text or "") if p.strip())


def screening_items(
    screenings: Iterable[Screening],
    *,
    language: str,
    places: dict[int, Place],
    film_url: Callable[[Entry], str],
) -> list[ProgrammeItem]:
    """The screenings as programme items in ``language`` ("en" or "zh"), in time order.

    ``places`` maps theater id -> place (``theater_places``), ``film_url(item)`` gives a film's (or a
    shorts programme's) page. A programme's screening links to each of its films' pages."""
    items = []
    with force_locale(language):
        for s in sorted(screenings, key=lambda s: (s.start, places[s.theater_id].order, s.id)):
            e = s.item  # a film, or a shorts programme (then its films fill in what a film's fields say)
            films = public_films(s)
            page = film_url(e)
            fmt = str(FORMAT_LABELS[e.format]) if e.format else ""
            if s.programme is not None:
                lines = [f"{i}. {film_title(f)} ({f.runtime_minutes} min)" for i, f in enumerate(films, 1)]
                abstract = description = "\n".join(lines)
                languages = ", ".join(f.languages for f in films if f.languages)
            else:
                abstract, description, languages = e.synopsis_short or "", e.synopsis_long or "", e.languages
            items.append(
                ProgrammeItem(
                    key=screening_key(s),
                    kind="screening",
                    start=s.start,
                    end=s.end,
                    place=places[s.theater_id],
                    title=film_title(e),
                    subtitle=other_title(e),
                    type=fmt,
                    track=fmt,
                    language=language_codes(languages),
                    abstract=abstract,
                    description=description,
                    persons=tuple(p for f in films for p in persons(f.director)),
                    url=page,
                    links=tuple(Link(url=film_url(f), title=film_title(f)) for f in films),
                    slug=slugify(e.display_title, max_length=SLUG_LENGTH, word_boundary=True),
                )
            )
    return items


def event_key(event: Event) -> str:
    """What an event is: the event row itself (events are not copied by a publication, they move)."""
    return f"event/{event.id}"


NO_ROOM = Place(key="event-place/none", name="—", order=(math.inf,))


def event_items(
    events: Iterable[Event],
    *,
    language: str,
    places: dict[int, Place],
    event_url: Callable[[Event], str],
    speakers: Callable[[Event], Sequence[Speaker]],
) -> list[ProgrammeItem]:
    """Public events as programme items in ``language``: their kind is the item's type and track, their
    confirmed ``speakers(event)`` its persons, ``event_url(event)`` its page."""
    items = []
    with force_locale(language):
        for e in events:
            page = event_url(e)
            kind = str(EVENT_KIND_LABELS[e.kind])
            title = event_title(e)
            other = (e.title if title == e.title_zh else e.title_zh) or None
            items.append(
                ProgrammeItem(
                    key=event_key(e),
                    kind="event",
                    start=e.start,
                    end=e.end,
                    place=places.get(e.theater_id, NO_ROOM) if e.theater_id else NO_ROOM,
                    title=title,
                    subtitle=other if other != title else None,
                    type=kind,
                    track=kind,
                    language=language_codes(e.language),
                    abstract=event_description(e),
                    description=event_description(e),
                    persons=tuple(localized(p, "name") for p in speakers(e)),
                    url=page,
                    links=(Link(url=page, title=title),),
                    slug=slugify(
                        e.title or e.title_zh or e.kind.value, max_length=SLUG_LENGTH, word_boundary=True
                    ),
                )
            )
    return items
