"""The large components' LPs solved ahead in a thread of their own (improve/lp_ahead.py): the same bound
as the LP solved in the lane, each component solved by one side only, and the pipeline's results valid
under an honest bound when every component goes ahead."""

import threading
import time

from helpers import load
from test_scheduler_improve_components import row_holds

from scheduler import solve
from scheduler.bound.linear import lp_bound
from scheduler.check import check_screenings
from scheduler.first.greedy import greedy_schedule
from scheduler.improve import exact_component, optimise
from scheduler.improve.components import component_objective, components
from scheduler.improve.exact_model import as_linear, build
from scheduler.improve.lp_ahead import LpAhead


def ahead_of(inst, comps, bounds, stop=lambda: False):
    return LpAhead(
        inst,
        comps,
        list(range(len(comps))),
        end=time.monotonic() + 60,
        stop=stop,
        sizes=[1] * len(comps),
        seconds=lambda columns: 0.0,
        start=lambda i, model: set(),
        on_bound=lambda i, bound: bounds.__setitem__(i, bound),
    )


def test_an_lp_solved_ahead_is_the_lp_of_the_component_and_its_bound_is_reported():
    inst = load("small")
    comps, _ = components(inst)
    bounds: dict[int, int] = {}
    ahead = ahead_of(inst, comps, bounds).start()
    ahead.join()
    for i, comp in enumerate(comps):
        model = build(inst, list(comp.films), list(comp.theaters))
        linear = as_linear(model)
        expected, _, _ = lp_bound(linear)
        solved = ahead.of(i).solution()
        assert solved is not None and solved.bound == expected == bounds[i]
        # an optimal point of the LP (column generation may end at another vertex than the whole LP)
        assert all(row_holds(r, solved.point, tolerance=1e-6) for r in linear.rows)
        value = sum(c * x for c, x in zip(linear.obj, solved.point, strict=True)) + linear.constant
        assert abs(value - expected) <= 1
        assert ahead.of(i).model().keys == model.keys


def test_a_component_the_lane_claimed_first_is_not_solved_ahead():
    inst = load("small")
    comps, _ = components(inst)
    bounds: dict[int, int] = {}
    ahead = ahead_of(inst, comps, bounds)
    assert ahead.claim(0, "lane")  # before the thread starts: the lane solves it
    ahead.start().join()
    assert not ahead.owns(0) and ahead.of(0).solution() is None and 0 not in bounds
    assert all(ahead.owns(i) for i in range(1, len(comps)))
    assert not ahead.claim(1, "lane")  # claimed by the thread: the lane takes its model and LP


def test_a_stopped_thread_releases_every_waiting_lane():
    inst = load("small")
    comps, _ = components(inst)
    stop = threading.Event()
    stop.set()
    ahead = ahead_of(inst, comps, {}, stop=stop.is_set).start()
    ahead.join()
    assert all(ahead.of(i).model() is None and ahead.of(i).solution() is None for i in range(len(comps)))


def test_a_component_solved_from_its_lp_ahead_keeps_every_timetable_valid_under_its_bound():
    inst = load("cstm-2021-resolve")
    comps, _ = components(inst)
    greedy = greedy_schedule(inst)
    ahead = ahead_of(inst, comps, {}).start()
    ahead.join()
    for i, comp in enumerate(comps):
        assert ahead.owns(i) and not ahead.claim(i, "lane")
        mine = [s for s in greedy if s.film in comp.films]
        others = [s for s in greedy if s.film not in comp.films]
        results = []
        exact_component.solve_component(
            inst,
            comp,
            budget=5,
            best=lambda mine=mine: mine,
            seed=0,
            deterministic=False,
            stop=lambda: False,
            take=results.append,
            ahead=ahead.of(i),
        )
        bounds = [r.bound for r in results if r.bound is not None]
        assert bounds, "the LP's bound reaches the component"
        for r in results:
            if r.screenings is not None:
                report = check_screenings(inst, r.screenings + others)
                assert report.valid, report.violations
                assert component_objective(inst, r.screenings, comp.films) <= min(bounds)


def test_the_pipeline_with_every_component_ahead_returns_a_valid_timetable_under_an_honest_bound(monkeypatch):
    inst = load("cstm-2021-resolve")
    monkeypatch.setattr(optimise, "WHOLE_MODEL_COLUMNS", 0)  # every component's LP goes ahead
    result = solve(inst, time_limit=6, workers=2)
    report = check_screenings(inst, list(result.screenings))
    assert report.valid, report.violations
    assert result.objective == report.objective
    assert result.bound is not None and result.bound >= result.objective


def test_a_component_whose_lp_would_not_end_in_time_is_left_to_its_lane_unbuilt():
    inst = load("small")
    comps, _ = components(inst)
    ahead = LpAhead(
        inst,
        comps,
        list(range(len(comps))),
        end=time.monotonic() + 60,
        stop=lambda: False,
        sizes=[10**6] + [1] * (len(comps) - 1),
        seconds=lambda columns: float(columns),  # the first would take a million seconds
        start=lambda i, model: set(),
        on_bound=lambda i, bound: None,
    ).start()
    ahead.join()
    assert not ahead.owns(0) and ahead.claim(0, "lane")  # its lane solves it as without the thread
    assert all(ahead.owns(i) for i in range(1, len(comps)))
