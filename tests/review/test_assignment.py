"""The balanced assignment keeps its guarantees on random inputs (property-based)."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from festival.review.assignment import AssignmentProblem, plan_assignment


@st.composite
def problems(draw, max_entries=25, max_curators=8, conflicts=True, existing=True, other=True):
    entries = tuple(range(1, draw(st.integers(0, max_entries)) + 1))
    curators = tuple(range(100, 100 + draw(st.integers(0, max_curators))))
    pairs = list(itertools.product(entries, curators))
    conflict_set = frozenset(draw(st.sets(st.sampled_from(pairs)))) if conflicts and pairs else frozenset()
    existing_set = frozenset(draw(st.sets(st.sampled_from(pairs)))) if existing and pairs else frozenset()
    other_load = draw(st.fixed_dictionaries({c: st.integers(0, 6) for c in curators})) if other else {}
    k = draw(st.integers(0, max(1, len(curators) + 1)))
    return AssignmentProblem(entries, curators, k, existing_set, conflict_set, other_load)


def _covered(problem, plan):
    pairs = (set(problem.existing) - set(problem.conflicts)) | set(plan.new)
    return Counter(e for e, _ in pairs)


@settings(max_examples=300, deadline=None)
@given(problems())
def test_plan_respects_conflicts_keeps_existing_and_reaches_k_or_reports_shortfall(problem):
    plan = plan_assignment(problem)
    new = set(plan.new)
    assert len(new) == len(plan.new), "a pair is assigned twice"
    assert not new & problem.conflicts, "a conflicted curator got an entry"
    assert not new & problem.existing, "an existing assignment was duplicated"
    assert all(e in problem.entries and c in problem.curators for e, c in new)

    covered = _covered(problem, plan)
    short = {s.entry: s for s in plan.shortfalls}
    for e in problem.entries:
        eligible = {c for c in problem.curators if (e, c) not in problem.conflicts}
        if e in short:
            # Short only when every non-conflicted curator reviews it already.
            assert covered[e] < problem.k
            assigned = {c for (x, c) in (problem.existing | new) if x == e}
            assert eligible <= assigned
            assert short[e].possible == covered[e]
        else:
            assert covered[e] >= problem.k
        # Nobody is added to an entry that already had k reviewers.
        already = sum(1 for (x, c) in problem.existing - problem.conflicts if x == e)
        added = sum(1 for (x, _) in new if x == e)
        assert added == max(
            0, min(problem.k - already, len(eligible - {c for (x, c) in problem.existing if x == e}))
        )


@settings(max_examples=300, deadline=None)
@given(problems())
def test_plan_reports_loads_that_match_its_pairs(problem):
    plan = plan_assignment(problem)
    expected = Counter({c: problem.other_load.get(c, 0) for c in problem.curators})
    expected.update(c for e, c in problem.existing if c in problem.curators)
    expected.update(c for _, c in plan.new)
    assert plan.loads == {c: expected[c] for c in problem.curators}


@settings(max_examples=300, deadline=None)
@given(problems(max_entries=60, max_curators=12, conflicts=False, existing=False, other=False))
def test_without_conflicts_or_prior_load_no_curator_gets_more_than_one_above_another(problem):
    plan = plan_assignment(problem)
    assert plan.spread <= 1
    assert not plan.shortfalls or problem.k > len(problem.curators)


def _best_possible(problem):
    """Smallest (spread, largest load) over every valid completion, by brute force."""
    options = []
    for e in problem.entries:
        assigned = {c for (x, c) in problem.existing if x == e}
        already = len({c for c in assigned if (e, c) not in problem.conflicts})
        free = [c for c in problem.curators if c not in assigned and (e, c) not in problem.conflicts]
        take = min(max(0, problem.k - already), len(free))
        options.append([[(e, c) for c in combo] for combo in itertools.combinations(free, take)])
    fixed = Counter({c: problem.other_load.get(c, 0) for c in problem.curators})
    fixed.update(c for _, c in problem.existing if c in problem.curators)
    best = None
    for choice in itertools.product(*options):
        load = Counter(fixed)
        load.update(c for pairs in choice for _, c in pairs)
        values = [load[c] for c in problem.curators]
        key = (max(values) - min(values), max(values), -min(values)) if values else (0, 0, 0)
        best = key if best is None else min(best, key)
    return best


@settings(max_examples=200, deadline=None)
@given(problems(max_entries=4, max_curators=3))
def test_spread_is_the_smallest_any_assignment_can_reach(problem):
    plan = plan_assignment(problem)
    best = _best_possible(problem)
    values = list(plan.loads.values())
    if values:
        assert plan.spread == best[0]
        assert max(values) == best[1]


def test_k_cannot_be_met_when_too_few_curators_are_free_of_conflicts():
    problem = AssignmentProblem(
        entries=(1, 2), curators=(10, 11, 12), k=3, conflicts=frozenset({(1, 10), (1, 11)})
    )
    plan = plan_assignment(problem)
    assert [(s.entry, s.wanted, s.possible) for s in plan.shortfalls] == [(1, 3, 1)]
    assert {c for e, c in plan.new if e == 1} == {12}
    assert {c for e, c in plan.new if e == 2} == {10, 11, 12}


def test_negative_k_is_refused():
    with pytest.raises(ValueError):
        AssignmentProblem(entries=(1,), curators=(2,), k=-1)
