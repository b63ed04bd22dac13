"""Lagrangian relaxation of the exact model, for components too large for an LP solver.

The exact model (exact_model.py) splits into one small problem per theater and day once
the rows that link theater-days are moved into the objective with prices:
- per film, its counts (``pi``: above zero it prices the maximum, below zero it rewards reaching the
  minimum, never below minus the shortfall penalty);
- per film and day, its ``max_per_day`` (``mu`` >= 0);
- the copies rows are dropped (fewer rows: still a relaxation).
What is left per theater-day is choosing non-overlapping screenings on the start grid (changeover
included) of greatest priced value: weighted interval scheduling, solved exactly by a backward dynamic
programme over the grid, all days of a theater at once with numpy. Films that occupy the same number of
grid points are interchangeable to the programme: only the best priced of them at each start matters, so
each such class's best is taken for every start at once before the programme, which then steps through
a few classes per grid point instead of every film (``_best_of_classes``). For any prices the sum of these
optima plus the prices' constants is an upper bound of every valid timetable's objective (weak duality),
so every iterate's value is an honest bound; subgradient steps lower it towards the LP bound of the
exact model (interval rows have the integrality property, so the two coincide without copies rows).

Timetables come from the theater-day solutions: averaged over recent iterations and rounded, or
constructed theater-day by theater-day at the best prices so far; each screening kept only when every
hard rule still holds (timetable.py checks them), then films are brought up to their counts at their best
free starts. Valid by construction; the pipeline checks them again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..bound import floored
from ..budget import Budget, OutOfTime
from ..data import DAY, Instance, Screening, Theater
from ..first.greedy import Filler, complete
from ..first.slots import align_down, align_up, build_slots, film_options
from ..first.timetable import Timetable
from .components import component_objective
from .grid_shape import Shape
from .repair import repaired

NEG = -1e15  # the priced value of a start a film cannot take
# Polyak's step aims at a target below the best bound so far by TARGET_SHARE of it at first (never below
# the incumbent: the optimum is at least that); after PATIENCE iterations without a better bound the share
# halves, down to MIN_TARGET_SHARE. Aiming at the incumbent instead (a few per cent below the optimum
# prices' value) made steps too long near the optimum: twice the iterations for the same bound on
# alliance-sized components (docs/scheduler.md)
TARGET_SHARE = 0.1
MIN_TARGET_SHARE = 0.001
PATIENCE = 8
# iterations between two publications (timetables built at the best prices so far) at least: each costs as
# much as tens of iterations, so more often means better timetables sooner but a slower descent of the bound
CONSTRUCT_EVERY = 50
# and descent seconds between two publications at least, per second the last publication took: the
# publications take at most about 1 / (1 + DESCENT_PER_PUBLISH) of the time (session 5: on alliance-sized
# components a publication costs 0.5-1.5 s, as much as 50-100 iterations of the 4D and dome components,
# which took half the time of a 10 s run)
DESCENT_PER_PUBLISH = 3.0
# the first publication comes sooner, after FIRST_PUBLISH iterations or FIRST_PUBLISH_SHARE of the budget,
# whichever is first: the descent runs before any construction, so the bound is there within a second,
# and the first timetable is built at prices already better than the starting ones
FIRST_PUBLISH = 20
FIRST_PUBLISH_SHARE = 0.3
# a publication's shortfall repair (repair.py) takes at most REPAIR_SHARE of the component's budget (at
# least REPAIR_SECONDS): at the first publications' prices the constructions may leave dozens of films short,
# whose repair took 2.4 and 1.7 s of a 6 s budget on alliance-7401's 4D component (session 5); a timetable
# left short loses to the best, and its films get priority in the next constructions
REPAIR_SHARE = 0.04
REPAIR_SECONDS = 0.2
BOUND_EVERY = 10  # iterations between two reports of a better bound (a report costs next to nothing)
DAY_ROUNDS = 6  # construct: dynamic programmes per theater-day at most (more rounds fill more gaps, slower)
ITERATIONS_PER_SECOND = 15  # deterministic mode: iterations per second of the budget (no clock)
# evaluations of the line search that scales the initial count prices before the first step (the
# prices as they are, then golden section over [0, 1]: the interval shrinks to 0.618^(n-3), 15 % of it
# with 7)
SCALE_STEPS = 7
# a component's budget below this is too short for the relaxation's tables and one publication: it keeps
# what it has (a child process started that late would only run past the limit)
MIN_SECONDS = 0.3
# grids of at least this many cells compare films in float32 in evaluate (twice as fast; the bound then
# carries a margin for the rounding: ``_f32_margin``, about 3e-5 of the national instance's largest part's
# bound); smaller ones in float64, exactly. Classes whose values and prices reach F32_LARGEST (films
# rewarded near the shortfall penalty) are compared in float64 (the margin would grow with them)
F32_CELLS = 1_000_000
F32_LARGEST = 2.0**13
# the value tables of a component at most (8 bytes a cell with the counts of chosen starts: 800 MB; the
# national instance's largest part has 76 million, alliance's 4D component 3 million; docs/scheduler.md):
# past it the relaxation would take gigabytes, so such a component keeps its first timetable and
# capacity-free bound
MAX_GRID_CELLS = 100_000_000
# evaluate compares the films of a class only once per distinct start of a day (the same value of every
# film of the class there: the same hour weight, the same films fitting before the day's end), when the
# distinct starts are at most this share of all: alliance-sized components have 11-34 % of them, so a
# class's best film is found with 3-9 times fewer comparisons (session 5)
COMPACT_SHARE = 0.7


@dataclass
class _Grid:
    """All days of one theater: the start grid and every compatible film's value at every start."""

    theater: Theater
    films: np.ndarray  # (F,) indices into Relaxation.films
    days: np.ndarray  # (D,) indices into Relaxation.days
    origin: int  # minute of day of grid point 0
    # (K, D, F) objective coefficient of a start, NEG where the film cannot start (float32 when the values,
    # whole numbers, are exact in it: half the memory; every sum is taken in float64)
    value: np.ndarray
    length: np.ndarray  # (F,) grid points from a start to the next start the theater allows, ascending
    runtime: np.ndarray  # (F,) minutes
    pins: list[tuple[int, int, float]]  # (film index, day index, coefficient) of pinned screenings
    chosen: np.ndarray | None = None  # (K, D, F) how often each start was chosen since the last reset
    most: np.ndarray | None = None  # (F,) each film's best value on the grid (made when first needed)
    # per length class its distinct starts (``_compact``; made when first needed, empty when not worth it)
    compact: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None

    @property
    def classes(self) -> list[tuple[int, int]]:
        """The films' (first, end) index ranges of equal ``length`` (the films are sorted by it)."""
        cuts = np.flatnonzero(np.diff(self.length)) + 1
        edges = [0, *cuts.tolist(), len(self.length)]
        return list(zip(edges[:-1], edges[1:], strict=True))

    def start(self, day_index: int, k: int, days: list[int]) -> int:
        return days[self.days[day_index]] * DAY + self.origin + k * self.theater.step


@dataclass
class Iterate:
    bound: float
    counts: np.ndarray  # (films,)
    per_day: np.ndarray  # (films, days)


def _best_of_classes(g: _Grid, price: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """For every start of the theater's grid, the best priced film of each class of equal length (the
    dynamic programme needs no other: a film of the same length and less priced value leads to the same
    next start). ``price``: (D, F) each film's price on each day. Returns the classes' best priced values
    (K, D, C, float64), those films (K, D, C: indices into the grid's films) and what the programme's
    value of each theater-day may lie below the exact one (0.0, or ``_f32_margin``'s).

    Films whose best value on the grid is not above their lowest price are left out: the programme never
    takes a start of priced value <= 0 (the best of a later start is never above the best of an earlier
    one), so the classes' best starts that it may take are the same without them, and past a few
    iterations most films are priced out of most theaters.

    On grids of at least ``F32_CELLS`` the films are compared in float32 (half the memory traffic, twice
    as fast), the chosen film's priced value then taken exactly in float64: the choice may miss the best
    film by the float32 rounding of the two compared values, which the returned margin covers."""
    classes = g.classes
    k_count, n_d, _ = g.value.shape
    if g.most is None:
        g.most = g.value.max(axis=(0, 1))
    if g.compact is None:
        g.compact = _compact(g)
    live = g.most > price.min(axis=0)
    top = np.full((k_count, n_d, len(classes)), NEG)
    film_of = np.zeros((k_count, n_d, len(classes)), dtype=np.int64)
    narrow = g.value.dtype == np.float32 and g.value.size >= F32_CELLS
    # the films left out priced out of reach (compared over whole classes: gathering the others' columns
    # costs more than comparing them)
    masked = np.where(live[None, :], price, np.inf)
    masked32 = masked.astype(np.float32) if narrow else None
    error = 0.0  # the largest rounding of a compared value in float32 (0.0: compared in float64)
    days = np.arange(n_d)[None, :]
    for c, (lo, hi) in enumerate(classes):
        if not live[lo:hi].any():
            continue  # no film of the class is worth a start: the class stays out (NEG)
        size = float(g.most[lo:hi][live[lo:hi]].max()) + float(np.abs(price[:, lo:hi][:, live[lo:hi]]).max())
        f32 = narrow and size <= F32_LARGEST
        if f32:
            # |float32(v - float32(p)) - (v - p)| <= 3 * 2**-24 * (|v| + |p|), v exact in float32
            error = max(error, 3 * 2.0**-24 * size)
        if g.compact:  # the class's distinct starts (a day each), then each start's row
            values, day, where = g.compact[c]
            rows = np.arange(len(values))
            if f32:
                j = (values - masked32[day, lo:hi]).argmax(axis=1)
                best = values[rows, j] - price[day, j + lo]
            else:
                profit = values - masked[day, lo:hi]  # float64
                j = profit.argmax(axis=1)
                best = profit[rows, j]
            top[:, :, c] = best[where]
            film_of[:, :, c] = j[where] + lo
            continue
        values = g.value[:, :, lo:hi]
        if f32:
            j = (values - masked32[None, :, lo:hi]).argmax(axis=2) + lo
            top[:, :, c] = np.take_along_axis(g.value, j[:, :, None], axis=2)[:, :, 0] - price[days, j]
        else:
            profit = values - masked[None, :, lo:hi]  # float64
            j = profit.argmax(axis=2)
            top[:, :, c] = np.take_along_axis(profit, j[:, :, None], axis=2)[:, :, 0]
            j += lo
        film_of[:, :, c] = j
    return top, film_of, _f32_margin(g, error)


def _row_days(g: _Grid) -> np.ndarray:
    """The day index of each start of the grid, starts in (grid point, day) order."""
    k_count, n_d, _ = g.value.shape
    return np.tile(np.arange(n_d), k_count)


def _compact(g: _Grid) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per length class of the grid, its distinct starts: the starts of a day where every film of the
    class has the same value (NEG where it cannot start) are one row. Returns per class the rows' values
    (U, class films), their day indices (U,) and each start's row (K, D), or [] when the distinct starts
    of some class are more than ``COMPACT_SHARE`` of all (then comparing them all costs about as much)."""
    k_count, n_d, _ = g.value.shape
    day = _row_days(g)
    out = []
    for lo, hi in g.classes:
        values = g.value[:, :, lo:hi].reshape(k_count * n_d, hi - lo)
        keyed = np.concatenate([day[:, None].astype(values.dtype), values], axis=1)
        _, first, where = np.unique(keyed, axis=0, return_index=True, return_inverse=True)
        if len(first) > COMPACT_SHARE * len(values):
            return []
        out.append((np.ascontiguousarray(values[first]), day[first], where.reshape(k_count, n_d)))
    return out


def _f32_margin(g: _Grid, error: float) -> float:
    """How far below the exact programme's value a theater-day's may lie when each class's best film was
    chosen by values rounded by at most ``error``: each start's class best by at most twice that (the
    chosen film's float32 value was not below the best one's), on every screening of a path (at most
    the grid's points over the shortest length, plus one)."""
    if error == 0.0:
        return 0.0
    return 2 * error * (g.value.shape[0] // int(g.length.min()) + 1)


@dataclass
class _Stack:
    """evaluate's layout: every theater-day of every grid as one row of one programme (grid by grid,
    each grid's days in order: ``first_row``), every grid's films one after another (``first_film``);
    per row its grid, its day (an index into Relaxation.days) and its classes' lengths (the classes a
    grid lacks: length 1, never taken); per stacked film its index in the component and its length."""

    rows: int
    k_count: int  # grid points of the longest grid (the shorter ones' rows end in starts never taken)
    classes: int  # classes of the grid that has most
    first_row: list[int]
    first_film: list[int]
    grid: np.ndarray  # (rows,)
    day: np.ndarray  # (rows,)
    lengths: np.ndarray  # (rows, classes)
    film: np.ndarray  # (stacked films,)
    length: np.ndarray  # (stacked films,)

    @classmethod
    def of(cls, grids: list[_Grid]) -> _Stack:
        first_row = np.cumsum([0] + [len(g.days) for g in grids]).tolist()
        first_film = np.cumsum([0] + [len(g.films) for g in grids]).tolist()
        n_c = max(len(g.classes) for g in grids)
        lengths = np.ones((first_row[-1], n_c), dtype=np.int64)
        for gi, g in enumerate(grids):
            row_lengths = [g.length[lo] for lo, _ in g.classes]
            lengths[first_row[gi] : first_row[gi + 1], : len(row_lengths)] = row_lengths
        return cls(
            first_row[-1],
            max(g.value.shape[0] for g in grids),
            n_c,
            first_row,
            first_film,
            np.repeat(np.arange(len(grids)), [len(g.days) for g in grids]),
            np.concatenate([g.days for g in grids]),
            lengths,
            np.concatenate([g.films for g in grids]),
            np.concatenate([g.length for g in grids]),
        )


class Relaxation:
    """The priced theater-day problems of one component."""

    def __init__(self, instance: Instance, films: list[str], theaters: list[str]):
        self.instance = instance
        self.films = [instance.film_by_id[f] for f in films]
        self.film_index = {f.id: i for i, f in enumerate(self.films)}
        self.days = list(instance.days)
        self.day_index = {d: i for i, d in enumerate(self.days)}
        w = instance.weights
        n_f, n_d = len(self.films), len(self.days)
        self.max_count = np.array([f.max_screenings for f in self.films], dtype=float)
        self.min_count = np.array([f.min_screenings for f in self.films], dtype=float)
        self.max_day = np.array([f.max_per_day for f in self.films], dtype=float)
        self.allowed = np.zeros((n_f, n_d), dtype=bool)
        for i, f in enumerate(self.films):
            for d in instance.film_days(f):
                self.allowed[i, self.day_index[d]] = True
        self.penalty = float(w.shortfall_penalty)
        film_set = set(films)
        self.constant = -float(w.change_penalty) * sum(1 for p in instance.previous if p.film in film_set)
        previous = {p.key for p in instance.previous if p.film in film_set}
        self.grids = [
            g for g in (self._grid(instance.theater_by_id[t], film_set, previous) for t in theaters) if g
        ]
        self.pi = self._initial_prices()
        self.mu = np.zeros((n_f, n_d))
        self._stack: _Stack | None = None  # evaluate's layout of the grids, made when first needed
        self.accumulated = 0  # iterations whose theater-day solutions the grids' ``chosen`` counts hold
        self.share = TARGET_SHARE  # how far below the best bound the steps aim, kept between calls
        # whether the initial prices are as the descent starts from them; solve_component clears it to have
        # its first descent scale them first (_scaled_start)
        self.scaled = True

    def _initial_prices(self) -> np.ndarray:
        """Count prices to start the descent from: for each film, the value of its best start on the
        theater-day ranked just past its ``max_screenings`` (zero when it has no more theater-days than
        that), so that at these prices each film is worth its place on about as many theater-days as it
        may take. Any prices give an honest bound; these give a tight one in tens of iterations instead of
        hundreds (four-times-CSTM dome: 112,786 after 20 iterations against 134,914 from zero prices)."""
        best_days: list[list[np.ndarray]] = [[] for _ in self.films]
        for g in self.grids:
            top = g.value.max(axis=0)  # (days, films): each theater-day's best start of each film
            for j, fi in enumerate(g.films.tolist()):
                column = top[:, j]
                best_days[fi].append(column[column > NEG / 2])
        pi = np.zeros(len(self.films))
        for fi, parts in enumerate(best_days):
            values = np.sort(np.concatenate(parts))[::-1] if parts else np.zeros(0)
            count = int(self.max_count[fi])
            if len(values) > count:
                pi[fi] = max(0.0, float(values[count]))
        return pi

    def _grid(self, t: Theater, film_set: set[str], previous: set) -> _Grid | None:
        inst = self.instance
        shape = Shape.of(inst, t, self.films, self.days)
        if shape is None:
            return None
        films, days, segments, origin, k_count = (
            shape.films,
            shape.days,
            shape.segments,
            shape.origin,
            shape.k_count,
        )
        step = t.step
        ks = np.arange(k_count)
        # minutes a screening occupies the theater (an online channel: its window; the theater-days stay
        # apart, so a window running into the next days is not seen there: a relaxation still)
        runtime = np.array([inst.occupancy(self.films[i], t) for i in films])
        # the films by the grid points a screening takes (evaluate's classes), stably
        order = np.argsort(np.ceil((runtime + t.changeover) / step), kind="stable")
        films, runtime = [films[i] for i in order.tolist()], runtime[order]
        fits = np.zeros((len(days), len(films), k_count), dtype=bool)
        for di, d in enumerate(days):
            base = self.days[d] * DAY + origin
            allowed = self.allowed[films, d]
            for a, e in segments[self.days[d]]:
                lo = (align_up(a, step) - base) // step
                hi = (align_down(e, step) - base) // step
                # a start k fits when base + k*step + runtime <= e
                last_k = np.floor((e - runtime - base) / step).astype(int)
                fits[di] |= (ks[None, :] >= lo) & (ks[None, :] <= np.minimum(hi, last_k)[:, None])
            fits[di] &= allowed[:, None]
        pins: list[tuple[int, int, float]] = []
        for p in inst.fixed:
            if p.theater != t.id or p.film not in film_set:
                continue
            f = inst.film_by_id[p.film]
            di = days.index(self.day_index[p.start // DAY])
            base = self.days[days[di]] * DAY + origin
            starts = base + ks * step
            # a start s clashes with the pin when s < pin end + changeover and pin start < end of s
            clash = (starts[None, :] < p.start + inst.occupancy(f, t) + t.changeover) & (
                p.start < starts[None, :] + runtime[:, None] + t.changeover
            )
            fits[di] &= ~clash
            coef = inst.value(f, t, p.start) + (inst.weights.change_penalty if p.key in previous else 0)
            pins.append((self.film_index[p.film], di, float(coef)))
        pop = np.array([self.films[i].popularity for i in films], dtype=float)
        day_w = np.array([inst.weights.day_weight(self.days[d]) for d in days])
        hour_w = np.array([inst.weights.hour_weight(origin + k * step) for k in ks])
        # the same arithmetic as Instance.value: popularity * day weight * hour weight, floored, capped
        raw = (pop[None, :, None] * day_w[:, None, None]) * hour_w[None, None, :]
        value = np.minimum(float(t.seats), np.floor(raw + 1e-9))
        pinned = {q.key for q in inst.fixed}
        for p in previous:
            fid, tid, s = p
            if tid != t.id or p in pinned:
                continue
            d = self.day_index.get(s // DAY)
            if d is None or d not in days or fid not in self.film_index:
                continue
            k, rem = divmod(s - self.days[d] * DAY - origin, step)
            fi = films.index(self.film_index[fid]) if self.film_index[fid] in films else None
            if fi is not None and rem == 0 and 0 <= k < k_count:
                value[days.index(d), fi, k] += inst.weights.change_penalty
        # float32 holds whole numbers exactly below 2**24 (seats, plus a change penalty): else float64
        exact = not fits.any() or float(np.abs(value[fits]).max()) < 2**24
        value = np.where(fits, value, NEG).astype(np.float32 if exact else np.float64)
        length = np.ceil((runtime + t.changeover) / step).astype(int)
        return _Grid(
            t,
            np.array(films),
            np.array(days),
            origin,
            np.ascontiguousarray(value.transpose(2, 0, 1)),
            length,
            runtime,
            pins,
        )

    def objective_of(self, screenings: list[Screening]) -> int:
        """The component's objective of a timetable of its films (attendance, shortfall, changes)."""
        return component_objective(self.instance, screenings, self.film_index)

    def evaluate(self, pi: np.ndarray, mu: np.ndarray, *, accumulate: bool = False) -> Iterate:
        """The relaxation's value at these prices and the theater-day solutions behind it (added to the
        grids' ``chosen`` counts when ``accumulate``). The programmes of every theater-day of every
        theater run side by side, one numpy step per grid point (``_Stack``)."""
        counts = np.zeros(len(self.films))
        per_day = np.zeros((len(self.films), len(self.days)))
        total = self.constant
        if self.grids:
            stack = self._stack or _Stack.of(self.grids)
            self._stack = stack
            top = np.full((stack.k_count, stack.rows, stack.classes), NEG)
            flat = np.zeros((stack.k_count, stack.rows, stack.classes), dtype=np.int64)
            for gi, g in enumerate(self.grids):
                price = pi[g.films][None, :] + mu[np.ix_(g.films, g.days)].T  # (D, F)
                best_of, film_of, margin = _best_of_classes(g, price)
                k_count, n_d, n_c = best_of.shape
                total += margin * n_d  # the float32 comparisons' rounding, every theater-day: honest
                r0 = stack.first_row[gi]
                top[:k_count, r0 : r0 + n_d, :n_c] = best_of
                flat[:k_count, r0 : r0 + n_d, :n_c] = film_of + stack.first_film[gi]
            rows = np.arange(stack.rows)
            best = np.zeros((stack.rows, stack.k_count + int(stack.length.max()) + 1))
            choice = np.full((stack.rows, stack.k_count), -1)
            for k in range(stack.k_count - 1, -1, -1):
                cand = top[k] + best[rows[:, None], k + stack.lengths]  # (rows, classes)
                c = cand.argmax(axis=1)
                value = cand[rows, c]
                skip = best[:, k + 1]
                take = value > skip + 1e-9
                best[:, k] = np.where(take, value, skip)
                choice[:, k] = np.where(take, flat[k, rows, c], -1)
            total += float(best[:, 0].sum())
            pos = np.zeros(stack.rows, dtype=int)
            live = pos < stack.k_count
            hits_k, hits_r, hits_j = [], [], []
            while live.any():  # follow every theater-day's choices forward, collecting the starts chosen
                r = rows[live]
                j = choice[r, pos[r]]
                hit = j >= 0
                hits_k.append(pos[r[hit]])
                hits_r.append(r[hit])
                hits_j.append(j[hit])
                pos[r] += np.where(hit, stack.length[np.maximum(j, 0)], 1)
                live = pos < stack.k_count
            hk, hr, hj = np.concatenate(hits_k), np.concatenate(hits_r), np.concatenate(hits_j)
            films = stack.film[hj]
            counts += np.bincount(films, minlength=len(counts))
            flat_day = films * per_day.shape[1] + stack.day[hr]
            per_day += np.bincount(flat_day, minlength=per_day.size).reshape(per_day.shape)
            if accumulate and len(hj):
                grid = stack.grid[hr]
                for gi in np.unique(grid).tolist():
                    g, sel = self.grids[gi], grid == gi
                    if g.chosen is None:
                        g.chosen = np.zeros(g.value.shape, dtype=np.float32)
                    # a day's path passes each grid point once: no repeats
                    g.chosen[hk[sel], hr[sel] - stack.first_row[gi], hj[sel] - stack.first_film[gi]] += 1
        for g in self.grids:
            for fi, di, coef in g.pins:
                d = g.days[di]
                total += coef - pi[fi] - mu[fi, d]
                counts[fi] += 1
                per_day[fi, d] += 1
        total += float(np.where(pi >= 0, pi * self.max_count, pi * self.min_count).sum())
        total += float((mu * self.max_day[:, None]).sum())
        return Iterate(total, counts, per_day)

    def subgradient(self, it: Iterate, pi: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A subgradient of the relaxation's value in (pi, mu), zero where a move cannot lower it."""
        c = it.counts
        g_pi = np.where(
            (pi > 0) | (c > self.max_count),
            self.max_count - c,
            np.where((pi < 0) | (c < self.min_count), self.min_count - c, 0.0),
        )
        g_mu = self.max_day[:, None] - it.per_day
        g_mu = np.where((mu <= 0) & (g_mu > 0), 0.0, g_mu)
        return g_pi, g_mu

    def _scaled_start(
        self, iterations: int, stop: Callable[[], bool], on_iterate: Callable[[int, Iterate], None]
    ) -> tuple[np.ndarray, float, int]:
        """The initial count prices scaled by the factor in [0, 1] where the relaxation's value is least,
        found by golden section (the value is convex in the prices, so along their ray too). Each film's
        initial price is about its best start's value (many theater-days tie for the best places), so at
        it almost every film is priced out (alliance-sized: 62 screenings chosen against 1,299 minimums, a
        bound 40 % above where the descent ends); the best scaling starts the descent far lower. Returns
        the prices, their value and the evaluations made (each an honest bound, handed to ``on_iterate``
        as an iteration)."""
        base = self.pi
        ratio = (math.sqrt(5.0) - 1.0) / 2.0
        seen: dict[float, float] = {}
        n = 0

        def value(alpha: float) -> float:
            nonlocal n
            if alpha not in seen:
                it = self.evaluate(base * alpha, self.mu)
                on_iterate(n, it)
                n += 1
                seen[alpha] = it.bound
            return seen[alpha]

        if iterations > 0 and not stop():
            value(1.0)  # the prices as they are: the search never starts worse than without it
        lo, hi = 0.0, 1.0
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        while n < min(SCALE_STEPS, iterations) and not stop():
            if value(a) <= value(b):
                hi, b = b, a
                a = hi - ratio * (hi - lo)
            else:
                lo, a = a, b
                b = lo + ratio * (hi - lo)
        if not seen:
            return base, math.inf, 0
        alpha = min(seen, key=lambda x: (seen[x], -x))
        return base * alpha, seen[alpha], n

    def descend(
        self,
        *,
        incumbent: Callable[[], float],
        iterations: int,
        stop: Callable[[], bool],
        on_iterate: Callable[[int, Iterate], None],
    ) -> float:
        """Subgradient descent with Polyak steps towards an adaptive target (``TARGET_SHARE``) below the
        best bound, never below ``incumbent()``; returns the best bound."""
        pi, mu = self.pi, self.mu
        best = math.inf
        share = self.share
        since = 0
        first = 0
        if not self.scaled:
            self.scaled = True
            pi, best, first = self._scaled_start(iterations, stop, on_iterate)
            self.pi = pi.copy()
        for n in range(first, iterations):
            if stop():
                break
            it = self.evaluate(pi, mu, accumulate=True)
            self.accumulated += 1
            if it.bound < best - 1e-6:
                best = it.bound
                self.pi, self.mu = pi.copy(), mu.copy()
                since = 0
            else:
                since += 1
                if since >= PATIENCE:
                    share = max(share / 2, MIN_TARGET_SHARE)
                    since = 0
            on_iterate(n, it)
            g_pi, g_mu = self.subgradient(it, pi, mu)
            norm = float((g_pi**2).sum() + (g_mu**2).sum())
            if norm <= 0:
                break  # the prices are optimal: the relaxation's solution meets every priced row
            # Polyak's step towards the target, the distance kept within 0.1% and 20% of the bound
            scale = abs(it.bound) + 1.0
            target = max(incumbent(), best - share * (abs(best) + 1.0))
            step = min(max(it.bound - target, 1e-3 * scale), 0.2 * scale) / norm
            pi = np.maximum(pi - step * g_pi, -self.penalty)
            mu = np.maximum(mu - step * g_mu, 0.0)
        self.share = share
        return best


def round_average(relax: Relaxation, table: Timetable) -> None:
    """Primal recovery: the theater-day solutions averaged over the iterations since the last call (they
    approach an LP optimum), rounded: starts by decreasing average, then value, each kept where every
    rule holds and the film is still below its minimum (first pass) or maximum (second pass)."""
    if relax.accumulated == 0:
        return
    theaters = relax.instance.theater_by_id
    parts = []
    for gi, g in enumerate(relax.grids):
        if g.chosen is None:
            continue
        k, di, j = np.nonzero(g.chosen)
        starts = np.array([relax.days[d] * DAY for d in g.days])[di] + g.origin + k * g.theater.step
        parts.append(
            (
                g.chosen[k, di, j] / relax.accumulated,
                g.value[k, di, j],
                starts,
                np.full(len(k), gi),
                g.films[j],
            )
        )
        g.chosen = None
    relax.accumulated = 0
    if not parts:
        return
    share, value, starts, grid, film = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.lexsort((grid, starts, -value, -share))  # the last key sorts first
    grid_theaters = [theaters[g.theater.id] for g in relax.grids]
    entries = [
        (start, grid_theaters[gi], relax.films[fi])
        for start, gi, fi in zip(
            starts[order].tolist(), grid[order].tolist(), film[order].tolist(), strict=True
        )
    ]
    for goal in ("min_screenings", "max_screenings"):
        for start, t, f in entries:
            # every start here is on the grid, inside a free segment and within the film's dates
            if table.count[f.id] < getattr(f, goal) and table.can_place_on_grid(f, t, start):
                table.place(f, t, start)


def construct(
    relax: Relaxation,
    pi: np.ndarray,
    mu: np.ndarray,
    table: Timetable,
    goal: str,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Price-directed construction: the days by decreasing demand weight, in each the theaters by
    decreasing seats; each theater-day gets its best sequence at prices (pi, mu) in the time its
    screenings so far leave free, among the films whose counts are below ``goal`` (``min_screenings``
    or ``max_screenings``) and allow one more that day; kept screening by screening where every rule
    holds. Ends early when ``stop()`` (checked per theater-day): what is placed so far is valid."""
    inst = relax.instance
    weight = {d: inst.weights.day_weight(day) for d, day in enumerate(relax.days)}
    jobs = [
        (-weight[int(d)], relax.days[int(d)], -g.theater.seats, g.theater.id, gi, di)
        for gi, g in enumerate(relax.grids)
        for di, d in enumerate(g.days)
    ]
    # the films' counts as arrays, kept with the table's (only the construction places meanwhile): which
    # films have room is then one test per theater-day, not one per film (1,296 films on 2,928
    # theater-days at national scale)
    films = relax.films
    counts = _Counts(
        np.array([table.count.get(f.id, 0) for f in films]),
        np.array([[table.per_day.get((f.id, d), 0) for d in relax.days] for f in films]),
        np.array([getattr(f, goal) for f in films]),
    )
    for _, day, _, _, gi, di in sorted(jobs):
        if stop():
            return
        # the sequence may repeat a film beyond its limits (the programme does not count): what could not
        # be kept leaves time that the next round fills, around the screenings placed so far
        for _ in range(DAY_ROUNDS):
            if not _fill_theater_day(relax, pi, mu, table, counts, relax.grids[gi], di, day):
                break


@dataclass
class _Counts:
    """construct's copy of the table's counts: per film (F,), per film and day (F, D), and the goal (F,)."""

    count: np.ndarray
    per_day: np.ndarray
    goal: np.ndarray


def _fill_theater_day(relax, pi, mu, table: Timetable, counts: _Counts, g: _Grid, di: int, day: int) -> int:
    """One round of construct on one theater-day; returns how many screenings it placed."""
    films = relax.films
    d = int(g.days[di])
    room = (counts.count[g.films] < counts.goal[g.films]) & (
        counts.per_day[g.films, d] < relax.max_day[g.films]
    )
    if not room.any():
        return 0
    t = g.theater
    price = pi[g.films] + mu[g.films, g.days[di]]
    profit = np.where(room[None, :], g.value[:, di, :] - price[None, :], NEG)
    busy = table.busy.get(table.lane(t, day))
    if busy:  # starts clashing with a screening already there are out
        starts = day * DAY + g.origin + np.arange(profit.shape[0]) * t.step
        for bs, be, _ in busy:
            clash = (starts[:, None] < be + t.changeover) & (
                bs < starts[:, None] + g.runtime[None, :] + t.changeover
            )
            profit[clash] = NEG
    k_count = profit.shape[0]
    best = np.zeros(k_count + int(g.length.max()) + 1)
    choice = np.full(k_count, -1)
    for k in range(k_count - 1, -1, -1):
        cand = profit[k] + best[k + g.length]
        j = int(cand.argmax())
        if cand[j] > best[k + 1] + 1e-9 and g.value[k, di, j] > 0:
            best[k], choice[k] = cand[j], j
        else:
            best[k] = best[k + 1]
    placed = 0
    k = 0
    while k < k_count:
        j = choice[k]
        if j < 0:
            k += 1
            continue
        fi = int(g.films[j])
        f, start = films[fi], g.start(di, k, relax.days)
        if table.can_place_on_grid(f, t, start):
            table.place(f, t, start)
            counts.count[fi] += 1
            counts.per_day[fi, d] += 1
            placed += 1
        k += int(g.length[j])
    return placed


def solve_component(
    instance: Instance,
    comp,
    *,
    budget: float,
    best: Callable[[], list[Screening]],
    deterministic: bool,
    stop: Callable[[], bool],
    take: Callable[[list[Screening] | None, int | None, str], None],
    relax: Relaxation | None = None,
) -> None:
    """Lower the relaxation's bound by subgradient steps within ``budget`` seconds (from ``relax``'s prices
    when given: a descent begun elsewhere, prices.py); after ``FIRST_PUBLISH`` steps (or
    ``FIRST_PUBLISH_SHARE`` of the budget), then at most once every ``CONSTRUCT_EVERY`` steps and
    ``DESCENT_PER_PUBLISH`` times the last one's time, and once more at the end, a publication (the better
    of the averaged rounding and the construction at the best prices so far, kept when it beats the
    best). Nothing runs past the budget: a construction stopped there is still valid (and kept only when
    better).
    ``take(screenings, bound, phase)`` receives each better timetable (of the component's films, else None),
    the bound so far and what found them ("bounding", "improving"; the last publication "polishing")."""
    started = time.monotonic()
    end = started + budget
    if not deterministic and budget < MIN_SECONDS:
        return  # too little for even the relaxation's tables: the component keeps what it has
    if relax is None:
        relax = Relaxation(instance, list(comp.films), list(comp.theaters))
        # a cold start: the initial prices scaled first. Not for the short descents of prices.py, which
        # reach the exact path: on a CSTM-sized 4D component (minimums near maximums) the descent from the
        # scaled prices was slower (138,296 against 135,173 after 200 iterations)
        relax.scaled = False
    members = set(comp.films)
    # built at the first publication (the descent's bound comes first), within the budget: the national
    # instance's parts have millions of places (seconds of Python); None when the budget ran out there
    fillers: list[Filler | None] = []

    def filler() -> Filler | None:
        if not fillers:
            starting = Budget(end, stop) if not deterministic else Budget(stop=stop)
            try:
                slots = build_slots(instance, starting)
                places = film_options(instance, slots, starting)
                options = {f: o for f, o in places.items() if f in members}
                fillers.append(Filler(instance, options, budget=starting, slots=slots))
            except OutOfTime:
                fillers.append(None)
        return fillers[0]

    incumbent = [relax.objective_of(best())]
    lowest = [math.inf]
    construct_seconds = [0.0, 0.0]  # the longest construction and rounding so far

    def past_end() -> bool:
        return stop() or (not deterministic and time.monotonic() > end)

    limit = Budget(stop=stop) if deterministic else Budget(end, stop)

    # films once left short by a construction: their minimum goes first, whatever its price, from then on
    critical = np.zeros(len(relax.films))
    theaters_of = [set() for _ in relax.films]
    for gi, g in enumerate(relax.grids):
        for fi in g.films:
            theaters_of[fi].add(gi)

    def finished(table: Timetable) -> Timetable:
        """The films brought up to their counts and repaired, as far as the budget allows."""
        fill = filler()
        if fill is None:
            return table
        fill.reset()
        try:
            complete(instance, table, fill, limit)
            cap = time.monotonic() + max(REPAIR_SECONDS, REPAIR_SHARE * budget)
            repaired(instance, table, fill, members, lambda: past_end() or time.monotonic() > cap, limit)
        except OutOfTime:
            pass
        return table

    def timetable() -> Timetable:
        started = time.monotonic()
        table = pinned()
        construct(relax, relax.pi - critical, relax.mu, table, "min_screenings", past_end)
        construct(relax, relax.pi, relax.mu, table, "max_screenings", past_end)
        finished(table)
        short = [i for i, f in enumerate(relax.films) if table.count[f.id] < f.min_screenings]
        if short and not past_end():  # they, and every film confined to their theaters, go first from now on
            scarce = set().union(*(theaters_of[i] for i in short))
            critical[[i for i in range(len(relax.films)) if theaters_of[i] <= scarce]] = relax.penalty
        construct_seconds[0] = max(construct_seconds[0], time.monotonic() - started)
        return table

    def pinned() -> Timetable:
        table = Timetable(instance)
        table.place_pins(p for p in instance.fixed if p.film in members)
        return table

    def rounded() -> Timetable:
        started = time.monotonic()
        table = pinned()
        round_average(relax, table)
        finished(table)
        construct_seconds[1] = max(construct_seconds[1], time.monotonic() - started)
        return table

    # the best timetable so far, from any stage (the first timetable at least): what is built here must
    # beat it, so no stage's timetable is lost
    champion: list = [_table_of(instance, best()), incumbent[0]]
    published = [False]
    # when the last publication began and ended, and at which iteration
    last = [0.0, 0.0, 0]

    def publish(phase: str = "improving") -> None:
        published[0] = True
        last[0] = time.monotonic()
        ready = filler() is not None
        tables = [rounded()] if ready and relax.accumulated and not past_end() else []
        if ready and not past_end():
            tables.append(timetable())
        improved = False
        for table in tables:
            value = relax.objective_of(table.screenings())
            if value > champion[1]:
                champion[:] = [table, value]
                improved = True
        incumbent[0] = max(incumbent[0], champion[1])
        last[1] = time.monotonic()
        # a timetable only when better
        take(champion[0].screenings() if improved else None, bound(), phase if improved else "bounding")

    def bound() -> int | None:
        if not math.isfinite(lowest[0]):
            return None
        return floored(lowest[0])

    reported = [math.inf]
    first_due = started + FIRST_PUBLISH_SHARE * budget

    def on_iterate(n: int, it: Iterate) -> None:
        lowest[0] = min(lowest[0], it.bound)
        if published[0]:
            due = n - last[2] >= CONSTRUCT_EVERY and (
                deterministic or time.monotonic() - last[1] >= DESCENT_PER_PUBLISH * (last[1] - last[0])
            )
        else:
            due = n >= FIRST_PUBLISH - 1 or (not deterministic and time.monotonic() >= first_due)
        if due:
            publish()
            last[2] = n
            reported[0] = lowest[0]
        elif (n < BOUND_EVERY or n % BOUND_EVERY == BOUND_EVERY - 1) and lowest[0] < reported[0]:
            # the bound between publications too: on a slow machine a publication may never come; each
            # better one of the first iterations at once (a 10 s run of a loaded machine may see only these)
            reported[0] = lowest[0]
            take(None, bound(), "bounding")

    # the descent ends when a last publication at its best prices still fits in the budget (1.5 times the
    # longest so far); should it take less, the descent goes on with the time left and publishes again
    def out_of_time() -> bool:
        return stop() or (not deterministic and time.monotonic() + 1.5 * sum(construct_seconds) + 0.2 > end)

    iterations = max(4 * CONSTRUCT_EVERY, int(budget * ITERATIONS_PER_SECOND)) if deterministic else 1 << 30
    while True:
        relax.descend(
            incumbent=lambda: incumbent[0], iterations=iterations, stop=out_of_time, on_iterate=on_iterate
        )
        if past_end():  # the bound found since the last report, and nothing more
            if not stop() and math.isfinite(lowest[0]) and lowest[0] < reported[0]:
                take(None, bound(), "bounding")
            return
        publish("polishing")
        last[2] = 0  # a further descent counts its iterations from zero
        reported[0] = lowest[0]
        if deterministic or filler() is None or end - time.monotonic() < 1.0 + 1.5 * sum(construct_seconds):
            return


def _table_of(instance: Instance, screenings: list[Screening]) -> Timetable:
    """A timetable holding these screenings as they are (prints included)."""
    table = Timetable(instance)
    films, theaters = instance.film_by_id, instance.theater_by_id
    for s in screenings:
        table.place(films[s.film], theaters[s.theater], s.start, s.print)
    return table
