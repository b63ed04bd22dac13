"""Checking a timetable: every hard rule and the objective of the spec, independent of any solver (the
oracle of the tests and of every candidate the solver keeps)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .data import DAY, Instance, Screening, city_words, date_words, days_words, format_date, format_time
from .read import read_screenings

RULES = (
    "known ids",
    "compatibility",
    "window",
    "opening hours",
    "start step",
    "one screening at a time",
    "copies",
    "counts",
    "pinned",
    "prints",
)


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``rule`` (one of ``RULES``, or ``format``), the English ``message``, and for
    the web app the facts it names: ``code`` (which check of the rule, e.g. ``overlap``, ``print_transit``;
    see docs/scheduler.md), the ``film``, the ``screenings`` involved (the one that breaks the rule first,
    then the one it collides with; with their prints), the ``print`` and the ids, minutes and numbers of
    the message (``params``: e.g. ``changeover``, ``days_needed``, ``city_a``)."""

    rule: str
    message: str
    code: str = ""
    film: str | None = None
    screenings: tuple[Screening, ...] = ()
    print: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def screening(self) -> Screening | None:
        """The screening that breaks the rule, if one does."""
        return self.screenings[0] if self.screenings else None

    @property
    def other(self) -> Screening | None:
        """The screening it collides with (an overlap, a print's next stop), if any."""
        return self.screenings[1] if len(self.screenings) > 1 else None


@dataclass(frozen=True)
class Report:
    """Outcome of checking a schedule: violations in words and the recomputed objective."""

    violations: tuple[Violation, ...]
    objective: int
    attendance: int
    shortfall: int
    changes: int
    counts: dict[str, int] = field(default_factory=dict, hash=False)

    @property
    def valid(self) -> bool:
        return not self.violations


def _describe(s: Screening) -> str:
    return f"{s.film} in {s.theater} at {format_time(s.start)}"


def check_screenings(instance: Instance, screenings: Sequence[Screening]) -> Report:
    """Check parsed screenings against every hard rule and recompute the objective."""
    return _check(instance, list(screenings), [])


def check_json(instance: Instance, data: Any) -> Report:
    """Check a (possibly hand-made, possibly malformed) schedule object; problems of its shape become
    violations of the rule ``format`` (``screenings[3].start: must be a time YYYY-MM-DDTHH:MM``)."""
    screenings, problems = read_screenings(data)
    return _check(instance, screenings, [Violation("format", str(p), "schedule_shape") for p in problems])


def _check(instance: Instance, screenings: list[Screening], problems: list[Violation]) -> Report:
    out = problems
    films, theaters = instance.film_by_id, instance.theater_by_id
    known: list[Screening] = []
    for s in screenings:
        missing = [
            f"unknown {kind} {ident!r}"
            for kind, ident, table in (("film", s.film, films), ("theater", s.theater, theaters))
            if ident not in table
        ]
        if missing:
            unknown = tuple(
                k for k, table in (("film", films), ("theater", theaters)) if getattr(s, k) not in table
            )
            message = f"{_describe(s)}: {' and '.join(missing)}"
            out.append(
                Violation("known ids", message, "unknown_ids", s.film, (s,), params={"unknown": unknown})
            )
        else:
            known.append(s)
    for s in known:
        _check_single(instance, s, out)
    _check_theaters(instance, known, out)
    _check_copies(instance, known, out)
    _check_prints(instance, known, out)
    counts = _check_counts(instance, known, out)
    present = {s.key for s in known}
    for p in instance.fixed:
        if p.key not in present:
            message = f"pinned screening {_describe(p)} is missing"
            out.append(Violation("pinned", message, "pin_missing", p.film, (p,)))
    attendance = sum(instance.value(films[s.film], theaters[s.theater], s.start) for s in known)
    shortfall = sum(max(0, f.min_screenings - counts.get(f.id, 0)) for f in instance.films)
    changes = sum(1 for p in instance.previous if p.key not in present)
    w = instance.weights
    objective = attendance - w.shortfall_penalty * shortfall - w.change_penalty * changes
    return Report(tuple(out), objective, attendance, shortfall, changes, counts)


def _check_single(instance: Instance, s: Screening, out: list[Violation]) -> None:
    f, t = instance.film_by_id[s.film], instance.theater_by_id[s.theater]
    what = _describe(s)
    if f.format not in t.formats:
        message = f"{what}: {t.id} cannot show format {f.format}"
        out.append(
            Violation("compatibility", message, "wrong_format", f.id, (s,), params={"format": f.format})
        )
    missing = sorted(f.requires - t.features)
    if missing:
        message = f"{what}: {t.id} lacks feature(s) {', '.join(missing)}"
        params: dict[str, Any] = {"missing": tuple(missing)}
        out.append(Violation("compatibility", message, "missing_features", f.id, (s,), params=params))
    day = s.start // DAY
    if not instance.first_day <= day <= instance.last_day:
        first, last = format_date(instance.first_day), format_date(instance.last_day)
        message = f"{what}: outside the festival {first}..{last}"
        window = {"first_day": instance.first_day, "last_day": instance.last_day}
        out.append(Violation("window", message, "festival_window", f.id, (s,), params=window))
    if f.not_before is not None and day < f.not_before:
        message = f"{what}: before the film's first date {format_date(f.not_before)}"
        out.append(Violation("window", message, "film_not_before", f.id, (s,), params={"day": f.not_before}))
    if f.not_after is not None and day > f.not_after:
        message = f"{what}: after the film's last date {format_date(f.not_after)}"
        out.append(Violation("window", message, "film_not_after", f.id, (s,), params={"day": f.not_after}))
    end = s.start + instance.occupancy(f, t)
    hours = () if t.online else instance.opening(t, day)
    if t.online:  # rule 4 online: the window within the festival, whatever the venue's hours
        if not instance.first_day * DAY <= s.start or end > (instance.last_day + 1) * DAY:
            out.append(
                Violation(
                    "opening hours",
                    f"{what}: the online window [{format_time(s.start)}, {format_time(end)}) does not end "
                    f"by the end of the festival ({format_date(instance.last_day)} 24:00)",
                    "online_window",
                    f.id,
                    (s,),
                    params={"end": end, "last_day": instance.last_day},
                )
            )
    elif not any(a <= s.start and end <= b for a, b in hours):
        message = (
            f"{what}: [{format_time(s.start)}, {format_time(end)}) is not inside an opening interval "
            f"of venue {t.venue} on {format_date(day)}"
        )
        where = {"venue": t.venue, "day": day, "end": end, "hours": hours, "why": _closed(instance, t, day)}
        code = "outside_hours" if hours else "closed"
        out.append(Violation("opening hours", message, code, f.id, (s,), params=where))
    for a, b in t.unavailable:
        if a < end and s.start < b:
            message = f"{what}: overlaps {t.id} unavailable from {format_time(a)} to {format_time(b)}"
            block = {"from": a, "until": b, "end": end}
            out.append(Violation("opening hours", message, "unavailable", f.id, (s,), params=block))
    if (s.start % DAY) % t.step:
        message = f"{what}: start is not on a multiple of {t.step} minutes"
        out.append(Violation("start step", message, "start_step", f.id, (s,), params={"step": t.step}))


def _closed(instance: Instance, theater, day: int) -> str | None:
    """Why the theater's venue has no opening at all on a day: ``closed_date``, ``special_hours`` (a
    special day with no hours) or ``weekday`` (its weekly hours); None when it opens."""
    venue = instance.venue_by_id[theater.venue]
    if day in venue.closed_dates:
        return "closed_date"
    if venue.opening(day):
        return None
    return "special_hours" if day in venue.special_hours else "weekday"


def _check_theaters(instance: Instance, known: list[Screening], out: list[Violation]) -> None:
    by_theater: dict[str, list[Screening]] = defaultdict(list)
    for s in known:
        by_theater[s.theater].append(s)
    films = instance.film_by_id
    for tid, items in by_theater.items():
        t = instance.theater_by_id[tid]
        items.sort()
        # the latest end so far: a screening must start changeover after every earlier one ends
        latest: Screening | None = None
        latest_end = 0
        for s in items:
            if latest is not None and s.start < latest_end + t.changeover:
                out.append(
                    Violation(
                        "one screening at a time",
                        f"{_describe(s)}: starts before {_describe(latest)} ends plus the "
                        f"{t.changeover}-minute changeover ({format_time(latest_end + t.changeover)})",
                        "overlap",
                        s.film,
                        (s, latest),
                        params={
                            "end": latest_end,
                            "changeover": t.changeover,
                            "free": latest_end + t.changeover,
                        },
                    )
                )
            end = s.start + (t.window if t.online else films[s.film].runtime)  # instance.occupancy, inlined
            if latest is None or end > latest_end:
                latest, latest_end = s, end


def _check_copies(instance: Instance, known: list[Screening], out: list[Violation]) -> None:
    """Rule 7: online screenings do not count, and films with prints follow rule 10 instead."""
    by_film: dict[str, list[Screening]] = defaultdict(list)
    theaters, films = instance.theater_by_id, instance.film_by_id
    for s in known:
        if not theaters[s.theater].online and films[s.film].prints is None:
            by_film[s.film].append(s)
    for fid, items in by_film.items():
        f = instance.film_by_id[fid]
        events = sorted([(s.start, 1, s) for s in items] + [(s.start + f.runtime, -1, s) for s in items])
        running = 0
        reported = False
        for when, delta, s in events:
            running += delta
            if running > f.copies and not reported:
                out.append(
                    Violation(
                        "copies",
                        f"film {fid}: {running} screenings run at once at {format_time(when)} "
                        f"(copies: {f.copies}), e.g. {_describe(s)}",
                        "copies",
                        fid,
                        (s,),
                        params={"film": fid, "running": running, "copies": f.copies, "at": when},
                    )
                )
                reported = True
            if running <= f.copies:
                reported = False


def _check_counts(instance: Instance, known: list[Screening], out: list[Violation]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    per_day: dict[tuple[str, int], int] = defaultdict(int)
    for s in known:
        counts[s.film] += 1
        per_day[(s.film, s.start // DAY)] += 1
    for fid, n in sorted(counts.items()):
        f = instance.film_by_id[fid]
        if n > f.max_screenings:
            message = f"film {fid}: {n} screenings, more than max_screenings {f.max_screenings}"
            limit = {"film": fid, "count": n, "max": f.max_screenings}
            out.append(Violation("counts", message, "max_screenings", fid, params=limit))
    for (fid, day), n in sorted(per_day.items()):
        f = instance.film_by_id[fid]
        if n > f.max_per_day:
            out.append(
                Violation(
                    "counts",
                    f"film {fid}: {n} screenings on {format_date(day)}, "
                    f"more than max_per_day {f.max_per_day}",
                    "max_per_day",
                    fid,
                    params={"film": fid, "day": day, "count": n, "max": f.max_per_day},
                )  # fmt: skip
            )
    return dict(counts)


def _check_prints(instance: Instance, known: list[Screening], out: list[Violation]) -> None:
    """Rule 10: every room screening of a film with prints names one of them; a print's screenings never
    overlap, and two consecutive ones in different cities are at least the transit days apart."""
    if not instance.touring and all(s.print is None for s in known):
        return  # no film has prints and no screening names one
    theaters, films = instance.theater_by_id, instance.film_by_id
    tours: dict[tuple[str, int], list[Screening]] = defaultdict(list)
    for s in known:
        f, t = films[s.film], theaters[s.theater]
        what = _describe(s)
        if f.prints is None or t.online:
            if s.print is not None:
                why = "the film has no prints" if f.prints is None else "online screenings use no print"
                message = f"{what}: names print {s.print}, but {why}"
                out.append(Violation("prints", message, "print_not_needed", f.id, (s,), s.print))
        elif s.print is None:
            message = f"{what}: names no print ({f.title} has {_prints(f.prints)})"
            out.append(Violation("prints", message, "print_missing", f.id, (s,), None, {"prints": f.prints}))
        elif not 1 <= s.print <= f.prints:
            message = f"{what}: print {s.print} is not one of the {_prints(f.prints)} of {f.title}"
            params = {"prints": f.prints}
            out.append(Violation("prints", message, "print_out_of_range", f.id, (s,), s.print, params))
        else:
            tours[(f.id, s.print)].append(s)
    city = instance.city_of
    for (fid, k), items in sorted(tours.items()):
        f = films[fid]
        items.sort()
        for a, b in zip(items, items[1:], strict=False):
            ca, cb = city[a.theater], city[b.theater]
            end = a.start + f.runtime
            if b.start < end:
                out.append(
                    Violation(
                        "prints",
                        f"print {k} of {f.title} is screened in {city_words(ca)} from {format_time(a.start)} "
                        f"to {format_time(end)} and in {city_words(cb)} from {format_time(b.start)}: one "
                        f"print cannot show two screenings at once ({_describe(a)}; {_describe(b)})",
                        "print_overlap",
                        fid,
                        (a, b),
                        k,
                        {"city_a": ca, "city_b": cb},
                    )
                )
                continue
            need = instance.transit_days(ca, cb)
            da, db = a.start // DAY, b.start // DAY
            if db - da < need:
                out.append(
                    Violation(
                        "prints",
                        f"print {k} of {f.title} is screened in {city_words(ca)} on {date_words(da)} "
                        f"and in {city_words(cb)} on {date_words(db)}: {days_words(need)} "
                        f"needed between the two cities ({_describe(a)}, then {_describe(b)})",
                        "print_transit",
                        fid,
                        (a, b),
                        k,
                        {"city_a": ca, "city_b": cb, "days_needed": need, "days": db - da},
                    )
                )


def _prints(n: int) -> str:
    return "1 print" if n == 1 else f"{n} prints"
