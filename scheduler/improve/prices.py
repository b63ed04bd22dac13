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
from dataclasses import dataclass

import numpy as np

from ..data import Instance
from .components import Component
from .relaxation import ITERATIONS_PER_SECOND, Relaxation

# the share of the time limit the descents take together, at most MAX_SECONDS: more gives a tighter early
# bound and a better point, less leaves more to the exact model; split between components by size
SHARE = 0.12
MAX_SECONDS = 4.0
MIN_ITERATIONS = 25  # deterministic mode: iterations per component at least (no clock)


@dataclass
class Prices:
    """What a component's descent found: its bound and the averaged solution, by screening key."""

    bound: int | None
    point: dict[tuple[str, str, int], float]


def descend(
    instance: Instance,
    comp: Component,
    *,
    seconds: float,
    incumbent: int,
    deterministic: bool,
    stop: Callable[[], bool],
) -> Prices:
    """Subgradient steps on the component's relaxation for ``seconds`` (deterministic: a number of
    iterations fixed by them), aimed at ``incumbent``; the best bound and the averaged solution."""
    end = time.monotonic() + seconds
    relax = Relaxation(instance, list(comp.films), list(comp.theaters))
    lowest = [math.inf]

    def on_iterate(_n: int, it) -> None:
        lowest[0] = min(lowest[0], it.bound)

    iterations = max(MIN_ITERATIONS, int(seconds * ITERATIONS_PER_SECOND)) if deterministic else 1 << 30
    relax.descend(
        incumbent=lambda: float(incumbent),
        iterations=iterations,
        stop=lambda: stop() or (not deterministic and time.monotonic() >= end),
        on_iterate=on_iterate,
    )
    bound = None
    if math.isfinite(lowest[0]):
        bound = math.floor(lowest[0] + 1e-9 * max(1.0, abs(lowest[0])) + 1e-6)
    return Prices(bound, average_point(relax))


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
