"""The exact model of a component: one Boolean per (film, theater, start on the theater's grid), so
that every timetable of the component is a point of the model and every point a timetable.

Every hard rule is a linear row over these Booleans, so every integer point is a valid timetable (no
sequencing step) and every upper bound proven for the model is an honest bound of the component:
- one screening at a time: at each start point of a theater, at most one screening whose occupancy
  ``[s, s + runtime + changeover)`` contains it (two intervals with grid starts overlap exactly when one
  contains the other's start, so these rows are exact);
- copies: at each start point, at most ``copies`` screenings of the film running ``[s, s + runtime)``
  across the component's theaters (only where the counts allow more than that);
- counts as sums, the minimum with an explicit shortfall count, pins as fixed columns, and a previous
  screening kept is its own column (its change penalty moves into that column's coefficient).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from ..bound.linear import LinearModel, Row
from ..budget import UNLIMITED, Budget
from ..data import Film, Instance, Screening, Theater
from ..first.slots import align_down, align_up

# grid points a room's column covers in its one-at-a-time rows, about (runtime + changeover) / step in the
# example editions: an online column covering more counts as more columns (online_weight)
ROOM_ROWS = 8


@dataclass
class ExactModel:
    """Columns: ``keys[v] = (film, theater, start)`` for the Booleans, then one shortfall count per film
    with a minimum. ``rows`` are ``(columns, upper limit)`` with unit coefficients; ``cover`` are
    ``sum(columns) + short >= need``."""

    keys: list[tuple[str, str, int]] = field(default_factory=list)
    index: dict[tuple[str, str, int], int] = field(default_factory=dict)
    coef: list[int] = field(default_factory=list)
    ub: list[int] = field(default_factory=list)
    rows: list[tuple[list[int], int]] = field(default_factory=list)
    cover: list[tuple[list[int], int, int]] = field(default_factory=list)
    fixed: list[int] = field(default_factory=list)
    infeasible: bool = False
    constant: int = 0

    @property
    def size(self) -> int:
        return len(self.keys)

    def point_of(self, screenings: list[Screening]) -> list[int]:
        """The integer point of a timetable of this component (shortfall counts included)."""
        point = [0] * len(self.coef)
        for s in screenings:
            v = self.index.get(s.key)
            if v is not None:
                point[v] = 1
        for cols, short, need in self.cover:
            point[short] = max(0, need - sum(point[v] for v in cols))
        return point

    def chosen(self, screenings: list[Screening]) -> list[int]:
        """The columns of a timetable's screenings (screenings outside the model are left out)."""
        return [self.index[s.key] for s in screenings if s.key in self.index]

    def objective_of(self, screenings: list[Screening]) -> int:
        """The component's objective of a timetable of its films."""
        point = self.point_of(screenings)
        return sum(c * x for c, x in zip(self.coef, point, strict=True)) + self.constant

    def film_groups(self) -> np.ndarray:
        """Each column's film as a number (-1 for the shortfall counts): column generation's groups."""
        numbers: dict[str, int] = {}
        films = [numbers.setdefault(f, len(numbers)) for f, _, _ in self.keys]
        return np.array(films + [-1] * (len(self.coef) - len(self.keys)), dtype=np.int64)

    def screenings_of(self, chosen: list[int]) -> list[Screening]:
        return [Screening(s, t, f) for f, t, s in (self.keys[v] for v in chosen)]


def count_columns(
    instance: Instance,
    films: list[str],
    theaters: list[str],
    budget: Budget = UNLIMITED,
    above: int | None = None,
) -> int:
    """Columns the model of a component would have, without building it, an online channel's counted
    ``online_weight`` times each; counted only until past ``above`` when given (then some number above
    it: the national instance's parts have millions, counted in seconds of Python); raises OutOfTime
    when the budget runs out."""
    total = 0
    for _, t, _, lo, hi in _start_ranges(instance, films, theaters, budget):
        total += ((hi - lo) // t.step + 1) * online_weight(t)
        if above is not None and total > above:
            break
    return total


def online_weight(theater: Theater) -> int:
    """How many columns one column of the theater counts for when sizing a model: 1 for a room; for an
    online channel, its window over ``ROOM_ROWS`` grid steps (a column sits in one one-at-a-time row per
    grid point its window covers: 24 for a day's window on an hourly grid, against a few for a room's
    screening), so that the choice between the exact model and the relaxation follows the LP's work,
    which grows with the nonzeros."""
    if not theater.online:
        return 1
    return max(1, -(-(theater.window + theater.changeover) // (theater.step * ROOM_ROWS)))


def _start_ranges(
    instance: Instance, films: list[str], theaters: list[str], budget: Budget = UNLIMITED
) -> Iterator[tuple]:
    """(film, theater, day, first start, last start) of every free segment a film fits in."""
    segments: dict[tuple[str, int], tuple] = {}
    for fid in films:
        f = instance.film_by_id[fid]
        if f.max_screenings <= 0 or f.max_per_day <= 0 or f.at_once <= 0:
            continue
        for tid in theaters:
            budget.check()
            t = instance.theater_by_id[tid]
            if not instance.compatible(f, t):
                continue
            for day in instance.film_days(f):
                key = (tid, day)
                if key not in segments:
                    segments[key] = instance.free_segments(t, day)
                for segment in segments[key]:
                    starts = instance.start_range(f, t, segment, day)
                    if starts is None:
                        continue
                    lo, hi = align_up(starts[0], t.step), align_down(starts[1], t.step)
                    if hi >= lo:
                        yield f, t, day, lo, hi


def _columns(
    instance: Instance, films: list[str], theaters: list[str], budget: Budget = UNLIMITED
) -> Iterator[tuple[Film, Theater, int, int]]:
    for f, t, day, lo, hi in _start_ranges(instance, films, theaters, budget):
        for s in range(lo, hi + 1, t.step):
            yield f, t, day, s


def build(
    instance: Instance, films: list[str], theaters: list[str], budget: Budget = UNLIMITED
) -> ExactModel:
    """The rows of one component's model (objective: attendance - penalties, maximised); raises OutOfTime
    when the budget runs out (or is stopped) while the columns are listed."""
    model = ExactModel()
    w = instance.weights
    by_theater: dict[str, list[int]] = {t: [] for t in theaters}
    by_film_day: dict[tuple[str, int], list[int]] = {}
    by_film: dict[str, list[int]] = {f: [] for f in films}
    for f, t, day, s in _columns(instance, films, theaters, budget):
        v = len(model.keys)
        key = (f.id, t.id, s)
        model.keys.append(key)
        model.index[key] = v
        model.coef.append(instance.value(f, t, s))
        model.ub.append(1)
        by_theater[t.id].append(v)
        by_film_day.setdefault((f.id, day), []).append(v)
        by_film[f.id].append(v)
    for tid, cols in by_theater.items():  # one screening at a time, changeover included
        t = instance.theater_by_id[tid]
        length = {fid: instance.occupancy(instance.film_by_id[fid], t) + t.changeover for fid in films}
        items = [(model.keys[v][2], model.keys[v][2] + length[model.keys[v][0]], v) for v in cols]
        model.rows.extend((row, 1) for row in _interval_rows(items) if len(row) > 1)
    online = {t.id for t in instance.theaters if t.online}
    for fid in films:  # copies (or prints) across rooms, where a day's count allows more than that at once
        f = instance.film_by_id[fid]
        cols = [v for v in by_film[fid] if model.keys[v][1] not in online]  # online screenings do not count
        if f.max_per_day <= f.at_once or len({model.keys[v][1] for v in cols}) < 2:
            continue
        items = [(model.keys[v][2], model.keys[v][2] + f.runtime, v) for v in cols]
        model.rows.extend((row, f.at_once) for row in _interval_rows(items) if len(row) > f.at_once)
    for fid in films:
        f = instance.film_by_id[fid]
        cols = by_film[fid]
        if len(cols) > f.max_screenings:
            model.rows.append((cols, f.max_screenings))
        if f.min_screenings > 0:
            short = len(model.coef)
            model.coef.append(-w.shortfall_penalty)
            model.ub.append(f.min_screenings)
            model.cover.append((cols, short, f.min_screenings))
    for (fid, _day), cols in by_film_day.items():
        limit = instance.film_by_id[fid].max_per_day
        if len(cols) > limit:
            model.rows.append((cols, limit))
    film_set = set(films)
    for p in instance.fixed:
        if p.film in film_set:
            v = model.index.get(p.key)
            if v is None:
                model.infeasible = True  # a pin that cannot be placed (the pipeline checks pins first)
            else:
                model.fixed.append(v)
    prev = [p for p in instance.previous if p.film in film_set]
    for p in prev:
        v = model.index.get(p.key)
        if v is not None:
            model.coef[v] += w.change_penalty
    model.constant = -w.change_penalty * len(prev)
    return model


def _interval_rows(items: list[tuple[int, int, int]]) -> list[list[int]]:
    """For each start point, the columns whose ``[start, end)`` contains it; only maximal sets are kept
    (a set contained in its neighbour's is implied by that row)."""
    items.sort()
    starts = sorted({a for a, _, _ in items})
    active: list[tuple[int, int]] = []  # (end, column)
    i = 0
    last: set[int] | None = None
    rows: list[list[int]] = []
    for tau in starts:
        active = [(e, v) for e, v in active if e > tau]
        while i < len(items) and items[i][0] == tau:
            active.append((items[i][1], items[i][2]))
            i += 1
        current = {v for _, v in active}
        if last is not None and current <= last:
            continue
        if last is not None and last <= current:
            rows[-1] = sorted(current)
        else:
            rows.append(sorted(current))
        last = current
    return rows


@dataclass
class ExactResult:
    """What a solve of the model (or a sub-model) found: a timetable of the component's films, its
    objective, a bound (None for a sub-model's) and whether the timetable is proven optimal."""

    screenings: list[Screening] | None
    objective: int | None
    bound: int | None
    optimal: bool
    phase: str = "improving"  # how progress reports it: "bounding" (a bound only), "improving", "polishing"


def as_linear(model: ExactModel) -> LinearModel:
    """The model as a ``LinearModel`` (same column order), for its LP bound by weak duality (and its
    CP-SAT solve where SCIP is missing)."""
    m = LinearModel(
        cols=list(model.keys),
        ub=list(model.ub),
        lb=[0] * len(model.ub),
        obj=list(model.coef),
        constant=model.constant,
    )
    for v in model.fixed:
        m.lb[v] = 1
    for cols, limit in model.rows:
        m.rows.append(Row(list(cols), [1] * len(cols), None, limit))
    for cols, short, need in model.cover:
        m.rows.append(Row([*cols, short], [1] * (len(cols) + 1), need, None))
    return m
