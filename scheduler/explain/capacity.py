"""Screen time by theater group: what the films need against what the rooms offer (the capacity reasoning
of ``explain``, and what the web app shows curators while they select films).

A *theater group* is the set of theaters one film can use (format and features). The films whose
theaters all lie in the group compete for its time: together they need ``min_screenings x (runtime +
changeover)`` minutes, against the group's free minutes (open, not unavailable) between the first and the
last of their allowed dates. When the need exceeds the time, no timetable gives every one of them its
minimum. ``Supply`` holds the free minutes of every theater-day once, so a caller asking about many
selections (the web app, one request per staged decision) reads them without walking the days again.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from ..budget import UNLIMITED, Budget
from ..data import Film, Instance, base_end


class Supply:
    """Free minutes (open, not unavailable) of the theaters of an instance, day by day, as running sums:
    ``minutes(theaters, first, last)`` costs one subtraction per theater once a theater's sums are known
    (worked out the first time it is asked, so that an explanation that needs one group walks only that
    group's days). It depends on the venues, the theaters and the screening window only, not on the films,
    so one supply serves every instance with the same rooms (``key``)."""

    def __init__(self, instance: Instance, budget: Budget = UNLIMITED):
        self.instance = instance
        self.budget = budget
        self.first_day, self.last_day = instance.first_day, instance.last_day
        self._sums: dict[str, list[int]] = {}

    @staticmethod
    def key(instance: Instance) -> tuple:
        """What the supply depends on: the window, the venues and the theaters (hashable)."""
        return (instance.first_day, instance.last_day, instance.venues, instance.theaters)

    def _running(self, theater_id: str) -> list[int] | None:
        if theater_id not in self._sums:
            t = self.instance.theater_by_id.get(theater_id)
            if t is None:
                return None
            self.budget.check()
            per_day = []
            for day in self.instance.days:
                end = base_end(day)  # an online channel's segments run on past the day: only its part counts
                per_day.append(sum(min(b, end) - a for a, b in self.instance.free_segments(t, day)))
            self._sums[theater_id] = [0, *accumulate(per_day)]
        return self._sums[theater_id]

    def minutes(self, theater_ids, first: int, last: int) -> int:
        """Free minutes of the theaters between two days, both included (clipped to the window)."""
        lo = max(first, self.first_day) - self.first_day
        hi = min(last, self.last_day) - self.first_day + 1
        if hi <= lo:
            return 0
        total = 0
        for t in theater_ids:
            sums = self._running(t)
            if sums is not None:
                total += sums[hi] - sums[lo]
        return total


@dataclass(frozen=True)
class GroupCapacity:
    """One theater group: its theaters (ids, instance order), the films confined to it (ids), the minutes
    they need at their minimum (``min_screenings x (runtime + changeover)``, the group's smallest
    changeover), the free minutes between their first and last allowed days (date ordinals)."""

    theaters: tuple[str, ...]
    films: tuple[str, ...]
    formats: tuple[str, ...]
    needed: int
    available: int
    first: int
    last: int
    changeover: int

    @property
    def remaining(self) -> int:
        """Free minutes left once every film has its minimum (negative: short)."""
        return self.available - self.needed

    @property
    def short(self) -> bool:
        return self.needed > self.available


@dataclass(frozen=True)
class FilmUse:
    """What a selection of films (usually one) takes of its theater group: ``uses`` minutes of the
    ``before`` minutes that remained without them (``share``, None when none remained), and how many more
    films like them (``each`` minutes apiece, their mean) still fit after them (``more``)."""

    films: tuple[str, ...]
    group: GroupCapacity
    uses: int
    before: int
    each: int

    @property
    def share(self) -> float | None:
        return self.uses / self.before if self.before > 0 else None

    @property
    def more(self) -> int:
        return max(0, self.group.remaining) // self.each if self.each > 0 else 0


def film_need(film: Film, changeover: int) -> int:
    """Minutes a film needs of its group at its minimum: each screening with the changeover after it."""
    return film.min_screenings * (film.runtime + changeover)


def counts(instance: Instance, film: Film) -> bool:
    """Whether a film counts in the capacity of its group: it has a minimum and allowed dates."""
    return film.min_screenings > 0 and len(instance.film_days(film)) > 0


class Capacity:
    """The theater groups of one instance, each worked out once (``group_of`` a film), on a ``Supply``
    (built here unless given: the app passes a cached one); ``budget`` bounds the work (OutOfTime)."""

    def __init__(self, instance: Instance, supply: Supply | None = None, budget: Budget = UNLIMITED):
        self.instance = instance
        self.budget = budget
        self.supply = supply if supply is not None else Supply(instance, budget)
        self._theaters: dict[tuple, tuple[str, ...]] = {}
        self._groups: dict[frozenset[str], GroupCapacity | None] = {}

    def theaters(self, film: Film) -> tuple[str, ...]:
        """Ids of the theaters that can show the film, in instance order."""
        key = (film.format, film.requires)
        if key not in self._theaters:
            self.budget.check()
            inst = self.instance
            self._theaters[key] = tuple(t.id for t in inst.theaters if inst.compatible(film, t))
        return self._theaters[key]

    def group_of(self, film: Film) -> GroupCapacity | None:
        """The group of the film's theaters (None when no theater can show it or no film counts there)."""
        ids = self.theaters(film)
        if not ids:
            return None
        group = frozenset(ids)
        if group not in self._groups:
            self._groups[group] = self._group(ids, group)
        return self._groups[group]

    def _group(self, ids: tuple[str, ...], group: frozenset[str]) -> GroupCapacity | None:
        inst = self.instance
        members = []
        for k, f in enumerate(inst.films):
            if k % 256 == 0:
                self.budget.check()
            if counts(inst, f):
                ts = self.theaters(f)
                if ts and group.issuperset(ts):
                    members.append(f)
        if not members:
            return None
        first = min(inst.film_days(f).start for f in members)
        last = max(inst.film_days(f).stop - 1 for f in members)
        change = min(t.changeover for t in inst.theaters if t.id in group)
        return GroupCapacity(
            theaters=ids,
            films=tuple(f.id for f in members),
            formats=tuple(sorted({f.format for f in members})),
            needed=sum(film_need(f, change) for f in members),
            available=self.supply.minutes(ids, first, last),
            first=first,
            last=last,
            changeover=change,
        )

    def groups(self) -> list[GroupCapacity]:
        """Every group some counted film uses, sorted by its formats and theaters."""
        found: dict[frozenset[str], GroupCapacity] = {}
        for f in self.instance.films:
            if counts(self.instance, f):
                g = self.group_of(f)
                if g is not None:
                    found.setdefault(frozenset(g.theaters), g)
        return sorted(found.values(), key=lambda g: (g.formats, g.theaters))

    def use(self, film_ids) -> list[FilmUse]:
        """What the films take of their groups, one ``FilmUse`` per group they fall in (films that do not
        count, or that no theater can show, are left out)."""
        by_id = self.instance.film_by_id
        chosen: dict[frozenset[str], list[Film]] = {}
        for fid in dict.fromkeys(film_ids):
            f = by_id.get(fid)
            if f is not None and counts(self.instance, f) and self.group_of(f) is not None:
                chosen.setdefault(frozenset(self.theaters(f)), []).append(f)
        out = []
        for films in chosen.values():
            g = self.group_of(films[0])
            uses = sum(film_need(f, g.changeover) for f in films)
            before = g.available - (g.needed - uses)
            out.append(FilmUse(tuple(f.id for f in films), g, uses, before, -(-uses // len(films))))
        return sorted(out, key=lambda u: (u.group.formats, u.group.theaters))


def capacity(
    instance: Instance, supply: Supply | None = None, budget: Budget = UNLIMITED
) -> list[GroupCapacity]:
    """Screen time by theater group: every group's need against its free time (see the module's text)."""
    return Capacity(instance, supply, budget).groups()


def film_use(instance: Instance, film_ids, supply: Supply | None = None) -> list[FilmUse]:
    """What the films (ids of the instance) take of their theater groups' time, and what is left."""
    return Capacity(instance, supply).use(film_ids)
