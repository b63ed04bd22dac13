"""Demand settings: how many people a screening draws by weekday, date and hour, what a missing screening
costs and what moving a published screening costs, and the calendar of resulting day weights.

Staff type weekday weights, hour ranges, a weight for public holidays and one for make-up working days
(the edition's holiday list says which days those are), school breaks as date ranges, and the two
costs. ``compose`` turns them into the scheduler's ``weights`` (stored on ``Edition.schedule_weights``,
which the timetable's adapter reads); ``DemandSettings.errors`` holds the value rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from festival import audit
from festival.editions import lifecycle
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Edition, User
from festival.models.enums import HolidayKind

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# the scheduler's own limits (scheduler/read/limits.py: MAX_WEIGHT, MAX_PENALTY)
MAX_WEIGHT = 1_000.0
MAX_COST = 1_000_000_000
DEFAULT_SHORTFALL_COST = 1_000_000
# The cost of moving (or dropping) a published screening, in expected visitors, when the demand settings name
# none: more than any theater of the demo seats, far below a film's missing minimum (the shortfall cost), so a
# re-solve moves a published screening only to give a film its minimum or when a rule forces it, never for a
# few more visitors.
DEFAULT_MOVE_COST = 1_000
DEFAULT_DAY = {"mon": 1.0, "tue": 1.0, "wed": 1.0, "thu": 1.0, "fri": 1.1, "sat": 1.5, "sun": 1.5}
DEFAULT_HOLIDAY_WEIGHT = 2.0
DEFAULT_WORKDAY_WEIGHT = 1.0


@dataclass
class Break:
    first: date
    last: date
    weight: float
    name: str = ""

    def as_json(self) -> dict:
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "weight": self.weight,
            "name": self.name,
        }


@dataclass
class DemandSettings:
    """What staff set on the demand page (read from an edition with ``of``, saved with ``save``)."""

    day: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_DAY))
    hours: list[tuple[str, str, float]] = field(default_factory=list)
    holiday_weight: float = DEFAULT_HOLIDAY_WEIGHT
    workday_weight: float = DEFAULT_WORKDAY_WEIGHT
    breaks: list[Break] = field(default_factory=list)
    shortfall_cost: int = DEFAULT_SHORTFALL_COST
    move_cost: int = DEFAULT_MOVE_COST

    @classmethod
    def of(cls, edition: Edition) -> DemandSettings:
        weights = edition.schedule_weights or {}
        inputs = edition.demand or {}
        day = {**DEFAULT_DAY, **(weights.get("day") or {})} if weights else dict(DEFAULT_DAY)
        return cls(
            day={k: float(day[k]) for k in WEEKDAYS},
            hours=[(a, b, float(w)) for a, b, w in weights.get("hour") or []],
            holiday_weight=float(inputs.get("holiday_weight", DEFAULT_HOLIDAY_WEIGHT)),
            workday_weight=float(inputs.get("workday_weight", DEFAULT_WORKDAY_WEIGHT)),
            breaks=[
                Break(
                    date.fromisoformat(b["first"]),
                    date.fromisoformat(b["last"]),
                    float(b["weight"]),
                    b.get("name", ""),
                )
                for b in inputs.get("breaks") or []
            ],
            shortfall_cost=int(weights.get("shortfall_penalty", DEFAULT_SHORTFALL_COST)),
            move_cost=int(weights.get("change_penalty", DEFAULT_MOVE_COST)),
        )

    def errors(self, edition: Edition) -> dict[str, list[object]]:
        """The value rules, by form field: weights finite in [0, MAX_WEIGHT], costs whole numbers in
        [0, MAX_COST], hour ranges ordered and not overlapping, breaks ordered and within a year of the
        screening window."""
        errors: dict[str, list[object]] = {}

        def weight(name: str, value: float) -> None:
            if not (math.isfinite(value) and 0 <= value <= MAX_WEIGHT):
                errors.setdefault(name, []).append(
                    _l("A weight is a number from 0 to %(max)s.", max=f"{MAX_WEIGHT:g}")
                )

        for key in WEEKDAYS:
            weight(key, self.day[key])
        weight("holiday_weight", self.holiday_weight)
        weight("workday_weight", self.workday_weight)
        for name, value in (("shortfall_cost", self.shortfall_cost), ("move_cost", self.move_cost)):
            if not 0 <= value <= MAX_COST:
                errors.setdefault(name, []).append(
                    _l("A cost is a whole number from 0 to %(max)s.", max=MAX_COST)
                )
        previous_end = ""
        for start, end, value in sorted(self.hours):
            if not (start < end):
                errors.setdefault("hours", []).append(
                    _l("%(start)s–%(end)s: the end must come after the start.", start=start, end=end)
                )
            elif start < previous_end:
                errors.setdefault("hours", []).append(
                    _l("%(start)s–%(end)s overlaps the range before it.", start=start, end=end)
                )
            if not (math.isfinite(value) and 0 <= value <= MAX_WEIGHT):
                errors.setdefault("hours", []).append(
                    _l("A weight is a number from 0 to %(max)s.", max=f"{MAX_WEIGHT:g}")
                )
            previous_end = max(previous_end, end)
        reach = timedelta(days=366)
        for b in self.breaks:
            if b.last < b.first:
                errors.setdefault("breaks", []).append(
                    _l(
                        "%(first)s to %(last)s: the last day comes before the first.",
                        first=b.first,
                        last=b.last,
                    )
                )
            elif b.first < edition.first_day - reach or b.last > edition.last_day + reach:
                errors.setdefault("breaks", []).append(
                    _l("%(first)s to %(last)s is not near the screening window.", first=b.first, last=b.last)
                )
            if not (math.isfinite(b.weight) and 0 <= b.weight <= MAX_WEIGHT):
                errors.setdefault("breaks", []).append(
                    _l("A weight is a number from 0 to %(max)s.", max=f"{MAX_WEIGHT:g}")
                )
        return errors


def date_weights(edition: Edition, settings: DemandSettings) -> dict[date, float]:
    """The weight of each date that differs from its weekday's: school breaks, then the edition's holidays
    and make-up working days over them."""
    dates: dict[date, float] = {}
    for b in settings.breaks:
        day = max(b.first, edition.first_day)
        while day <= min(b.last, edition.last_day):
            dates[day] = b.weight
            day += timedelta(days=1)
    for holiday in edition.holidays:
        if edition.first_day <= holiday.day <= edition.last_day:
            kind = holiday.kind
            dates[holiday.day] = (
                settings.holiday_weight if kind == HolidayKind.HOLIDAY else settings.workday_weight
            )
    return dates


def compose(edition: Edition, settings: DemandSettings) -> dict:
    """The scheduler's ``weights`` for these settings (spec/schedule-instance.md, weights)."""
    return {
        "day": {k: settings.day[k] for k in WEEKDAYS},
        "date": {d.isoformat(): w for d, w in sorted(date_weights(edition, settings).items())},
        "hour": [[a, b, w] for a, b, w in sorted(settings.hours)],
        "shortfall_penalty": settings.shortfall_cost,
        "change_penalty": settings.move_cost,
    }


def move_cost(edition: Edition) -> int:
    """The cost of moving a published screening in a re-solve (DEFAULT_MOVE_COST when none is set)."""
    value = (edition.schedule_weights or {}).get("change_penalty")
    return DEFAULT_MOVE_COST if value is None else int(value)


@dataclass(frozen=True)
class CalendarDay:
    day: date
    weight: float
    level: int  # 0..5, for the colour
    note: str  # the holiday or break that sets it, if any


def calendar(edition: Edition, settings: DemandSettings) -> list[list[CalendarDay | None]]:
    """The screening window as weeks (Monday first) of day weights, ``None`` outside the window: the heat
    map staff see before saving."""
    dates = date_weights(edition, settings)
    notes = {b_day: b.name for b in settings.breaks for b_day in _days(b.first, b.last)}
    notes.update({h.day: h.name for h in edition.holidays})
    weights = {
        d: dates.get(d, settings.day[WEEKDAYS[d.weekday()]])
        for d in _days(edition.first_day, edition.last_day)
    }
    top = max(weights.values(), default=0.0) or 1.0
    weeks: list[list[CalendarDay | None]] = []
    monday = edition.first_day - timedelta(days=edition.first_day.weekday())
    while monday <= edition.last_day:
        week: list[CalendarDay | None] = []
        for offset in range(7):
            d = monday + timedelta(days=offset)
            if d in weights:
                w = weights[d]
                week.append(CalendarDay(d, w, min(5, round(5 * w / top)), notes.get(d, "")))
            else:
                week.append(None)
        weeks.append(week)
        monday += timedelta(days=7)
    return weeks


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def save(edition: Edition, settings: DemandSettings, *, actor: User) -> None:
    """Store the settings: the inputs on ``Edition.demand`` and the composed weights on
    ``Edition.schedule_weights``. Raises InvalidInput (by field) or InvalidTransition (archived); the
    change is in the audit log."""
    lifecycle.require(edition, lifecycle.Action.EDIT)
    errors = settings.errors(edition)
    if errors:
        raise InvalidInput(errors=errors)
    before = _summary(DemandSettings.of(edition))
    edition.demand = {
        "holiday_weight": settings.holiday_weight,
        "workday_weight": settings.workday_weight,
        "breaks": [b.as_json() for b in sorted(settings.breaks, key=lambda b: b.first)],
    }
    edition.schedule_weights = compose(edition, settings)
    db.session.flush()
    audit.record_changes(
        edition, actor=actor, action="edition.demand", before=before, after=_summary(settings)
    )


def recompose(edition: Edition) -> None:
    """The holidays changed: the stored weights follow (same settings)."""
    edition.schedule_weights = compose(edition, DemandSettings.of(edition))


def _summary(settings: DemandSettings) -> dict:
    return {
        "weekday_weights": ", ".join(f"{k} {settings.day[k]:g}" for k in WEEKDAYS),
        "hour_weights": ", ".join(f"{a}–{b} {w:g}" for a, b, w in sorted(settings.hours)),
        "holiday_weight": settings.holiday_weight,
        "workday_weight": settings.workday_weight,
        "breaks": ", ".join(f"{b.first}–{b.last} {b.weight:g}" for b in settings.breaks),
        "shortfall_cost": settings.shortfall_cost,
        "move_cost": settings.move_cost,
    }
