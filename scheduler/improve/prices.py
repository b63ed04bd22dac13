"""Prices first: a short Lagrangian descent (relaxation.py) on every component the exact model takes,
before any LP or MIP, so that the bound means something within a second or two and the exact path has
a point to round and to steer by when its LP does not fit in the time.

The relaxation's value at any prices is an honest bound of its component (relaxation.py says why), and
its theater-day solutions averaged over the descent approach an LP solution of the exact model: rounded
(rounding.py) they make a timetable within a few per cent of the bound, and they rank the days for the
neighbourhood search as the LP's solution does.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from ..bound import floored
from ..budget import Budget
from ..data import Instance, Screening
from ..first.greedy import Filler, complete
from ..first.timetable import Timetable
from .components import Component
from .relaxation import ITERATIONS_PER_SECOND, Relaxation, round_average
from .relocation import relocate
from .repair import repaired

# the share of the time limit the descents take together, at most MAX_SECONDS: more gives a tighter early
# bound and a better point, less leaves more to the exact model; split between components by size
SHARE = 0.12
MAX_SECONDS = 4.0
MIN_ITERATIONS = 25  # deterministic mode: iterations per component at least (no clock)


class Prices:
    """A component's relaxation and its descent so far: the best bound and the averaged solution."""

    def __init__(self, instance: Instance, comp: Component):
        self.relax = Relaxation(instance, list(comp.films), list(comp.theaters))
        self.lowest = math.inf
        self.point: dict[tuple[str, str, int], float] = {}

    @property
    def bound(self) -> int | None:
        """The lowest value of the relaxation so far (an honest bound of the component), floored."""
        if not math.isfinite(self.lowest):
            return None
        return floored(self.lowest)

    def descend(
        self, *, seconds: float, incumbent: int, deterministic: bool, stop: Callable[[], bool]
    ) -> None:
        """Subgradient steps for ``seconds`` (deterministic: a number of iterations fixed by them), aimed
        at ``incumbent``, from the prices so far; ``point`` becomes these steps' averaged solution."""
        end = time.monotonic() + seconds

        def on_iterate(_n: int, it) -> None:
            self.lowest = min(self.lowest, it.bound)

        relax = self.relax
        for g in relax.grids:  # average over these steps only: the later the prices, the better the point
            g.chosen = None
        relax.accumulated = 0
        iterations = max(MIN_ITERATIONS, int(seconds * ITERATIONS_PER_SECOND)) if deterministic else 1 << 30
        relax.descend(
            incumbent=lambda: float(incumbent),
            iterations=iterations,
            stop=lambda: stop() or (not deterministic and time.monotonic() >= end),
            on_iterate=on_iterate,
        )
        self.point = average_point(relax)

    def timetable(self, filler: Filler, budget: Budget) -> list[Screening]:
        """A timetable of the component from the descent's averaged solution, without the exact model:
        pins, the averaged starts rounded (relaxation.round_average), the films brought up to their
        counts (the greedy filler), then relocated (relocation.py), as far as ``budget`` allows (raises
        OutOfTime when it runs out before the counts are complete). Valid by construction."""
        relax, instance = self.relax, self.relax.instance
        members = set(self.relax.film_index)
        table = Timetable(instance)
        table.place_pins(p for p in instance.fixed if p.film in members)  # their prints chosen together
        round_average(relax, table)
        filler.reset()
        complete(instance, table, filler, budget)
        repaired(instance, table, filler, members, budget.expired, budget)
        relocate(instance, table, filler.ranked, members, budget.expired)
        return [s for s in table.screenings() if s.film in members]


def descend(
    instance: Instance,
    comp: Component,
    *,
    seconds: float,
    incumbent: int,
    deterministic: bool,
    stop: Callable[[], bool],
) -> Prices:
    """A component's first descent (``Prices.descend``)."""
    prices = Prices(instance, comp)
    prices.descend(seconds=seconds, incumbent=incumbent, deterministic=deterministic, stop=stop)
    return prices


def average_point(relax: Relaxation) -> dict[tuple[str, str, int], float]:
    """The theater-day solutions averaged over the descent: each start's share of the iterations."""
    point: dict[tuple[str, str, int], float] = {}
    if relax.accumulated == 0:
        return point
    for g in relax.grids:
        if g.chosen is None:
            continue
        k, di, j = np.nonzero(g.chosen)
        shares = g.chosen[k, di, j] / relax.accumulated
        for kk, dd, jj, share in zip(k.tolist(), di.tolist(), j.tolist(), shares.tolist(), strict=True):
            point[(relax.films[g.films[jj]].id, g.theater.id, g.start(dd, kk, relax.days))] = share
    return point


def as_model_point(prices: Prices, keys: list[tuple[str, str, int]]) -> list[float]:
    """The averaged solution as a point of the exact model (columns in ``keys`` order; 0 elsewhere)."""
    return [prices.point.get(key, 0.0) for key in keys]
