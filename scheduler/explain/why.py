"""Why a screening sits where it is: its value there, the best other starts for it and what stops each
(the validator's violations), and what the timetable would lose without it (a local re-solve).

The other starts are the film's starts on each compatible theater's step, on the film's days, within the
venue's usual hours (from its earliest opening to its latest closing of the week, so that a closed day
or shorter hours show up as what stops a start), best value first and then nearest in time. Each is
checked with the validator (``check_screenings``) on the timetable with the screening moved there: the
violations the move adds are what stops it, and a start with none is a valid move. At most one valid and
one blocked start are kept per theater-day, so the list shows different places.

The loss: the screening's day in the theaters of its component at its venue (the theaters linked to its
own by films they can all show, ``improve.components``, in the same museum) is solved exactly twice with
the rest of the timetable fixed (``improve.exact_model``, as the neighbourhood search does): once as it
is, once with the film limited to one screening fewer there. The films' screenings on other days and at
other venues are taken off their counts and their day's limit; their copies running at other venues at
the same moment are not seen (a relaxation: the figure is an estimate there, exact within one venue).
The difference of the two objectives, each at least the timetable's own, is what the screening is worth
to the timetable (never negative: every timetable without it is a timetable with one screening fewer
allowed). A film that would fall below its minimum costs the shortfall penalty too; ``below_minimum``
says so. Building the models counts against the time limit.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from dataclasses import dataclass

from ..budget import UNLIMITED, Budget, OutOfTime
from ..check import Violation, check_screenings
from ..data import DAY, Film, Instance, Screening, Theater
from ..first.timetable import Timetable

ALTERNATIVES = 5
LOSS_SECONDS = 2.0  # the two local re-solves together


@dataclass(frozen=True)
class Alternative:
    """Another start for the screening: where (``screening``), its expected attendance there (``value``)
    and the violations a move there adds (``violations``; none: a valid move)."""

    screening: Screening
    value: int
    violations: tuple[Violation, ...]

    @property
    def valid(self) -> bool:
        return not self.violations


@dataclass(frozen=True)
class Loss:
    """What the timetable loses without the screening: ``objective`` (the solver's objective, penalties
    included) and ``attendance`` (expected visitors) of the best timetables found with and without it on
    the re-solved theater-days (``theaters`` on ``day``, a date ordinal); ``below_minimum``: the film would
    fall below its minimum; ``optimal``: both re-solves were proven optimal."""

    objective: int
    attendance: int
    below_minimum: bool
    theaters: tuple[str, ...]
    day: int
    optimal: bool


@dataclass(frozen=True)
class WhyHere:
    """Why a screening sits where it is: its ``value`` there, ``alternatives`` (best first) and ``loss``
    (None when the time ran out first)."""

    screening: Screening
    value: int
    alternatives: tuple[Alternative, ...]
    loss: Loss | None


def why_here(
    instance: Instance,
    screenings: list[Screening],
    screening: Screening,
    *,
    alternatives: int = ALTERNATIVES,
    time_limit: float = LOSS_SECONDS,
    deterministic: bool = False,
    budget: Budget = UNLIMITED,
) -> WhyHere:
    """Why ``screening`` (one of ``screenings``, a valid timetable of ``instance``) sits where it is; see
    the module's text. ``time_limit`` bounds the local re-solves; raises ValueError for a screening the
    timetable does not hold or whose film or theater the instance does not know."""
    film = instance.film_by_id.get(screening.film)
    theater = instance.theater_by_id.get(screening.theater)
    keys = {s.key for s in screenings}
    if film is None or theater is None or screening.key not in keys:
        raise ValueError(f"not a screening of the timetable: {screening}")
    value = instance.value(film, theater, screening.start)
    others = [s for s in screenings if s.key != screening.key]
    found = other_starts(instance, others, screening, alternatives, budget)
    try:
        loss = loss_without(
            instance, screenings, screening, time_limit=time_limit, deterministic=deterministic
        )
    except OutOfTime:
        loss = None
    return WhyHere(screening, value, tuple(found), loss)


# ---------------------------------------------------------------- other starts


def usual_hours(instance: Instance, theater: Theater) -> tuple[int, int]:
    """The minutes of the day a theater is open at the earliest and the latest in a week (a whole day
    for an online channel)."""
    if theater.online:
        return 0, DAY
    venue = instance.venue_by_id[theater.venue]
    spans = [iv for day in venue.hours for iv in day] + [
        iv for ivs in venue.special_hours.values() for iv in ivs
    ]
    if not spans:
        return 0, 0
    return min(a for a, _ in spans), max(b for _, b in spans)


def candidates(instance: Instance, film: Film, current: Screening) -> list[tuple[int, int, Screening]]:
    """Every other start of the film: (minus its value, distance in minutes, the screening), best first."""
    out = []
    for t in instance.theaters:
        if not instance.compatible(film, t):
            continue
        lo, hi = usual_hours(instance, t)
        occupancy = instance.occupancy(film, t)
        first = lo + (-lo % t.step)
        for day in instance.film_days(film):
            base = day * DAY
            for minute in range(first, max(first, hi - occupancy + 1), t.step):
                s = Screening(base + minute, t.id, film.id, current.print)
                if s.key != current.key:
                    out.append((-instance.value(film, t, s.start), abs(s.start - current.start), s))
    out.sort(key=lambda c: (c[0], c[1], c[2].theater, c[2].start))
    return out


def other_starts(
    instance: Instance, others: list[Screening], current: Screening, limit: int, budget: Budget = UNLIMITED
) -> list[Alternative]:
    """The best other starts of the screening's film with what stops each: at most ``limit``, with the best
    valid one among them when there is one (see the module's text). The incremental timetable of the first
    stage (``Timetable.can_place``) sorts each start into valid or not at once; the validator then says, for
    the starts kept, what stops them (and confirms the valid ones)."""
    film = instance.film_by_id[current.film]
    here = (current.theater, current.start // DAY)
    value = instance.value(film, instance.theater_by_id[current.theater], current.start)
    # the screening's own pin is the reason it stays, not what stops another start
    check = dataclasses.replace(instance, fixed=tuple(p for p in instance.fixed if p.key != current.key))
    table = Timetable(check)
    by_lane: dict[tuple[str, int], list[Screening]] = defaultdict(list)
    films, theaters = instance.film_by_id, instance.theater_by_id
    for s in others:
        by_lane[(s.theater, s.start // DAY)].append(s)
        if s.film in films and s.theater in theaters:
            table.place(films[s.film], theaters[s.theater], s.start, s.print)
    own = [s for s in others if s.film == film.id]
    kept: list[Alternative] = []
    seen: set[tuple[str, int, bool]] = set()
    for k, (minus, _, s) in enumerate(candidates(instance, film, current)):
        if k % 256 == 0 and budget.expired():
            break
        day = s.start // DAY
        lane = (s.theater, day)
        fits = table.can_place(film, theaters[s.theater], s.start)
        if (s.theater, day, fits) in seen or (fits and lane == here and -minus <= value):
            continue  # a valid start beside it that is worth no more is the same place
        near = [x for d in (day - 1, day, day + 1) for x in by_lane.get((s.theater, d), ())]
        near += [x for x in own if x.theater != s.theater or abs(x.start // DAY - day) > 1]
        before = set(check_screenings(check, near).violations)
        added = tuple(v for v in check_screenings(check, [*near, s]).violations if v not in before)
        seen.add((s.theater, day, fits))
        kept.append(Alternative(s, -minus, added))
        if len(kept) >= limit and any(a.valid for a in kept):
            break
    valid = [a for a in kept if a.valid][:1]
    rest = [a for a in kept if a not in valid]
    chosen = (valid + rest[: limit - 1]) if valid else kept[:limit]
    return sorted(chosen, key=lambda a: (-a.value, not a.valid, abs(a.screening.start - current.start)))


# ---------------------------------------------------------------- the loss


def loss_without(
    instance: Instance,
    screenings: list[Screening],
    screening: Screening,
    *,
    time_limit: float = LOSS_SECONDS,
    deterministic: bool = False,
) -> Loss:
    """What the timetable loses without the screening: its day in its component's theaters at its venue
    re-solved exactly with and without it (see the module's text); raises OutOfTime when the time limit
    is spent before both re-solves could start (or while a model is built)."""
    # imported here: the exact model loads OR-Tools' solvers, which a process that only reads and checks
    # timetables (the web app's) does not need
    from ..improve.components import components
    from ..improve.exact_model import build
    from ..improve.exact_solve import solve_exact

    started = time.monotonic()
    day = screening.start // DAY
    comps, _ = components(instance)
    comp = next(c for c in comps if screening.theater in c.theaters)
    # the affected theater-days: the component's theaters at the screening's venue (a whole component can
    # span a country's partner museums)
    venue = instance.theater_by_id[screening.theater].venue
    order = [t for t in comp.theaters if instance.theater_by_id[t].venue == venue]
    theaters, films = set(order), set(comp.films)
    inside = [s for s in screenings if s.theater in theaters and s.start // DAY == day and s.film in films]
    count, that_day, on_day = defaultdict(int), defaultdict(int), defaultdict(int)
    for s in screenings:
        count[s.film] += 1
        that_day[s.film] += s.start // DAY == day
    for s in inside:
        on_day[s.film] += 1

    def sub_film(f: Film, fewer: bool) -> Film:
        """The film on the day alone: its screenings elsewhere taken off its counts; with ``fewer``, at
        most one screening fewer than it has there now."""
        elsewhere = count[f.id] - on_day[f.id]
        most = on_day[f.id] - 1 if fewer else f.max_screenings - elsewhere
        per_day = f.max_per_day - (that_day[f.id] - on_day[f.id])  # its other venues' screenings that day
        return dataclasses.replace(
            f, min_screenings=max(0, f.min_screenings - elsewhere), max_screenings=max(0, most),
            max_per_day=max(0, per_day),
        )  # fmt: skip

    def local(fewer: bool):
        films_now = tuple(
            sub_film(f, fewer and f.id == screening.film) for f in instance.films if f.id in films
        )
        pins = tuple(
            p for p in instance.fixed
            if p.theater in theaters and p.start // DAY == day and not (fewer and p.key == screening.key)
        )  # fmt: skip
        previous = tuple(p for p in instance.previous if p.theater in theaters and p.start // DAY == day)
        sub = dataclasses.replace(
            instance, first_day=day, last_day=day, films=films_now, fixed=pins, previous=previous
        )
        budget = UNLIMITED if deterministic else Budget.after(max(0.0, left()))
        return sub, build(sub, [f.id for f in films_now], order, budget)

    left = lambda: time_limit - (time.monotonic() - started)  # noqa: E731
    results = []
    for fewer in (False, True):
        if not deterministic and left() <= 0.05:
            raise OutOfTime
        sub, model = local(fewer)
        hint = [s for s in inside if not (fewer and s.key == screening.key)]
        own = model.objective_of(hint) if not model.infeasible else None
        res = solve_exact(
            model,
            hint=hint,
            time_limit=time_limit / 2 if deterministic else max(0.05, left() / (2 if not fewer else 1)),
            seed=0,
            deterministic=deterministic,
            stop=lambda: False,
        )
        best = hint if res.screenings is None or (own is not None and res.objective < own) else res.screenings
        results.append((model.objective_of(best), _attendance(sub, best), res.optimal, best))
    (with_obj, with_att, with_opt, _), (without_obj, without_att, without_opt, _) = results
    if (
        without_obj > with_obj
    ):  # a timetable without it is one with it allowed: the better one counts for both
        with_obj, with_att = without_obj, without_att
    return Loss(
        objective=with_obj - without_obj,
        attendance=with_att - without_att,
        below_minimum=count[screening.film] - 1 < instance.film_by_id[screening.film].min_screenings,
        theaters=tuple(order),
        day=day,
        optimal=with_opt and without_opt,
    )


def _attendance(instance: Instance, screenings: list[Screening]) -> int:
    films, theaters = instance.film_by_id, instance.theater_by_id
    return sum(instance.value(films[s.film], theaters[s.theater], s.start) for s in screenings)
