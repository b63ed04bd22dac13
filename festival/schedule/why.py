"""Why a screening sits where it is (issue 18, "why here"): the engine's ``scheduler.why_here`` on a
version, in the reader's words.

The version's screenings are checked against the edition's instance with the version's own pins
(``adapter.build_instance(base_version=version)``); the published screenings are left out (``previous``),
so the loss counts expected visitors and the films' minimums, not the move cost of the published
programme. What stops another start is the validator's violations said by ``problems.Namer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

import scheduler
from festival.extensions import db
from festival.models import Edition, Screening, Theater, TimetableVersion
from festival.schedule import adapter
from festival.schedule.problems import Namer
from scheduler import parse_time

LOSS_SECONDS = 2.0


@dataclass(frozen=True)
class Place:
    """Another start for the screening: the theater, the aware start, the expected attendance there, and
    what stops it in words (empty: a valid move)."""

    theater: Theater
    start: datetime
    attendance: int
    reasons: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class WhyHere:
    """A screening's expected attendance where it is, the other places, and the loss without it
    (``scheduler.Loss``, None when the time ran out or the film is no longer in the instance)."""

    attendance: int
    places: list[Place]
    loss: scheduler.Loss | None
    theaters: list[str]
    minimum: int
    known: bool = True  # False: the film or theater is no longer in the edition's instance


def why_here(version: TimetableVersion, screening: Screening, *, time_limit: float = LOSS_SECONDS) -> WhyHere:
    """Why ``screening`` (of ``version``) sits where it is; raises ``adapter.InstanceBuildError`` (an
    InvalidInput) when the edition's data cannot form an instance."""
    edition = db.session.get(Edition, version.edition_id)
    data = adapter.build_instance(edition, base_version=version, keep_pins=True)
    data["previous"] = []
    instance = adapter.parse(data)  # InstanceBuildError, an InvalidInput, when the data cannot form one
    rows = adapter.edition_theaters(edition)
    tids = adapter.theater_ids(rows)
    theaters = {tids[t.id]: t for t in rows}
    stmt = sa.select(Screening).where(Screening.timetable_id == version.id).order_by(Screening.start)
    placed = [
        _engine(s, edition, tids)
        for s in db.session.scalars(stmt)
        if adapter.item_film_id(s) in instance.film_by_id and tids.get(s.theater_id) in instance.theater_by_id
    ]
    target = _engine(screening, edition, tids)
    if target.film not in instance.film_by_id or target.theater not in instance.theater_by_id:
        return WhyHere(screening.expected_attendance or 0, [], None, [], 0, known=False)
    result = scheduler.why_here(instance, placed, target, time_limit=time_limit)
    namer = Namer.for_edition(edition)
    places = [
        Place(
            theaters[a.screening.theater],
            adapter.aware_from_minute(a.screening.start, edition),
            a.value,
            tuple(dict.fromkeys(namer.problem(v).message for v in a.violations)),
        )
        for a in result.alternatives
    ]
    loss_theaters = [namer.theater(t) for t in result.loss.theaters] if result.loss else []
    minimum = instance.film_by_id[target.film].min_screenings
    return WhyHere(result.value, places, result.loss, loss_theaters, minimum)


def _engine(s: Screening, edition: Edition, tids: dict[int, str]) -> scheduler.Screening:
    return scheduler.Screening(
        parse_time(adapter.local_text(s.start, edition)),
        tids.get(s.theater_id, ""),
        adapter.item_film_id(s),
    )
