"""A visitor's plan: screenings of the published programme, their clashes (festival.audience.proposer's
travel-time rule), the film's other screenings that fit, and "plan my visit". Writes flush, never commit.

A plan item names its screening by film, theater and start, so that it outlives the version it was made
on: it is shown against the edition's public version, and a publication that moves or cancels a planned
screening updates the plan (festival.audience.notices)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival import localtime
from festival.audience.demand import settings_of
from festival.audience.proposer import Slot, TravelRule, clash, clashes, propose
from festival.audience.services import ensure_visitor
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Edition, PlanItem, Screening, Star, User
from festival.programme import queries


def travel_rule(edition: Edition) -> TravelRule:
    settings = settings_of(edition)
    return TravelRule(settings.venue_travel_minutes, settings.city_travel_minutes)


def slot_of(screening: Screening, edition: Edition) -> Slot:
    venue = screening.theater.venue
    return Slot(
        key=screening.id,
        # a shorts programme is one item of a visit: its screenings share a key apart from every film's
        film=screening.entry_id if screening.entry_id is not None else -screening.programme_id,
        start=screening.start,
        end=screening.end,
        venue=venue.id,
        # venues gain a city with issue 17; until then every venue is in the edition's one city
        city=getattr(venue, "city", None),
        day=localtime.local_day(screening.start, edition),
    )


def public_screenings(edition: Edition) -> list[Screening]:
    """The edition's published screenings (films and theaters loaded); none before a publication."""
    version = queries.published(edition)
    return queries.all_screenings(version) if version is not None else []


def _key(s) -> tuple:
    return (s.entry_id, s.theater_id, s.start)


def _keys(s: Screening) -> set[tuple]:
    """The plan keys of a public screening: (film, theater, start) for its film, or for each film of its
    shorts programme (a plan holds a programme's screening as one item per film)."""
    return {(f.id, s.theater_id, s.start) for f in queries.public_films(s)}


@dataclass
class PlanView:
    """A plan as the page shows it."""

    screenings: list[Screening]  # planned and in the public version, by start
    clashes: list[tuple[Screening, Screening]]
    # screening id -> the same film's other public screenings that fit the rest of the plan
    alternatives: dict[int, list[Screening]] = field(default_factory=dict)


def plan_items(user: User, edition: Edition) -> list[PlanItem]:
    stmt = sa.select(PlanItem).where(PlanItem.user_id == user.id, PlanItem.edition_id == edition.id)
    return list(db.session.scalars(stmt.order_by(PlanItem.start)))


def planned_screenings(
    user: User, edition: Edition, public: Sequence[Screening] | None = None
) -> list[Screening]:
    """The user's planned screenings found in the edition's public version, by start."""
    public = public_screenings(edition) if public is None else public
    keys = {_key(i) for i in plan_items(user, edition)}
    return [s for s in public if _keys(s) & keys]


def plan_view(user: User, edition: Edition) -> PlanView:
    public = public_screenings(edition)
    planned = planned_screenings(user, edition, public)
    rule = travel_rule(edition)
    slots = {s.id: slot_of(s, edition) for s in public}
    by_id = {s.id: s for s in public}
    pairs = [(by_id[a.key], by_id[b.key]) for a, b in clashes([slots[s.id] for s in planned], rule)]
    alternatives: dict[int, list[Screening]] = {}
    for s in {x.id: x for pair in pairs for x in pair}.values():
        others = [slots[p.id] for p in planned if p.id != s.id]
        alternatives[s.id] = [
            o
            for o in public
            if (o.entry_id, o.programme_id) == (s.entry_id, s.programme_id)
            and o.id != s.id
            and o.id not in {p.id for p in planned}
            and not any(clash(slots[o.id], other, rule) for other in others)
        ]
    return PlanView(planned, pairs, alternatives)


def _public_screening(edition: Edition, screening_id: int) -> Screening:
    version = queries.published(edition)
    screening = db.session.get(Screening, screening_id)
    if version is None or screening is None or screening.timetable_id != version.id:
        raise InvalidInput(_l("This screening is not in the published programme."))
    return screening


def _same_screening(screening: Screening) -> tuple:
    """The condition on plan items naming ``screening`` (film, or any film of its shorts programme;
    theater; start)."""
    return (
        PlanItem.entry_id.in_([f.id for f in screening.films]),
        PlanItem.theater_id == screening.theater_id,
        PlanItem.start == screening.start,
    )


def _plan(user: User, edition: Edition, screening: Screening) -> None:
    """Add a plan item for ``screening`` and star its film (for a shorts programme's screening: an item
    and a star for each of its films)."""
    for film in queries.public_films(screening):
        db.session.add(
            PlanItem(
                user_id=user.id,
                edition_id=edition.id,
                entry_id=film.id,
                theater_id=screening.theater_id,
                start=screening.start,
            )
        )
        if db.session.get(Star, (user.id, film.id)) is None:
            db.session.add(Star(user_id=user.id, entry_id=film.id))


def add_to_plan(user: User, edition: Edition, screening_id: int) -> Screening:
    """Put a public screening in the user's plan (its film gets a star); a clash is allowed and shown.

    Raises NotConfirmed, InvalidInput (not a screening of the published programme)."""
    ensure_visitor(user)
    screening = _public_screening(edition, screening_id)
    exists = sa.select(PlanItem.id).where(PlanItem.user_id == user.id, *_same_screening(screening))
    if db.session.scalar(exists) is None:
        _plan(user, edition, screening)
    db.session.flush()
    return screening


def remove_from_plan(user: User, edition: Edition, screening_id: int) -> None:
    """Take a screening out of the user's plan (nothing happens when it is not in it)."""
    ensure_visitor(user)
    screening = db.session.get(Screening, screening_id)
    if screening is None:
        return
    db.session.execute(
        sa.delete(PlanItem).where(
            PlanItem.user_id == user.id, PlanItem.edition_id == edition.id, *_same_screening(screening)
        )
    )
    db.session.flush()


# ---------------------------------------------------------------- plan my visit


def programme_dates(edition: Edition) -> list[date]:
    """The local days with public screenings."""
    return sorted({localtime.local_day(s.start, edition) for s in public_screenings(edition)})


def propose_visit(edition: Edition, entry_ids: Iterable[int], days: Iterable[date]) -> list[Screening]:
    """The best clash-free set of screenings of the chosen films on the chosen days (proposer.propose)."""
    films, allowed = set(entry_ids), set(days)
    if not films:
        raise InvalidInput(errors={"films": [_l("Choose at least one film.")]})
    if not allowed:
        raise InvalidInput(errors={"days": [_l("Choose at least one day you can come.")]})
    public = public_screenings(edition)
    candidates = [slot_of(s, edition) for s in public if films & {f.id for f in queries.public_films(s)}]
    candidates = [c for c in candidates if c.day in allowed]
    chosen = {c.key for c in propose(candidates, travel_rule(edition))}
    return [s for s in public if s.id in chosen]


def accept_visit(user: User, edition: Edition, screening_ids: Iterable[int]) -> list[Screening]:
    """Make these screenings the user's plan for the edition (replacing it); they must be public and free
    of clashes. Raises NotConfirmed, InvalidInput."""
    ensure_visitor(user)
    screenings = [_public_screening(edition, i) for i in dict.fromkeys(screening_ids)]
    if not screenings:
        raise InvalidInput(_l("The proposal is empty; choose films and days first."))
    rule = travel_rule(edition)
    if clashes([slot_of(s, edition) for s in screenings], rule):
        raise InvalidInput(_l("These screenings clash; please ask for a new proposal."))
    db.session.execute(
        sa.delete(PlanItem).where(PlanItem.user_id == user.id, PlanItem.edition_id == edition.id)
    )
    for s in screenings:
        _plan(user, edition, s)
    db.session.flush()
    return screenings
