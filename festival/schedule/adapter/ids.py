"""Ids and times as the instance format writes them, for rows of the database.

* films are ``e<entry.id>`` (``e12``), so a schedule maps back to entries without a lookup table; a
  shorts programme, scheduled as one film, is ``p<programme.id>`` (``p3``);
* theaters are the theater's ``code`` (``dome``), or ``<venue code>-<theater code>`` when two venues of
  the edition use the same theater code, so the id is readable and unique within the edition;
* venues are the venue's ``code``;
* times are the edition's local wall-clock time, ``YYYY-MM-DDTHH:MM`` (the database keeps aware UTC
  instants; ``festival.localtime`` turns one into the other).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from festival import localtime, params
from festival.extensions import db
from festival.models import Edition, Theater, Venue
from scheduler import DAY

FILM_PREFIX = "e"
PROGRAMME_PREFIX = "p"
TIME_FORMAT = "%Y-%m-%dT%H:%M"


def film_id(entry_id: int) -> str:
    """The instance id of an entry: ``e<entry.id>``."""
    return f"{FILM_PREFIX}{entry_id}"


def entry_id_of(film: str) -> int | None:
    """The entry id behind an instance film id, or None when it is not one of ours."""
    return params.record_id(film[len(FILM_PREFIX) :]) if film.startswith(FILM_PREFIX) else None


def programme_film_id(programme_id: int) -> str:
    """The instance id of a shorts programme, scheduled as one film: ``p<programme.id>``."""
    return f"{PROGRAMME_PREFIX}{programme_id}"


def programme_id_of(film: str) -> int | None:
    """The shorts programme id behind an instance film id, or None when it is not a programme."""
    return params.record_id(film[len(PROGRAMME_PREFIX) :]) if film.startswith(PROGRAMME_PREFIX) else None


def item_film_id(screening) -> str:
    """The instance film id of a screening row: its entry's (``e<id>``) or its programme's (``p<id>``)."""
    if screening.programme_id is not None:
        return programme_film_id(screening.programme_id)
    return film_id(screening.entry_id)


def edition_theaters(edition: Edition) -> list[Theater]:
    """The edition's theaters in display order (venue, position, id)."""
    stmt = (
        sa.select(Theater)
        .join(Venue, Theater.venue_id == Venue.id)
        .where(Venue.edition_id == edition.id)
        .options(selectinload(Theater.events), selectinload(Theater.venue))
        .order_by(Venue.id, Theater.position, Theater.id)
    )
    return list(db.session.scalars(stmt))


def placed_events(theater: Theater) -> list:
    """The events that keep ``theater`` from films: every event in it with a time, public or not."""
    return [e for e in theater.events if e.start is not None]


def theater_ids(theaters: Iterable[Theater]) -> dict[int, str]:
    """Map theater row id -> instance id (the code, prefixed by the venue's code when codes clash)."""
    theaters = list(theaters)
    counts: dict[str, int] = {}
    for t in theaters:
        counts[t.code] = counts.get(t.code, 0) + 1
    return {t.id: (t.code if counts[t.code] == 1 else f"{t.venue.code}-{t.code}") for t in theaters}


def theater_map(edition: Edition) -> dict[str, Theater]:
    """Map instance theater id -> Theater row for the edition."""
    theaters = edition_theaters(edition)
    ids = theater_ids(theaters)
    return {ids[t.id]: t for t in theaters}


def local_text(moment: datetime, edition: Edition, *, round_up: bool = False) -> str:
    """An aware instant as the edition's local wall-clock ``YYYY-MM-DDTHH:MM``.

    Seconds are dropped (or, with ``round_up``, rounded up to the next minute so that a block
    never shrinks)."""
    local = localtime.to_local(moment, edition)
    if round_up and (local.second or local.microsecond):
        local += timedelta(minutes=1)
    return local.strftime(TIME_FORMAT)


def aware_from_text(text: str, edition: Edition) -> datetime:
    """``YYYY-MM-DDTHH:MM`` (local wall-clock of the edition) as an aware datetime."""
    return localtime.from_local(datetime.strptime(text, TIME_FORMAT), edition)


def aware_from_minute(minute: int, edition: Edition) -> datetime:
    """An absolute scheduler minute as an aware datetime in the edition's timezone."""
    day, m = divmod(minute, DAY)
    d = date.fromordinal(day)
    return localtime.from_local(datetime(d.year, d.month, d.day, m // 60, m % 60), edition)
