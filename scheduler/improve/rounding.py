"""A timetable from an LP solution of a component's exact model, valid by construction."""

from __future__ import annotations

from ..data import Instance, Screening
from ..first.timetable import Timetable
from .exact_model import ExactModel


def lp_round(instance: Instance, model: ExactModel, point: list[float]) -> list[Screening]:
    """A timetable from the LP solution: pins, then the columns by decreasing LP value (ties: by value)
    wherever they still fit, then films short of their minimum and then up to their maximum at their
    most valuable free starts. Valid by construction (every placement is checked)."""
    films, theaters = instance.film_by_id, instance.theater_by_id
    table = Timetable(instance)
    table.place_pins(model.screenings_of(model.fixed))
    pinned = set(model.fixed)

    def try_place(v: int) -> bool:
        f, t, s = model.keys[v]
        if v in pinned or not table.can_place(films[f], theaters[t], s):
            return False
        table.place(films[f], theaters[t], s)
        return True

    by_lp = sorted(
        (v for v in range(model.size) if point[v] > 1e-6), key=lambda v: (-point[v], -model.coef[v], v)
    )
    by_film: dict[str, list[int]] = {}
    for v in sorted(range(model.size), key=lambda v: (-model.coef[v], v)):
        by_film.setdefault(model.keys[v][0], []).append(v)
    for goal in ("min_screenings", "max_screenings"):  # minimums first: a shortfall costs the most
        for v in by_lp:
            fid = model.keys[v][0]
            if table.count[fid] < getattr(films[fid], goal):
                try_place(v)
        for fid, cols in by_film.items():
            need = getattr(films[fid], goal)
            for v in cols:
                if table.count[fid] >= need:
                    break
                try_place(v)
    return table.screenings()
