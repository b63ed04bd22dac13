"""The LP by column generation (bound/columns.py): the same optimum as the whole LP from any start, an
honest bound after every round, and the limit and the stop hold."""

import pytest
from helpers import load
from hypothesis import HealthCheck, example, given, settings
from test_scheduler_improve_components import params, row_holds, tiny

from scheduler.bound import columns
from scheduler.bound.columns import lp_by_columns
from scheduler.bound.linear import lp_bound
from scheduler.first.greedy import greedy_schedule
from scheduler.improve.components import components
from scheduler.improve.exact_model import as_linear, build


def value_of(linear, point) -> float:
    return sum(c * x for c, x in zip(linear.obj, point, strict=True)) + linear.constant


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params)
# a film short of its minimum with no column yet: the restricted LP's duals price its columns only under
# the solver's own sign convention (the other one's bound was lower, and priced nothing)
@example({"close": "11:30", "step": 10, "change": 0, "block": False, "films": [(15, 1, 0)]})
@example({"close": "11:30", "step": 10, "change": 0, "block": False, "films": [(15, 0, 1), (15, 1, 0)]})
def test_from_no_column_it_reaches_the_whole_lps_optimum(p):
    inst = tiny(p)
    (comp,), _ = components(inst)
    linear = as_linear(build(inst, list(comp.films), list(comp.theaters)))
    expected, _, _ = lp_bound(linear)
    bound, point, reduced = lp_by_columns(linear, set(), 30)
    assert bound == expected
    assert all(row_holds(r, point, tolerance=1e-6) for r in linear.rows)
    assert abs(value_of(linear, point) - expected) <= 1
    assert len(reduced) == linear.size


@pytest.fixture(scope="module")
def resolve_models():
    inst = load("cstm-2021-resolve")
    greedy = greedy_schedule(inst)
    out = []
    for comp in components(inst)[0]:
        model = build(inst, list(comp.films), list(comp.theaters))
        out.append((model, as_linear(model), set(model.chosen(greedy))))
    return out


def test_from_the_timetables_columns_in_small_rounds_every_bound_is_honest(resolve_models, monkeypatch):
    """A handful of columns a round (many rounds): every round's bound is at or above the LP optimum,
    they fall to it, and the solution meets every row and is worth it."""
    monkeypatch.setattr(columns, "BATCH", 200)
    for _model, linear, start in resolve_models:
        expected, _, _ = lp_bound(linear)
        seen: list[int] = []
        bound, point, _ = lp_by_columns(linear, start, 60, on_bound=seen.append)
        assert len(seen) > 1  # more than one round, each a lower bound than the last
        assert seen == sorted(seen, reverse=True) and all(b >= expected for b in seen)
        assert bound == expected == seen[-1]
        assert all(row_holds(r, point, tolerance=1e-6) for r in linear.rows)
        assert abs(value_of(linear, point) - expected) <= 1


def test_a_run_stopped_after_its_first_round_keeps_an_honest_bound_and_a_point_of_the_whole_lp(
    resolve_models,
):
    """Stopped once the first round is priced: the bound is still an upper bound of the LP, and the
    point (zero outside the round's columns) meets every row of the whole model."""
    _model, linear, start = max(resolve_models, key=lambda m: m[1].size)
    expected, _, _ = lp_bound(linear)
    seen: list[int] = []
    bound, point, _ = lp_by_columns(linear, start, 60, stop=lambda: bool(seen), on_bound=seen.append)
    assert seen == [bound] and bound >= expected
    assert all(row_holds(r, point, tolerance=1e-6) for r in linear.rows)
    assert value_of(linear, point) <= expected + 1


def test_no_time_or_a_stop_gives_nothing(resolve_models):
    _model, linear, start = resolve_models[0]
    assert lp_by_columns(linear, start, 0) == (None, None, None)
    assert lp_by_columns(linear, start, 60, stop=lambda: True) == (None, None, None)
