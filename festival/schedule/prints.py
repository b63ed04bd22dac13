"""Prints and transit days: what staff record about the films that exist as a few physical prints (how
many, where each is when the window opens) and how many days a print needs between two cities.

The rules of the values are the solver's reader's (``scheduler.check_film``, ``scheduler.
check_transit_days``), said through the adapter's words; the services only add what the database knows
that the format does not (the cities some venue is in, the edition's venues). They flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival import audit
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Decision, Edition, Entry, FilmPrint, TransitDays, User, Venue
from festival.models.enums import DecisionOutcome
from festival.schedule import adapter

MAX_PRINTS = 20  # a film on tour has a handful of prints; more is a typing error


@dataclass(frozen=True)
class Pair:
    city_a: str
    city_b: str
    days: int


def edition_cities(edition: Edition) -> list[str]:
    """The solver's cities of the edition's venues (``adapter.city_key``), in name order."""
    return sorted({adapter.city_key(v.city) for v in adapter.edition_venues(edition)})


def transit_errors(edition: Edition, default: int | None, pairs: Iterable[Pair]) -> dict[str, list[str]]:
    """What is wrong with a default and pairs of transit days, by form field (``default``, ``pairs``);
    empty when they can be saved. The reader's own check, plus: every city is one some venue is in."""
    pairs = list(pairs)
    data = {"default": default, "pairs": [[p.city_a, p.city_b, p.days] for p in pairs]}
    cities = set(edition_cities(edition))
    errors = adapter.transit_errors(data, cities)
    for pair in pairs:
        for city in (pair.city_a, pair.city_b):
            if city not in cities:
                message = _l(
                    "No venue of this edition is in “%(city)s” (the cities: %(cities)s).",
                    city=city, cities=", ".join(sorted(cities)),
                )  # fmt: skip
                errors.setdefault("pairs", []).append(str(message))
    return errors


def set_transit(edition: Edition, *, default: int, pairs: Iterable[Pair], actor: User | None) -> None:
    """Replace the edition's transit days (its default and its pairs); refused with every problem by field
    (``transit_errors``) before anything is written."""
    pairs = list(pairs)
    errors = transit_errors(edition, default, pairs)
    if errors:
        raise InvalidInput(_l("The transit days were not saved."), errors=errors)
    before = {"default": edition.transit_days_default, "pairs": _pairs_json(adapter.transit_pairs(edition))}
    for row in adapter.transit_pairs(edition):
        db.session.delete(row)
    db.session.flush()
    edition.transit_days_default = default
    for p in pairs:
        a, b = sorted((_stored(p.city_a), _stored(p.city_b)))
        db.session.add(TransitDays(edition_id=edition.id, city_a=a, city_b=b, days=p.days))
    db.session.flush()
    after = {"default": default, "pairs": _pairs_json(adapter.transit_pairs(edition))}
    audit.record(edition, actor=actor, action="edition.transit_days", old=before, new=after)


def _stored(city: str) -> str:
    """A city as ``transit_days`` keeps it: the venues' own key ("" for the edition's own city)."""
    return "" if city == adapter.HOME_CITY else city


def _pairs_json(rows: Iterable[TransitDays]) -> list[list]:
    return [[adapter.city_key(r.city_a), adapter.city_key(r.city_b), r.days] for r in rows]


def pairs_of(edition: Edition) -> list[Pair]:
    """The edition's pairs as the form shows them (the solver's city keys)."""
    return [Pair(a, b, d) for a, b, d in _pairs_json(adapter.transit_pairs(edition))]


# ---------------------------------------------------------------- prints of a film


def film_prints(entry: Entry) -> list[FilmPrint]:
    stmt = sa.select(FilmPrint).where(FilmPrint.entry_id == entry.id).order_by(FilmPrint.number)
    return list(db.session.scalars(stmt))


def set_prints(
    entry: Entry, *, prints: int | None, start_venues: Mapping[int, int | None], actor: User | None
) -> Decision:
    """Record an accepted film's prints: ``prints`` None for a digital film (its print rows go), else how
    many, with where each starts (``start_venues``: print number -> a venue id of the edition, or None
    when unknown). Refused (nothing written) for a film that is not accepted, a count out of range or a
    venue of another edition."""
    decision = accepted_decision(entry)
    if decision is None:
        raise InvalidInput(_l("Only an accepted film has prints to record."))
    if prints is not None and not 1 <= prints <= MAX_PRINTS:
        message = _l("Give a number of prints from 1 to %(most)s, or leave it empty.", most=MAX_PRINTS)
        raise InvalidInput(errors={"prints": [message]})
    venues = {v.id for v in adapter.edition_venues(db.session.get(Edition, entry.edition_id))}
    for number, venue_id in start_venues.items():
        if venue_id is not None and venue_id not in venues:
            raise InvalidInput(errors={f"start_{number}": [_l("Choose one of the edition's venues.")]})
    before = {"prints": decision.prints, "starts": {p.number: p.start_venue_id for p in film_prints(entry)}}
    decision.prints = prints
    kept = {p.number: p for p in film_prints(entry)}
    for number, row in kept.items():
        if prints is None or number > prints:
            db.session.delete(row)
    for number in range(1, (prints or 0) + 1):
        row = kept.get(number) or FilmPrint(entry_id=entry.id, number=number)
        row.start_venue_id = start_venues.get(number)
        db.session.add(row)
    db.session.flush()
    after = {"prints": prints, "starts": {p.number: p.start_venue_id for p in film_prints(entry)}}
    audit.record(decision, actor=actor, action="decision.prints", old=before, new=after)
    return decision


def venue_choices(edition: Edition) -> list[Venue]:
    return adapter.edition_venues(edition)


def accepted_films(edition: Edition) -> list[tuple[Entry, Decision]]:
    return adapter.accepted_entries(edition)


def accepted_decision(entry: Entry) -> Decision | None:
    """The film's decision when it is accepted, else None."""
    decision = db.session.scalar(sa.select(Decision).where(Decision.entry_id == entry.id))
    return decision if decision is not None and decision.outcome == DecisionOutcome.ACCEPTED else None
