"""Prints on tour (rule 10): which print each room screening of a film with prints uses.

``Tours`` answers, as a timetable is built screening by screening, "can a print take this screening?": a
print's screenings are kept in start order, and since only consecutive ones are constrained (no overlap;
between cities, the transit days) a new screening needs checking against its two neighbours only.

``assign_prints`` gives prints to a finished set of screenings (pins, or a timetable of the exact model,
which leaves rule 10 out): per film, the most screenings (then the most valuable) that ``prints``
tours can cover, as a minimum-cost flow over the screenings in time order. A tour is a path through
screenings each of which may follow the one before, so covering with at most ``prints`` paths is exactly
rule 10; the screenings no tour can take are handed back apart.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable

from ..data import DAY, Film, Instance, Screening, Theater

# flow costs: covering one more screening outweighs any attendance (seats are at most 100,000), and a
# pinned screening outweighs every other screening of the film together
COVER = 1_000_000
PINNED = 1_000_000_000_000


def needs_print(film: Film, theater: Theater) -> bool:
    """Whether a screening of the film in the theater uses a print (rule 10: rooms, not online)."""
    return film.prints is not None and not theater.online


class Tours:
    """Each print's screenings in start order: ``(start, end, city)`` per (film, print)."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.stops: dict[tuple[str, int], list[tuple[int, int, str]]] = defaultdict(list)

    def fits(self, film: Film, k: int, start: int, city: str) -> bool:
        """Whether print ``k`` can take a screening of the film at ``start`` in ``city``."""
        stops = self.stops.get((film.id, k))
        if not stops:
            return True
        transit = self.instance.transit_days
        day, end = start // DAY, start + film.runtime
        i = bisect.bisect_left(stops, (start,))
        if i > 0:
            ps, pe, pc = stops[i - 1]
            if pe > start or (pc != city and day - ps // DAY < transit(pc, city)):
                return False
        if i < len(stops):
            ns, _, nc = stops[i]
            if end > ns or (nc != city and ns // DAY - day < transit(city, nc)):
                return False
        return True

    def choose(self, film: Film, start: int, city: str) -> int | None:
        """A print that can take the screening (one already nearest in that city first), or None."""
        assert film.prints is not None
        best, best_key = None, None
        for k in range(1, film.prints + 1):
            if not self.fits(film, k, start, city):
                continue
            stops = self.stops.get((film.id, k))
            if not stops:
                key = (2, k)  # an unused print last: it can go anywhere later
            else:
                i = bisect.bisect_left(stops, (start,))
                near = [stops[j] for j in (i - 1, i) if 0 <= j < len(stops)]
                key = (0 if any(c == city for _, _, c in near) else 1, k)
            if best_key is None or key < best_key:
                best, best_key = k, key
        return best

    def add(self, film: Film, k: int, start: int, city: str) -> None:
        bisect.insort(self.stops[(film.id, k)], (start, start + film.runtime, city))

    def remove(self, film: Film, k: int, start: int, city: str) -> None:
        self.stops[(film.id, k)].remove((start, start + film.runtime, city))


def follows(instance: Instance, film: Film, a: Screening, b: Screening) -> bool:
    """Whether one print can screen ``b`` right after ``a`` (``a`` starting first)."""
    if b.start < a.start + film.runtime:
        return False
    ca, cb = instance.city_of[a.theater], instance.city_of[b.theater]
    return b.start // DAY - a.start // DAY >= instance.transit_days(ca, cb)


def assign_prints(
    instance: Instance, screenings: Iterable[Screening], pinned: Iterable[tuple] = ()
) -> tuple[list[Screening], list[Screening]]:
    """The screenings with a print each where one is needed (prints they name are reassigned), and
    apart those no tour can take (best kept: pins, then as many as possible, then the most valuable).
    Screenings of other films and online screenings come back as they are, without a print."""
    films, theaters = instance.film_by_id, instance.theater_by_id
    kept: list[Screening] = []
    touring: dict[str, list[Screening]] = defaultdict(list)
    for s in screenings:
        if needs_print(films[s.film], theaters[s.theater]):
            touring[s.film].append(s)
        else:
            kept.append(Screening(s.start, s.theater, s.film))
    left: list[Screening] = []
    pins = set(pinned)
    for fid in sorted(touring):
        f = films[fid]
        items = sorted(touring[fid])
        tours = _cover(instance, f, items, pins)
        covered = set()
        for k, path in enumerate(tours, start=1):
            for i in path:
                kept.append(Screening(items[i].start, items[i].theater, fid, k))
                covered.add(i)
        left.extend(s for i, s in enumerate(items) if i not in covered)
    return kept, left


def _cover(instance: Instance, film: Film, items: list[Screening], pins: set) -> list[list[int]]:
    """At most ``film.prints`` tours (lists of indices into ``items``, sorted by start) covering the
    most valuable set of screenings: a minimum-cost flow of ``prints`` units from a source through
    screenings (each once, at a negative cost) to a sink."""
    n = len(items)
    edges = [[j for j in range(i + 1, n) if follows(instance, film, items[i], items[j])] for i in range(n)]
    # a chain of screenings that can all follow one another needs one print: the flow is only needed when
    # more chains than prints would be
    greedy = _first_fit(edges, n)
    if len(greedy) <= (film.prints or 0):
        return greedy
    # imported here: the flow solver is needed only for films whose screenings crowd their prints
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 2 * n, 2 * n + 1
    theaters = instance.theater_by_id
    arcs, inner = {}, []
    for i, s in enumerate(items):
        weight = PINNED if s.key in pins else COVER + instance.value(film, theaters[s.theater], s.start)
        flow.add_arc_with_capacity_and_unit_cost(source, 2 * i, 1, 0)
        inner.append(flow.add_arc_with_capacity_and_unit_cost(2 * i, 2 * i + 1, 1, -weight))
        flow.add_arc_with_capacity_and_unit_cost(2 * i + 1, sink, 1, 0)
        for j in edges[i]:
            arcs[flow.add_arc_with_capacity_and_unit_cost(2 * i + 1, 2 * j, 1, 0)] = (i, j)
    flow.add_arc_with_capacity_and_unit_cost(source, sink, film.prints, 0)
    flow.set_node_supply(source, film.prints)
    flow.set_node_supply(sink, -film.prints)
    if flow.solve() != flow.OPTIMAL:  # cannot happen: the source-sink arc makes every supply feasible
        return greedy[: film.prints]
    nxt = {i: j for a, (i, j) in arcs.items() if flow.flow(a) > 0}
    used = {i for i in range(n) if flow.flow(inner[i]) > 0}
    starts = sorted(used - set(nxt.values()))
    tours = []
    for i in starts:
        path = [i]
        while path[-1] in nxt:
            path.append(nxt[path[-1]])
        tours.append(path)
    return tours


def _first_fit(edges: list[list[int]], n: int) -> list[list[int]]:
    """Tours built in start order, each screening onto the first tour whose last screening it may
    follow (a new tour when none): a cover, not always the smallest."""
    tours: list[list[int]] = []
    after = [set(e) for e in edges]
    for j in range(n):
        for path in tours:
            if j in after[path[-1]]:
                path.append(j)
                break
        else:
            tours.append([j])
    return tours


def pins_on_tour(instance: Instance) -> list[Screening]:
    """The pinned screenings with the prints that let their tours hold together when some can (those no
    tour can take on print 1, so that the validator names the rule 10 they break)."""
    toured, untoured = assign_prints(instance, instance.fixed, {p.key for p in instance.fixed})
    return toured + [Screening(p.start, p.theater, p.film, 1) for p in untoured]
