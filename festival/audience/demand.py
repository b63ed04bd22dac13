"""The expected audience the solver uses: the curators' estimate blended with the visitors' wishes.

The model (docs/audience.md, "The demand blend"). For a film f the curators estimate ``p`` viewers per
screening and plan ``s`` screenings (the middle of its minimum and maximum). ``N`` visitors made a
wish-list out of the ``V`` the edition expects in all. Were the curators right, the wishes for f would be
about ``e = p * s * N / V``: each of the film's ``p * s`` viewers is a wisher with probability ``N / V``.
Let ``r`` be the true audience over the curators' estimate, with a Gamma(k, k) prior (mean 1: the curators
are right on average; ``k``, the prior strength, counts in wishes), and let the wishes be Poisson(r * e).
The posterior mean of r is ``(k + w) / (k + e)`` for w observed wishes, so the blended expected audience is

    blended = p * (k + w) / (k + e)

With few wish-lists (N small, so e and w are small) it stays near p; with many it tends to
``w * V / (N * s)``: the wishes, each wisher standing for V / N visitors, spread over the film's screenings.
An estimate of 0 counts as 1 (else no number of wishes could lift it); without a visitor count (V = 0) or
without any wish-list the curators' numbers stand unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from festival.extensions import db
from festival.models import AudienceSettings, Decision, Edition, Entry, Star, VisitorDays
from festival.models.enums import DecisionOutcome

CURATORS = "curators"
WISHES = "wishes"


def blend(
    estimate: int, wishes: int, *, screenings: float, wishers: int, visitors: int, strength: float
) -> int:
    """The blended expected audience of one screening (the formula in the module's docstring)."""
    if visitors <= 0 or wishers <= 0:
        return estimate
    base = max(estimate, 1)
    expected = base * max(screenings, 1.0) * min(wishers / visitors, 1.0)
    return round(base * (strength + wishes) / (strength + expected))


def settings_of(edition: Edition) -> AudienceSettings:
    """The edition's audience settings (the defaults, not stored, when staff never set them)."""
    found = db.session.get(AudienceSettings, edition.id)
    if found is not None:
        return found
    defaults = {c.name: c.default.arg for c in AudienceSettings.__table__.columns if c.default is not None}
    return AudienceSettings(edition_id=edition.id, **defaults)


@dataclass(frozen=True)
class FilmDemand:
    """One accepted film's wishes and expected audience."""

    entry: Entry
    estimate: int  # the curators' expected audience of one screening
    screenings: float  # the screenings the blend spreads the wishes over
    wishes: int
    weekday: int  # wishers who can come on weekdays (or did not say)
    weekend: int  # wishers who named a weekend (or did not say)
    blended: int

    @property
    def change(self) -> int:
        return self.blended - self.estimate


@dataclass(frozen=True)
class DemandTable:
    films: list[FilmDemand]
    wishers: int
    visitors: int
    strength: float


def demand_table(edition: Edition) -> DemandTable:
    """Every accepted film with released decision: the curators' estimate, its wishes (in all and by the
    kind of day the wishers can come) and the blend; the most wished first."""
    settings = settings_of(edition)
    rows = db.session.execute(
        sa.select(Entry, Decision)
        .join(Decision, Decision.entry_id == Entry.id)
        .where(
            Entry.edition_id == edition.id,
            Decision.outcome == DecisionOutcome.ACCEPTED,
            Decision.released_at.is_not(None),
        )
    ).all()
    wishes = db.session.execute(
        sa.select(Star.entry_id, Star.user_id, VisitorDays.weekdays, VisitorDays.weekends)
        .join(Entry, Entry.id == Star.entry_id)
        .outerjoin(
            VisitorDays, sa.and_(VisitorDays.user_id == Star.user_id, VisitorDays.edition_id == edition.id)
        )
        .where(Entry.edition_id == edition.id)
    ).all()
    counts: dict[int, list[int]] = {}
    for entry_id, _user, weekdays, weekends in wishes:
        said = weekdays is not None
        c = counts.setdefault(entry_id, [0, 0, 0])
        c[0] += 1
        c[1] += 1 if (not said or weekdays) else 0
        c[2] += 1 if (not said or weekends) else 0
    wishers = len({user for _e, user, _d, _w in wishes})
    films = []
    for entry, decision in rows:
        estimate = decision.popularity or 0
        lo = decision.min_screenings or 1
        hi = decision.max_screenings or lo
        screenings = (lo + hi) / 2
        n, weekday, weekend = counts.get(entry.id, (0, 0, 0))
        blended = blend(
            estimate,
            n,
            screenings=screenings,
            wishers=wishers,
            visitors=settings.expected_visitors,
            strength=settings.prior_strength,
        )
        films.append(FilmDemand(entry, estimate, screenings, n, weekday, weekend, blended))
    films.sort(key=lambda f: (-f.wishes, f.entry.display_title.casefold()))
    return DemandTable(films, wishers, settings.expected_visitors, settings.prior_strength)


def blended_popularity(edition: Edition) -> dict[int, int]:
    """entry id -> the blended expected audience: the demand source "wishes" of a solver run."""
    return {f.entry.id: f.blended for f in demand_table(edition).films}
