"""Why films fall short of their minimum: a reason per film, and the demand of each group of theaters
against the time they are open."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..budget import UNLIMITED, Budget, OutOfTime
from ..check import check_screenings
from ..data import (
    Film,
    Instance,
    Screening,
    Shortfall,
    Theater,
    format_date,
    format_label,
    format_minutes,
)
from ..read import no_theater_problem
from .capacity import Capacity, GroupCapacity, Supply, counts
from .tours import tour_words

OUT_OF_TIME = "not worked out: the time limit ran out first ({scheduled} of {minimum} placed)"


def _group_name(film: Film, theater_ids: frozenset[str]) -> str:
    return f"{format_label(film.format)} theaters ({', '.join(sorted(theater_ids))})"


def open_minutes(instance: Instance, theater_ids, first: int, last: int, budget: Budget = UNLIMITED) -> int:
    """Free minutes (open, not unavailable) of the theaters between two days, both included."""
    return Supply(instance, budget).minutes(theater_ids, first, last)


@dataclass(frozen=True)
class CapacityNote:
    group: str
    films: int
    needed: int
    available: int
    first: int
    last: int

    @classmethod
    def of(cls, film: Film, group: GroupCapacity) -> CapacityNote:
        """A group's capacity named after one of its films' format."""
        theaters = frozenset(group.theaters)
        return cls(_group_name(film, theaters), len(group.films), group.needed, group.available, group.first,
                   group.last)  # fmt: skip

    def words(self) -> str:
        return (
            f"{self.group}: {self.films} films need {format_minutes(self.needed)} of screen time; "
            f"{format_minutes(self.available)} are open between their first and last dates "
            f"({format_date(self.first)}..{format_date(self.last)})"
        )


class Explainer:
    """Shortfall reasons and capacity notes for one instance, with what they share computed once (the
    theaters each kind of film can use, each group's note, each theater-day's longest free stretch), so
    explaining every film of a large instance stays cheap; ``budget`` bounds the work (OutOfTime)."""

    def __init__(self, instance: Instance, budget: Budget = UNLIMITED, supply: Supply | None = None):
        self.instance = instance
        self.budget = budget
        self.capacity = Capacity(instance, supply, budget)
        self._theaters: dict[tuple, tuple[Theater, ...]] = {}
        self._notes: dict[frozenset[str], CapacityNote] = {}
        self._longest: dict[tuple[str, int], int] = {}

    def theaters(self, film: Film) -> tuple[Theater, ...]:
        """The theaters that can show the film, in instance order."""
        key = (film.format, film.requires)
        if key not in self._theaters:
            self.budget.check()
            inst = self.instance
            self._theaters[key] = tuple(t for t in inst.theaters if inst.compatible(film, t))
        return self._theaters[key]

    def longest(self, theater: Theater, day: int) -> int:
        """The longest free stretch of a theater-day in minutes."""
        key = (theater.id, day)
        if key not in self._longest:
            self._longest[key] = max((b - a for a, b in self.instance.free_segments(theater, day)), default=0)
        return self._longest[key]

    def note(self, film: Film) -> CapacityNote:
        """Demand of the films confined to this film's theaters against the open time they share (the
        group's ``Capacity``, named after this film's format)."""
        group = frozenset(t.id for t in self.theaters(film))
        if group not in self._notes:
            self._notes[group] = CapacityNote.of(film, self.capacity.group_of(film))
        return self._notes[group]

    def reason(self, film: Film, scheduled: int = 0) -> str:
        """A human reason why the film gets fewer than min_screenings."""
        return self.why(film, scheduled).message

    def why(self, film: Film, scheduled: int = 0) -> Why:
        """Why the film gets fewer than min_screenings, as a value: which check (``code``), the values it
        names (``params``) and the English ``message`` (``reason``); see docs/scheduler.md."""
        inst = self.instance
        compatible = self.theaters(film)
        if not compatible:
            problem = no_theater_problem(film)
            return Why("no_theater", dict(problem.params), problem.message)
        if film.at_once == 0 or film.max_per_day == 0:
            which = "copies" if film.copies == 0 else "max_per_day"
            return Why("cannot_screen", {"which": which}, f"{which} is 0, so it cannot be screened")
        if film.max_screenings < film.min_screenings:
            message = f"max_screenings {film.max_screenings} is below min_screenings {film.min_screenings}"
            return Why("max_below_min", {"max": film.max_screenings, "min": film.min_screenings}, message)
        days = inst.film_days(film)
        if not len(days):
            message = (
                f"its allowed dates ({_limit(film.not_before)}..{_limit(film.not_after)}) "
                "do not meet the festival "
                f"window {format_date(inst.first_day)}..{format_date(inst.last_day)}"
            )
            window = {"not_before": film.not_before, "not_after": film.not_after}
            return Why(
                "no_dates", {**window, "first_day": inst.first_day, "last_day": inst.last_day}, message
            )
        first, last = days.start, days.stop - 1
        fitting_days = set()
        for t in compatible:
            self.budget.check()
            fitting_days.update(d for d in days if self.longest(t, d) >= inst.occupancy(film, t))
        theaters = tuple(t.id for t in compatible)
        if not fitting_days:
            message = (
                f"no compatible theater ({', '.join(theaters)}) is open for {film.runtime} "
                f"minutes in a row between {format_date(first)} and {format_date(last)}"
            )
            params = {"theaters": theaters, "runtime": film.runtime, "first": first, "last": last}
            return Why("no_long_stretch", params, message)
        if len(fitting_days) * film.max_per_day < film.min_screenings:
            most = len(fitting_days) * film.max_per_day
            message = (
                f"only {len(fitting_days)} days between {format_date(first)} and {format_date(last)} "
                f"can hold it and max_per_day is {film.max_per_day}: at most {most} screenings"
            )
            per_day = film.max_per_day
            params = {
                "days": len(fitting_days),
                "first": first,
                "last": last,
                "max_per_day": per_day,
                "most": most,
            }
            return Why("too_few_days", params, message)
        note = self.note(film)
        group = {"format": film.format, "theaters": tuple(sorted(t.id for t in compatible))}
        if note.needed > note.available:
            params = {**group, "films": note.films, "needed": note.needed, "available": note.available,
                      "first": note.first, "last": note.last}  # fmt: skip
            return Why("capacity", params, note.words())
        tours = ""
        if film.prints is not None:
            prints = "its only print" if film.prints == 1 else f"its {film.prints} prints"
            tours = f", or {prints} cannot reach the free places in time"
        message = (
            f"{note.group} time on its allowed dates ({format_date(first)}..{format_date(last)}) is taken by "
            f"pinned or higher-value screenings{tours} ({scheduled} of {film.min_screenings} placed)"
        )
        params = {**group, "first": first, "last": last, "scheduled": scheduled,
                  "minimum": film.min_screenings, "prints": film.prints}  # fmt: skip
        return Why("taken", params, message)


@dataclass(frozen=True)
class Why:
    """Why a film falls short of its minimum: ``code`` (``no_theater``, ``cannot_screen``,
    ``max_below_min``, ``no_dates``, ``no_long_stretch``, ``too_few_days``, ``capacity``, ``taken``), the
    values it names (``params``: days as date ordinals, minutes, theater ids) and the English ``message``."""

    code: str
    params: dict
    message: str


def capacity_note(instance: Instance, film: Film) -> CapacityNote:
    """Demand of the films confined to this film's theaters against the open time they share."""
    return Explainer(instance).note(film)


def shortfall_reason(instance: Instance, film: Film, scheduled: int = 0) -> str:
    """A human reason why the film gets fewer than min_screenings."""
    return Explainer(instance).reason(film, scheduled)


def _limit(day: int | None) -> str:
    return "no limit" if day is None else format_date(day)


def shortfalls(
    instance: Instance, screenings: list[Screening], budget: Budget = UNLIMITED
) -> tuple[Shortfall, ...]:
    """Every film scheduled fewer than min_screenings times, with its reason (a short one for the films
    left when the budget runs out)."""
    counts = Counter(s.film for s in screenings)
    explainer = Explainer(instance, budget)
    out = []
    for f in instance.films:
        if counts[f.id] < f.min_screenings:
            try:
                if budget.expired():  # at once for the films left, without starting their reasons
                    raise OutOfTime
                reason = explainer.reason(f, counts[f.id])
                if f.prints is not None:  # where its prints are, and when the next city could have them
                    reason = "; ".join([reason, *tour_words(instance, f, screenings)])
            except OutOfTime:
                reason = OUT_OF_TIME.format(scheduled=counts[f.id], minimum=f.min_screenings)
            out.append(Shortfall(f.id, f.min_screenings - counts[f.id], reason))
    return tuple(out)


def capacity_notes(instance: Instance, explainer: Explainer | None = None) -> list[CapacityNote]:
    """One note per group of compatible theaters, demand against open time (``capacity.capacity``), named
    after the format of the first film that can use exactly that group's theaters."""
    explainer = explainer or Explainer(instance)
    groups = {frozenset(g.theaters): g for g in explainer.capacity.groups()}
    seen = {}
    for f in instance.films:
        g = groups.pop(frozenset(explainer.capacity.theaters(f)), None) if counts(instance, f) else None
        if g is not None:
            note = CapacityNote.of(f, g)
            seen.setdefault(note.group, note)
    return [seen[k] for k in sorted(seen)]


def unknown_references(instance: Instance, screenings: list[Screening]) -> list[str]:
    """In words, each screening of a schedule that names a film or theater the instance does not have (the
    validator's rule "known ids")."""
    return [v.message for v in check_screenings(instance, screenings).violations if v.rule == "known ids"]
