"""The viewers' prize: who may rate a film and when, one vote per account and film, the results with an
uncertainty band, and the audit of voting bursts by account age (docs/audience.md, "The viewers' prize").

Results: each film's ratings are counts of the five scores; with a Dirichlet prior of ``PRIOR_VOTES``
pseudo-votes spread evenly over 1 to 5 (two of each: a film starts at 3 and must earn its score), the
posterior of the film's score shares is Dirichlet(prior + counts). Its mean score is the Bayesian average
shown, and the band is mean ± 1.96 posterior standard deviations (a 95 % credible interval by the normal
approximation), clipped to 1-5. A film with few votes stays near the edition's average with a wide band.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from festival.audience.demand import settings_of
from festival.audience.services import ensure_visitor, selected_film, selected_films
from festival.errors import InvalidInput, InvalidTransition, NotAllowed
from festival.extensions import db
from festival.models import Edition, Entry, PlanItem, Screening, ShortsProgrammeEntry, User, ViewerVote
from festival.models.types import utcnow
from festival.programme import queries

SCORES = (1, 2, 3, 4, 5)
PRIOR_VOTES = 10.0
# account-age groups of the burst audit (hours the account existed before it voted)
AGE_GROUPS = (
    (1, _l("under an hour")),
    (24, _l("under a day")),
    (24 * 7, _l("under a week")),
    (None, _l("older")),
)
# a minute is a burst when it has at least this many votes, most of them from accounts under a day old
BURST_VOTES = 20
BURST_NEW_SHARE = 0.5


class AlreadyVoted(InvalidTransition):
    default = _l("You have rated this film already; a vote cannot be changed.")


class NotYet(NotAllowed):
    default = _l("You can rate a film once a screening of it in your plan has started.")


def _started(edition: Edition, now: datetime, user: User | None, entry_id: int | None = None) -> set[int]:
    """The films with a public screening that has started (one in the user's plan, unless the edition lets
    anyone rate after any screening): one query; ``entry_id`` narrows it to one film."""
    version = queries.published(edition)
    if version is None:
        return set()
    # a shorts programme's screening is a screening of each of its films
    film = sa.func.coalesce(Screening.entry_id, ShortsProgrammeEntry.entry_id)
    stmt = (
        sa.select(film)
        .outerjoin(ShortsProgrammeEntry, ShortsProgrammeEntry.programme_id == Screening.programme_id)
        .where(Screening.timetable_id == version.id, Screening.start <= now)
    )
    if entry_id is not None:
        stmt = stmt.where(film == entry_id)
    if not settings_of(edition).vote_after_any_screening:
        stmt = stmt.join(
            PlanItem,
            sa.and_(
                PlanItem.user_id == (user.id if user else None),
                PlanItem.entry_id == film,
                PlanItem.theater_id == Screening.theater_id,
                PlanItem.start == Screening.start,
            ),
        )
    return set(db.session.scalars(stmt.distinct()))


def cast_vote(
    user: User, edition: Edition, entry_id: int, score: object, now: datetime | None = None
) -> ViewerVote:
    """Record the user's rating of a film: 1 to 5, once (the unique constraint decides between two
    simultaneous votes); only after the start of a screening of it in their plan (or of any screening, if
    the edition allows). Raises NotConfirmed, InvalidInput, NotYet, AlreadyVoted."""
    ensure_visitor(user)
    if score not in SCORES:
        raise InvalidInput(errors={"score": [_l("Choose a rating from 1 to 5.")]})
    if selected_film(edition, entry_id) is None:
        raise InvalidInput(_l("This film is not in the edition's selection."))
    if not _started(edition, now or utcnow(), user, entry_id):
        raise NotYet()
    vote = ViewerVote(user_id=user.id, edition_id=edition.id, entry_id=entry_id, score=score)
    try:
        with db.session.begin_nested():
            db.session.add(vote)
    except IntegrityError:
        raise AlreadyVoted() from None
    return vote


def my_votes(user: User, edition: Edition) -> dict[int, int]:
    stmt = sa.select(ViewerVote.entry_id, ViewerVote.score).where(
        ViewerVote.user_id == user.id, ViewerVote.edition_id == edition.id
    )
    return dict(db.session.execute(stmt).all())


def votable(
    user: User, edition: Edition, now: datetime | None = None, *, films: list[Entry] | None = None
) -> list[Entry]:
    """The films the user may rate now and has not rated (``films``: the selection, if read already)."""
    done = my_votes(user, edition)
    started = _started(edition, now or utcnow(), user)
    films = selected_films(edition) if films is None else films
    return [f for f in films if f.id in started and f.id not in done]


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Result:
    entry: Entry
    votes: int
    counts: tuple[int, ...]
    mean: float  # the Bayesian average
    low: float  # the 95 % credible band
    high: float
    raw: float | None  # the plain average of the votes


def posterior(counts: tuple[int, ...], prior: tuple[float, ...]) -> tuple[float, float, float]:
    """Mean and 95 % band of the mean score under Dirichlet(prior + counts) (the module's docstring)."""
    alpha = [p + c for p, c in zip(prior, counts, strict=True)]
    total = sum(alpha)
    mean = sum(k * a for k, a in zip(SCORES, alpha, strict=True)) / total
    second = sum(k * k * a for k, a in zip(SCORES, alpha, strict=True)) / total
    sd = math.sqrt(max(second - mean * mean, 0.0) / (total + 1))
    return mean, max(1.0, mean - 1.96 * sd), min(5.0, mean + 1.96 * sd)


def results(edition: Edition) -> list[Result]:
    """Every selected film's result, the best Bayesian average first."""
    rows = db.session.execute(
        sa.select(ViewerVote.entry_id, ViewerVote.score, sa.func.count())
        .where(ViewerVote.edition_id == edition.id)
        .group_by(ViewerVote.entry_id, ViewerVote.score)
    ).all()
    counts: dict[int, list[int]] = {}
    for entry_id, score, n in rows:
        counts.setdefault(entry_id, [0] * 5)[score - 1] += n
    prior = (PRIOR_VOTES / len(SCORES),) * len(SCORES)
    out = []
    for entry in selected_films(edition):
        c = tuple(counts.get(entry.id, [0] * 5))
        n = sum(c)
        mean, low, high = posterior(c, prior)
        raw = sum(k * x for k, x in zip(SCORES, c, strict=True)) / n if n else None
        out.append(Result(entry, n, c, mean, low, high, raw))
    out.sort(key=lambda r: (-r.mean, -r.votes, r.entry.display_title.casefold()))
    return out


# ---------------------------------------------------------------- the burst audit


@dataclass(frozen=True)
class Minute:
    at: datetime
    votes: int
    by_age: tuple[int, ...]  # per AGE_GROUPS
    burst: bool


def audit(edition: Edition, *, since: datetime | None = None, limit: int = 30) -> list[Minute]:
    """The busiest minutes of voting, with the votes of each by the age of the voting account, newest
    accounts first; a minute is flagged a burst when it holds at least BURST_VOTES votes and more than
    BURST_NEW_SHARE of them come from accounts under a day old."""
    stmt = (
        sa.select(ViewerVote.created_at, User.created_at)
        .join(User, User.id == ViewerVote.user_id)
        .where(ViewerVote.edition_id == edition.id)
    )
    if since is not None:
        stmt = stmt.where(ViewerVote.created_at >= since)
    minutes: dict[datetime, list[int]] = {}
    for voted, created in db.session.execute(stmt):
        bucket = voted.replace(second=0, microsecond=0)
        age = (voted - created) / timedelta(hours=1)
        group = next(i for i, (hours, _label) in enumerate(AGE_GROUPS) if hours is None or age < hours)
        minutes.setdefault(bucket, [0] * len(AGE_GROUPS))[group] += 1
    out = []
    for at, by_age in minutes.items():
        n = sum(by_age)
        young = sum(by_age[:2])
        out.append(Minute(at, n, tuple(by_age), n >= BURST_VOTES and young > BURST_NEW_SHARE * n))
    out.sort(key=lambda m: (-m.burst, -m.votes, m.at))
    return out[:limit]
