"""The plan rules that need no database: when two screenings clash for one visitor, and "plan my visit",
an exact small model that picks a clash-free set of screenings.

The travel-time rule (docs/audience.md): two screenings clash when they overlap, or when the second starts
less than the travel time after the first ends: no time in the same venue, ``venue_minutes`` between
venues of one city, ``city_minutes`` between cities.

"Plan my visit" is a CP-SAT model over the candidate screenings (the wanted films' screenings on the days
the visitor can come): one boolean per screening, at most one screening per film, no two clashing
screenings both chosen; it maximises, lexicographically, the number of films seen, then the fewest days
of the visit, then the earliest screenings (the least sum of start minutes after the first candidate).
The three tiers become one integer objective with weights that keep them apart. CP-SAT proves the
optimum for a visitor's dozens of candidates in milliseconds. It is a service of the audience area rather
than a part of the engine (scheduler/) because it plans one visitor's visit from the published
programme, not a timetable, and reads nothing of the instance format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class TravelRule:
    venue_minutes: int = 30
    city_minutes: int = 240


@dataclass(frozen=True)
class Slot:
    """A screening as the plan rules see it."""

    key: int  # the screening's id
    film: int  # the entry's id
    start: datetime
    end: datetime
    venue: int
    city: str | None = None
    day: date | None = None  # the local day of the start (for "fewest days")


def gap_needed(a: Slot, b: Slot, rule: TravelRule) -> timedelta:
    """The least time between the end of one screening and the start of the other."""
    if a.venue == b.venue:
        return timedelta(0)
    if a.city and b.city and a.city != b.city:
        return timedelta(minutes=rule.city_minutes)
    return timedelta(minutes=rule.venue_minutes)


def clash(a: Slot, b: Slot, rule: TravelRule) -> bool:
    """Whether one visitor cannot attend both screenings (overlap, or too little time to travel)."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    return second.start < first.end + gap_needed(first, second, rule)


def clashes(slots: Sequence[Slot], rule: TravelRule) -> list[tuple[Slot, Slot]]:
    """Every clashing pair of ``slots``, the earlier one first."""
    ordered = sorted(slots, key=lambda s: (s.start, s.key))
    return [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :] if clash(a, b, rule)]


def score(chosen: Sequence[Slot], candidates: Sequence[Slot]) -> tuple[int, int, int]:
    """The objective's three tiers of a choice (higher is better): films, -days, -start minutes."""
    if not chosen:
        return (0, 0, 0)
    origin = min(s.start for s in candidates)
    minutes = sum(int((s.start - origin).total_seconds() // 60) for s in chosen)
    return (len({s.film for s in chosen}), -len({s.day for s in chosen}), -minutes)


def propose(candidates: Sequence[Slot], rule: TravelRule, time_limit: float = 5.0) -> list[Slot]:
    """The best clash-free choice of at most one screening per film (see the module's docstring)."""
    if not candidates:
        return []
    origin = min(s.start for s in candidates)
    minutes = {s.key: int((s.start - origin).total_seconds() // 60) for s in candidates}
    days = sorted({s.day for s in candidates})
    films = sorted({s.film for s in candidates})
    model = cp_model.CpModel()
    x = {s.key: model.new_bool_var(f"s{s.key}") for s in candidates}
    for film in films:
        model.add_at_most_one(x[s.key] for s in candidates if s.film == film)
    for a, b in clashes(candidates, rule):
        model.add_bool_or([x[a.key].Not(), x[b.key].Not()])
    used = {d: model.new_bool_var(f"d{i}") for i, d in enumerate(days)}
    for s in candidates:
        model.add_implication(x[s.key], used[s.day])
    # tiers apart: all the minutes of one choice (at most one screening per film) weigh less than a day,
    # and all the days less than a film
    minute_total = sum(minutes.values()) + 1
    day_weight = minute_total
    film_weight = day_weight * (len(days) + 1)
    model.maximize(
        film_weight * sum(x.values())
        - day_weight * sum(used.values())
        - sum(minutes[k] * v for k, v in x.items())
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    return sorted((s for s in candidates if solver.value(x[s.key])), key=lambda s: s.start)
