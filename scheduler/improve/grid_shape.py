"""The start grid of a theater over a component's days, and how many cells a component's value tables
have (relaxation.py): without numpy, so that the pipeline can size components before it loads the
improvement (relaxation_process.start_early)."""

from __future__ import annotations

from dataclasses import dataclass

from ..budget import UNLIMITED, Budget
from ..data import DAY, Instance, Theater
from ..first.slots import align_up


@dataclass
class Shape:
    """The start grid of one theater over a component's days: its compatible films (indices), the days
    it is open (indices), each day's free segments, the grid's first minute and number of points."""

    films: list[int]
    days: list[int]
    segments: dict[int, tuple]
    origin: int
    k_count: int

    @classmethod
    def of(cls, inst: Instance, t: Theater, films: list, days: list[int]) -> Shape | None:
        chosen = [i for i, f in enumerate(films) if inst.compatible(f, t) and f.max_screenings > 0]
        segments = {d: inst.free_segments(t, d) for d in days}
        open_days = [i for i, d in enumerate(days) if segments[d]]
        if not chosen or not open_days:
            return None
        origin = min(align_up(a % DAY, t.step) for d in days for a, _ in segments[d])
        last = max(e % DAY or DAY for d in days for _, e in segments[d])
        return cls(chosen, open_days, segments, origin, max(1, (last - origin) // t.step + 1))

    @property
    def cells(self) -> int:
        """Entries of the theater's value table (grid points x days x films)."""
        return self.k_count * len(self.days) * len(self.films)


def grid_cells(instance: Instance, comp, budget: Budget = UNLIMITED) -> int:
    """Entries of a component's value tables, without building them (memory: 8 bytes each, with the
    counts of chosen starts); raises OutOfTime when the budget runs out."""
    films = [instance.film_by_id[f] for f in comp.films]
    days = list(instance.days)
    total = 0
    for tid in comp.theaters:
        budget.check()
        shape = Shape.of(instance, instance.theater_by_id[tid], films, days)
        total += shape.cells if shape is not None else 0
    return total
