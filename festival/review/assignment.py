"""Balanced automatic assignment of entries to curators (pure Python + OR-Tools; no Flask, no database).

The problem: every entry should get at least ``k`` reviewers; assignments that exist are kept; a curator
never gets an entry they conflict with; and the curators' loads (all their assignments, including the
ones they already hold) are as even as the conflicts allow.

The algorithm is a min-cost flow with convex costs::

    source --(reviewers the entry lacks)--> entry --(1, only if eligible)--> curator ==> sink

where the curator's arcs to the sink are unit arcs whose costs grow with the load they create
(the j-th new assignment of a curator with fixed load f costs ``2(f + j) - 1``), so the flow minimises
the sum of squared loads. The load vectors an assignment can produce are the integer points of a base
polyhedron (a transversal structure shifted by the fixed loads); on such a set the minimiser of the sum
of squares is decreasingly minimal, which means it has the smallest possible largest load and the
largest possible smallest load at once (Frank & Murota, "Discrete decreasing minimization", 2022).
Hence ``max(load) - min(load)`` is the least any assignment can reach, and it is at most 1 whenever
conflicts and existing loads allow it. An entry with fewer eligible curators than it lacks takes them
all and is reported as a shortfall.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow

Pair = tuple[int, int]  # (entry id, curator id)


class AssignmentFailed(RuntimeError):
    """The flow solver did not return an optimal flow (a bug: the network is always feasible)."""


@dataclass(frozen=True)
class AssignmentProblem:
    """Entries to cover, the pool of curators, and what is fixed already."""

    entries: tuple[int, ...]
    curators: tuple[int, ...]
    k: int
    existing: frozenset[Pair] = frozenset()
    conflicts: frozenset[Pair] = frozenset()
    # Assignments each curator holds outside these entries (they count towards the balance).
    other_load: Mapping[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.k < 0:
            raise ValueError("k must be >= 0")
        if len(set(self.entries)) != len(self.entries) or len(set(self.curators)) != len(self.curators):
            raise ValueError("entry and curator ids must be unique")


@dataclass(frozen=True)
class Shortfall:
    """An entry that cannot reach k reviewers: only ``possible`` are there or can be added."""

    entry: int
    wanted: int
    possible: int


@dataclass(frozen=True)
class AssignmentPlan:
    """The new pairs to add, the resulting loads of the pool, and the entries that stay short of k."""

    new: tuple[Pair, ...]
    loads: dict[int, int]
    shortfalls: tuple[Shortfall, ...]

    @property
    def spread(self) -> int:
        """Largest minus smallest curator load (0 with no curators)."""
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


def _fixed_loads(problem: AssignmentProblem) -> dict[int, int]:
    scope = set(problem.entries)
    load = {c: int(problem.other_load.get(c, 0)) for c in problem.curators}
    for entry, curator in problem.existing:
        if entry in scope and curator in load:
            load[curator] += 1
    return load


def _reviewers_lacking(problem: AssignmentProblem) -> dict[int, int]:
    # A conflicted assignment (declared after it was made) does not count as a review.
    covered = dict.fromkeys(problem.entries, 0)
    for pair in problem.existing - problem.conflicts:
        if pair[0] in covered:
            covered[pair[0]] += 1
    return {e: max(0, problem.k - n) for e, n in covered.items()}


def plan_assignment(problem: AssignmentProblem) -> AssignmentPlan:
    """Choose the new (entry, curator) pairs; raises AssignmentFailed only on a solver bug."""
    fixed = _fixed_loads(problem)
    lacking = _reviewers_lacking(problem)
    eligible = {
        e: [c for c in problem.curators if (e, c) not in problem.existing and (e, c) not in problem.conflicts]
        for e in problem.entries
    }
    take = {e: min(lacking[e], len(eligible[e])) for e in problem.entries}
    shortfalls = tuple(
        Shortfall(entry=e, wanted=problem.k, possible=problem.k - lacking[e] + len(eligible[e]))
        for e in problem.entries
        if take[e] < lacking[e]
    )
    demand = sum(take.values())
    if demand == 0:
        return AssignmentPlan(new=(), loads=fixed, shortfalls=shortfalls)

    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    entry_node = {e: 2 + i for i, e in enumerate(problem.entries)}
    curator_node = {c: 2 + len(entry_node) + i for i, c in enumerate(problem.curators)}
    pair_arcs: dict[int, Pair] = {}
    for e in problem.entries:
        if take[e]:
            flow.add_arc_with_capacity_and_unit_cost(source, entry_node[e], take[e], 0)
            for c in eligible[e]:
                pair_arcs[flow.add_arc_with_capacity_and_unit_cost(entry_node[e], curator_node[c], 1, 0)] = (
                    e,
                    c,
                )
    for c in problem.curators:
        can_take = sum(1 for e in problem.entries if take[e] and c in eligible[e])
        for j in range(1, can_take + 1):
            flow.add_arc_with_capacity_and_unit_cost(curator_node[c], sink, 1, 2 * (fixed[c] + j) - 1)
    flow.set_node_supply(source, demand)
    flow.set_node_supply(sink, -demand)
    if flow.solve() != flow.OPTIMAL:
        raise AssignmentFailed("the assignment flow has no optimal solution")
    new = tuple(sorted(pair for arc, pair in pair_arcs.items() if flow.flow(arc)))
    loads = dict(fixed)
    for _, c in new:
        loads[c] += 1
    return AssignmentPlan(new=new, loads=loads, shortfalls=shortfalls)
