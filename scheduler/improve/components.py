"""Independent components: the parts of an instance that can be improved (and bounded) apart.

A *component* is a connected set of theaters: two theaters are linked when some film can be shown in both.
No hard rule and no objective term links two components (counts, copies, pins and previous screenings are
per film, and a film's screenings all lie in its component's theaters), so the best timetable of the
whole is the union of the best timetables of the components, and the sum of the components' bounds bounds
the whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..budget import UNLIMITED, Budget
from ..data import Instance, Screening

# the share of the time limit kept for merging and validating the components' timetables at the end (at least
# RESERVE_SECONDS): more leaves less to the solvers, less risks running past the limit on large instances
RESERVE = 0.04
RESERVE_SECONDS = 1.0


def merge_reserve(time_limit: float, screenings: int) -> float:
    """The seconds before the limit at which the components' solvers end: merging and validating their
    timetables takes about 1 s per 10,000 screenings."""
    return max(RESERVE_SECONDS, RESERVE * time_limit, screenings * 1e-4)


@dataclass(frozen=True)
class Component:
    theaters: tuple[str, ...]
    films: tuple[str, ...]


def components(instance: Instance, budget: Budget = UNLIMITED) -> tuple[list[Component], list[str]]:
    """Connected components of the film-theater compatibility graph, and films no theater can show;
    raises OutOfTime when the budget runs out."""
    parent = {t.id: t.id for t in instance.theaters}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    home: dict[str, str] = {}
    orphans = []
    for f in instance.films:
        budget.check()
        ts = [t.id for t in instance.theaters if instance.compatible(f, t)]
        if not ts:
            orphans.append(f.id)
            continue
        for tid in ts[1:]:
            ra, rb = find(tid), find(ts[0])
            if ra != rb:
                parent[ra] = rb
        home[f.id] = ts[0]
    theaters: dict[str, list[str]] = defaultdict(list)
    films: dict[str, list[str]] = defaultdict(list)
    for t in instance.theaters:
        theaters[find(t.id)].append(t.id)
    for fid, tid in home.items():
        films[find(tid)].append(fid)
    comps = [Component(tuple(ts), tuple(films[root])) for root, ts in theaters.items() if films[root]]
    return comps, orphans


def component_objective(instance: Instance, screenings: list[Screening], films) -> int:
    """The objective terms of these films alone: their screenings' attendance, their shortfall, their
    previous screenings not kept (a component's share of the whole objective)."""
    members = set(films)
    by_id, theaters = instance.film_by_id, instance.theater_by_id
    mine = [s for s in screenings if s.film in members]
    count = dict.fromkeys(members, 0)
    for s in mine:
        count[s.film] += 1
    present = {s.key for s in mine}
    w = instance.weights
    changes = sum(1 for p in instance.previous if p.film in members and p.key not in present)
    return (
        sum(instance.value(by_id[s.film], theaters[s.theater], s.start) for s in mine)
        - w.shortfall_penalty * sum(max(0, by_id[f].min_screenings - n) for f, n in count.items())
        - w.change_penalty * changes
    )


def formats_of(instance: Instance, comp: Component) -> tuple[str, ...]:
    """The film formats a component shows (how progress reports name it: "the dome theaters")."""
    return tuple(sorted({instance.film_by_id[f].format for f in comp.films}))
