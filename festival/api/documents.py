"""What the API says about editions, venues, theaters, films and screenings.

Everything comes from an edition's published version: its screenings of accepted films, and the
films, theaters and venues those screenings name. Nothing of a draft, of a film that is not in the
published programme, or of a theater without a published screening is ever read here. Names are
given in both languages (``name`` and ``name_zh``), so an answer is the same for every visitor;
times are ISO 8601 with the edition's UTC offset. Every address in an answer is absolute.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask import request
from flask_babel import gettext as _

from festival import localtime, paging
from festival.api.errors import NotFound
from festival.api.params import Paging
from festival.events import queries as event_queries
from festival.labels import city_names
from festival.models import Edition, Entry, Event, Screening, Theater, TimetableVersion, Venue
from festival.navigation import item_url, public_url
from festival.paging import ListPagination
from festival.programme import queries
from festival.programme.items import event_key, guid, screening_key


def _time(moment: datetime | None, edition: Edition) -> str | None:
    return localtime.to_local(moment, edition).replace(microsecond=0).isoformat() if moment else None


def _named(obj) -> dict:
    return {"id": obj.id, "name": obj.name, "name_zh": obj.name_zh}


def edition(edition: Edition, version: TimetableVersion, *, current: bool) -> dict:
    """An edition with a published programme, and where to find the rest of it."""
    slug = edition.slug

    def api(endpoint: str) -> str:
        return public_url(f"api.{endpoint}", slug=slug)

    return {
        "slug": slug,
        "name": edition.name,
        "name_zh": edition.name_zh,
        "section": edition.section,
        "section_zh": edition.section_zh,
        "timezone": edition.timezone,
        "first_day": edition.first_day.isoformat(),
        "last_day": edition.last_day.isoformat(),
        "current": current,
        "programme": {"version": version.number, "published_at": _time(version.published_at, edition)},
        "links": {
            "self": api("edition"),
            "venues": api("venues"),
            "theaters": api("theaters"),
            "films": api("films"),
            "screenings": api("screenings"),
            "events": api("events"),
            "programme": public_url("programme.index", slug=slug),
            "calendar": public_url("programme.calendar_ics", slug=slug),
            "schedule_xml": public_url("programme.schedule_xml", slug=slug),
            "schedule_json": public_url("programme.schedule_json", slug=slug),
        },
    }


def theater(theater: Theater) -> dict:
    return {
        "id": theater.id,
        "code": theater.code,
        "name": theater.name,
        "name_zh": theater.name_zh,
        "seats": theater.seats,
        "formats": list(theater.formats or []),
        "venue": _named(theater.venue),
    }


def venue(venue: Venue, theaters: list[Theater]) -> dict:
    return {
        "id": venue.id,
        "code": venue.code,
        "name": venue.name,
        "name_zh": venue.name_zh,
        "city": city_names(venue.city),
        "partner": venue.is_partner,
        "theaters": [{k: v for k, v in theater(t).items() if k != "venue"} for t in theaters],
    }


def film(entry: Entry, *, screenings: int, poster: bool) -> dict:
    slug, entry_id = entry.edition.slug, entry.id

    def at(endpoint: str, **args) -> str:
        return public_url(endpoint, slug=slug, entry_id=entry_id, **args)

    return {
        "id": entry_id,
        "title": entry.display_title,
        "title_zh": entry.title_zh,
        "title_original": entry.title_original or None,
        "format": entry.format.value if entry.format else None,
        "runtime_minutes": entry.runtime_minutes,
        "year": entry.year,
        "country": entry.country,
        "director": entry.director,
        "production_company": entry.production_company,
        "audiences": list(entry.audiences or []),
        "languages": entry.languages,
        "subtitles": entry.subtitles,
        "synopsis_short": entry.synopsis_short,
        "synopsis": entry.synopsis_long,
        "screening_count": screenings,
        "links": {
            "self": at("api.film"),
            "screenings": public_url("api.screenings", slug=slug, film=entry_id),
            "page": at("programme.film"),
            "calendar": at("programme.film_ics"),
            "poster": at("programme.poster", variant="full") if poster else None,
        },
    }


def _film_ref(e) -> dict:
    return {
        "id": e.id,
        "title": e.display_title,
        "title_zh": e.title_zh,
        "format": e.format.value if e.format else None,
    }


def screening(s: Screening, edition: Edition, base_url: str) -> dict:
    """A public screening. ``films`` lists what it shows (one film, or a shorts programme's films in
    order); ``film`` is that one film (null for a programme), ``programme`` the shorts programme (null for
    a film)."""
    e, films = s.item, queries.public_films(s)
    shorts = s.programme is not None
    return {
        "id": s.id,
        "guid": guid(base_url, edition.slug, screening_key(s)),
        "start": _time(s.start, edition),
        "end": _time(s.end, edition),
        "day": localtime.local_day(s.start, edition).isoformat(),
        "film": None if shorts else _film_ref(e),
        "programme": {**_film_ref(e), "runtime_minutes": e.runtime_minutes} if shorts else None,
        "films": [{**_film_ref(f), "runtime_minutes": f.runtime_minutes} for f in films],
        "theater": _named(s.theater),
        "venue": _named(s.theater.venue),
        "city": city_names(s.theater.venue.city),
        "links": {
            "film": None if shorts else public_url("api.film", slug=edition.slug, entry_id=e.id),
            "page": item_url(e, slug=edition.slug),
            "calendar": public_url("programme.screening_ics", slug=edition.slug, screening_id=s.id),
        },
    }


def programme(edition: Edition, version: TimetableVersion, base_url: str) -> dict[str, list[dict]]:
    """Every list the API gives of a published version, in its order: ``screenings`` (by start,
    then theater), ``films`` (by title), ``theaters`` and ``venues`` (as staff order them)."""
    shown = queries.all_screenings(version)
    entries: dict[int, Entry] = {}
    counts: dict[int, int] = {}
    theaters: dict[int, Theater] = {}
    for s in shown:
        for e in queries.public_films(s):  # a shorts programme's screening counts for each of its films
            entries.setdefault(e.id, e)
            counts[e.id] = counts.get(e.id, 0) + 1
        theaters.setdefault(s.theater_id, s.theater)
    ordered = sorted(theaters.values(), key=lambda t: (t.venue_id, t.position, t.id))
    venues: dict[int, list[Theater]] = {}
    for t in ordered:
        venues.setdefault(t.venue_id, []).append(t)
    posters = queries.films_with_a_poster(entries)
    by_title = sorted(entries.values(), key=lambda e: (e.display_title.casefold(), e.id))
    by_start = sorted(
        shown, key=lambda s: (s.start, (s.theater.venue_id, s.theater.position), s.theater_id, s.id)
    )
    return {
        "screenings": [screening(s, edition, base_url) for s in by_start],
        "films": [film(e, screenings=counts[e.id], poster=e.id in posters) for e in by_title],
        "theaters": [theater(t) for t in ordered],
        "venues": [venue(ts[0].venue, ts) for ts in venues.values()],
    }


def event(e: Event, edition: Edition, base_url: str) -> dict:
    """A public event of the programme (a forum session, a talk) with its confirmed speakers."""
    page = public_url("programme.event", slug=edition.slug, event_id=e.id)
    return {
        "id": e.id,
        "guid": guid(base_url, edition.slug, event_key(e)),
        "kind": e.kind.value,
        "title": e.title,
        "title_zh": e.title_zh,
        "description": e.description,
        "description_zh": e.description_zh,
        "start": _time(e.start, edition),
        "end": _time(e.end, edition),
        "day": localtime.local_day(e.start, edition).isoformat(),
        "theater": _named(e.theater) if e.theater else None,
        "venue": _named(e.theater.venue) if e.theater else None,
        "city": city_names(e.theater.venue.city) if e.theater else None,
        "language": e.language,
        "audience": e.audience.value if e.audience else None,
        "speakers": [
            {
                "id": sp.id,
                "name": sp.name,
                "name_zh": sp.name_zh,
                "page": public_url("programme.speaker", slug=edition.slug, speaker_id=sp.id),
            }
            for sp in event_queries.confirmed_speakers(e)
        ],
        "registration": {
            "required": e.registration_required,
            "capacity": e.capacity if e.registration_required else None,
            "seats_left": e.capacity - e.seats_taken if e.registration_required else None,
        },
        "film": {
            "id": e.entry_id,
            "page": public_url("programme.film", slug=edition.slug, entry_id=e.entry_id),
        }
        if e.entry_id
        else None,
        "links": {
            "page": page,
            "calendar": public_url("programme.event_ics", slug=edition.slug, event_id=e.id),
        },
    }


# ---------------------------------------------------------------- pages of a list


def page_of(rows: Sequence, asked: Paging) -> ListPagination:
    """The page of ``rows`` asked for, by the site's one pager (``festival.paging.page_of``). Raises
    NotFound (naming ``page``) past the last page; an empty list has one, empty page."""
    found = paging.page_of(rows, asked.page, asked.per_page)
    last = max(1, found.pages)
    if asked.page > last:
        raise NotFound(
            _("There is no page %(page)d: the last page is %(pages)d.", page=asked.page, pages=last),
            parameter="page",
        )
    return found


def page_links(page: ListPagination, query: dict) -> dict[str, str | None]:
    """Absolute addresses of this page and of the first, last, previous and next ones (None at the
    ends), with the list's own parameters ``query`` (the ones it read, never any others)."""
    last = max(1, page.pages)

    def url(number: int) -> str:
        return public_url(
            request.endpoint, **(request.view_args or {}), **query, per_page=page.per_page, page=number
        )

    return {
        "self": url(page.page),
        "first": url(1),
        "last": url(last),
        "prev": url(page.prev_num) if page.has_prev else None,
        "next": url(page.next_num) if page.page < last else None,
    }


def listing(rows: Sequence, asked: Paging, query: dict) -> tuple[dict, str]:
    """The page of ``rows`` asked for as the API answers it (``data``, ``pagination``, ``links``), and the
    same links as an HTTP ``Link`` header (RFC 8288). Raises NotFound past the last page."""
    page = page_of(rows, asked)
    found = page_links(page, query)
    pages = max(1, page.pages)
    pagination = {"page": page.page, "per_page": page.per_page, "total": page.total, "pages": pages}
    header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in found.items() if url and rel != "self")
    return {"data": page.items, "pagination": pagination, "links": found}, header
