"""The Lagrangian relaxation: its value is an honest bound at any prices (brute force and the exact model's
LP), the descent lowers it, and the timetables built from it are valid."""

import sys
import time

import numpy as np
import pytest
from helpers import load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scheduler_improve_components import params, tiny, valid_timetables
from test_scheduler_improve_exact import copies_instance

from scheduler import pipeline
from scheduler.bound.linear import lp_bound
from scheduler.check import check_screenings
from scheduler.improve import grid_shape, lanes, relaxation, relaxation_process
from scheduler.improve.components import component_objective, components
from scheduler.improve.exact_model import as_linear, build

prices = st.tuples(
    st.lists(st.floats(-80, 200), min_size=4, max_size=4), st.lists(st.floats(0, 150), min_size=4, max_size=4)
)


def relaxation_of(inst, comp):
    return relaxation.Relaxation(inst, list(comp.films), list(comp.theaters))


def price_arrays(relax, raw):
    pi_raw, mu_raw = raw
    n_f, n_d = len(relax.films), len(relax.days)
    pi = np.array([pi_raw[i % len(pi_raw)] for i in range(n_f)])
    mu = np.array([[mu_raw[(i + d) % len(mu_raw)] for d in range(n_d)] for i in range(n_f)])
    return pi, mu


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params, prices)
def test_at_any_prices_the_relaxation_bounds_every_valid_timetable(p, raw):
    inst = tiny(p)
    (comp,), _ = components(inst)
    relax = relaxation_of(inst, comp)
    best = max(obj for _, obj in valid_timetables(inst))
    pi, mu = price_arrays(relax, raw)
    assert relax.evaluate(pi, mu).bound >= best - 1e-6
    zero = relax.evaluate(np.zeros_like(pi), np.zeros_like(mu)).bound
    lowest = relax.descend(
        incumbent=lambda: best, iterations=60, stop=lambda: False, on_iterate=lambda n, it: None
    )
    assert best - 1e-6 <= lowest <= zero + 1e-6


def multi_theater_instances():
    """Several theaters, days, pins, previous screenings with a change penalty, and copies."""
    return [load("small"), load("cstm-2021-resolve"), copies_instance()]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prices)
def test_the_relaxation_never_falls_below_the_exact_models_lp(raw):
    for inst in multi_theater_instances()[::2]:
        for comp in components(inst)[0]:
            ti = build(inst, list(comp.films), list(comp.theaters))
            lp, _, _ = lp_bound(as_linear(ti))
            relax = relaxation_of(inst, comp)
            pi, mu = price_arrays(relax, raw)
            assert relax.evaluate(pi, mu).bound >= lp - 1, (inst.name, comp.theaters)


def deterministic_run(inst, comp, *, budget: float) -> list:
    """Every (timetable or None, bound or None) a deterministic relaxation solve hands over."""
    found = []
    relaxation.solve_component(
        inst,
        comp,
        budget=budget,
        best=lambda: [],
        deterministic=True,
        stop=lambda: False,
        take=lambda screenings, bound, phase: found.append((screenings, bound, phase)),
    )
    assert {phase for _, _, phase in found} <= {"bounding", "improving", "polishing"}
    return [(screenings, bound) for screenings, bound, _ in found]


def test_descent_reaches_near_the_lp_bound_and_constructs_valid_timetables():
    for inst in multi_theater_instances():
        for comp in components(inst)[0]:
            ti = build(inst, list(comp.films), list(comp.theaters))
            lp, _, _ = lp_bound(as_linear(ti))
            found = deterministic_run(inst, comp, budget=4)
            bounds = [b for _, b in found if b is not None]
            assert found and bounds and min(bounds) >= lp - 1
            # the descent gets within a few percent of the LP bound on these small components
            assert min(bounds) <= lp + 0.05 * abs(lp) + 50, (inst.name, comp.theaters, min(bounds), lp)
            others = [p for p in inst.fixed if p.film not in comp.films]
            timetables = [screenings for screenings, _ in found if screenings is not None]
            assert timetables  # at least the first one (a later one only when it is better)
            for screenings in timetables:
                assert {s.film for s in screenings} <= set(comp.films)
                report = check_screenings(inst, screenings + others)
                assert report.valid, report.violations[:3]
                assert component_objective(inst, screenings, comp.films) <= min(bounds)


def test_deterministic_runs_repeat_exactly():
    inst = load("cstm-2021-resolve")
    comp = components(inst)[0][0]
    assert deterministic_run(inst, comp, budget=2) == deterministic_run(inst, comp, budget=2)


@pytest.mark.parametrize("workers, runner", [(1, "solve_component"), (2, "solve_in_process")])
def test_the_engine_uses_the_relaxation_for_components_too_large_for_an_lp(monkeypatch, workers, runner):
    """One lane: in the engine's thread; lanes side by side: each relaxation in a spawned process."""
    monkeypatch.setattr(lanes, "EXACT_MODEL_COLUMNS", 0)
    called = []
    module = relaxation if runner == "solve_component" else relaxation_process
    real = getattr(module, runner)
    monkeypatch.setattr(module, runner, lambda *a, **k: called.append(1) or real(*a, **k))
    inst = load("small")
    result = pipeline.solve(inst, time_limit=8, workers=workers, seed=0)
    assert called
    report = check_screenings(inst, list(result.screenings))
    assert report.valid and report.objective == result.objective
    assert result.bound >= 34420 >= result.objective  # small's optimum, proven by SCIP on the exact model


def test_a_child_process_stops_when_asked_and_its_timetables_are_valid():
    inst = load("cstm-2021")
    comp = max(components(inst)[0], key=lambda c: len(c.films))
    found = []
    started = time.monotonic()
    assert relaxation_process.solve_in_process(
        inst,
        comp,
        budget=120,
        best=[],
        stop=lambda: time.monotonic() - started > 3,
        take=lambda screenings, bound, phase, found=found: found.append((screenings, bound, phase)),
    )
    assert time.monotonic() - started < 60  # stopped long before its budget
    assert found
    assert {phase for _, _, phase in found} <= {"bounding", "improving", "polishing"}
    found = [(screenings, bound) for screenings, bound, _ in found]
    others = [p for p in inst.fixed if p.film not in comp.films]
    timetables = [screenings for screenings, _ in found if screenings is not None]
    assert timetables
    for screenings in timetables:
        assert check_screenings(inst, screenings + others).valid
    bounds = [b for _, b in found if b is not None]
    assert bounds  # three seconds are dozens of iterations on this component
    assert all(component_objective(inst, s, comp.films) <= min(bounds) for s in timetables)


def test_when_no_child_process_can_run_the_relaxation_runs_in_the_lane(monkeypatch):
    monkeypatch.setattr(lanes, "EXACT_MODEL_COLUMNS", 0)
    monkeypatch.setattr(sys, "executable", "/bin/false")  # every child exits at once with status 1
    called = []
    real = relaxation.solve_component
    monkeypatch.setattr(relaxation, "solve_component", lambda *a, **k: called.append(1) or real(*a, **k))
    inst = load("small")
    result = pipeline.solve(inst, time_limit=8, workers=2, seed=0)
    assert called and result.objective > 33000  # the greedy alone scores 32,858
    assert check_screenings(inst, list(result.screenings)).valid


def test_the_bound_comes_before_the_first_construction():
    """The descent runs first: its bound is handed over before any timetable is built."""
    inst = load("cstm-2021")
    comp = max(components(inst)[0], key=lambda c: len(c.films))
    found = deterministic_run(inst, comp, budget=2)
    screenings, bound = found[0]
    assert screenings is None and bound is not None
    assert any(screenings is not None for screenings, _ in found)  # a publication came after it


def test_a_component_with_no_time_left_keeps_what_it_has():
    """A lane that reaches a relaxation too late starts nothing (it would only run past the limit)."""
    inst = load("cstm-2021")
    comp = max(components(inst)[0], key=lambda c: len(c.films))
    found = []
    relaxation.solve_component(
        inst,
        comp,
        budget=0.0,
        best=lambda: [],
        deterministic=False,
        stop=lambda: False,
        take=lambda *message: found.append(message),
    )
    assert found == []


def plain_value(relax, pi, mu) -> float:
    """The relaxation's value by the textbook programme: every theater-day, every start, every film
    (evaluate takes the best film of each length class at once and leaves out films priced out)."""
    total = relax.constant
    for g in relax.grids:
        k_count, n_d, n_f = g.value.shape
        for di in range(n_d):
            d = g.days[di]
            best = [0.0] * (k_count + int(g.length.max()) + 1)
            for k in range(k_count - 1, -1, -1):
                best[k] = best[k + 1]
                for j in range(n_f):
                    fi = g.films[j]
                    profit = float(g.value[k, di, j]) - pi[fi] - mu[fi, d]
                    best[k] = max(best[k], profit + best[k + int(g.length[j])])
            total += best[0]
        for fi, di, coef in g.pins:
            total += coef - pi[fi] - mu[fi, g.days[di]]
    total += float(np.where(pi >= 0, pi * relax.max_count, pi * relax.min_count).sum())
    return total + float((mu * relax.max_day[:, None]).sum())


@pytest.mark.parametrize("compact_share", [0.0, 1.0])
@pytest.mark.parametrize("f32_cells", [relaxation.F32_CELLS, 0])
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=prices, scale=st.floats(0.0, 1.5))
def test_the_relaxations_programme_by_length_classes_is_the_plain_one(f32_cells, compact_share, raw, scale):
    """The textbook programme's value, at prices around the initial ones (where films are priced out of
    theaters, as in a descent) and at random ones, on films of several lengths and pins: exactly on small
    grids; on grids large enough to compare films in float32 (all of them here), never below it and above
    it by no more than the rounding's margin. With the films compared at every start, and once per
    distinct start (``compact_share`` 1.0: every grid compacted)."""
    classes = []
    compacted = []
    for inst in (load("small"), copies_instance()):
        for comp in components(inst)[0]:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(relaxation, "COMPACT_SHARE", compact_share)
                relax = relaxation_of(inst, comp)
                relax.evaluate(relax.pi, relax.mu)  # the grids' distinct starts made now
            classes += [len(g.classes) for g in relax.grids]
            compacted += [bool(g.compact) for g in relax.grids]
            pi, mu = price_arrays(relax, raw)
            for p, m in ((pi, mu), (relax.pi * scale, mu * scale)):
                plain = plain_value(relax, p, m)
                with pytest.MonkeyPatch.context() as patch:
                    patch.setattr(relaxation, "F32_CELLS", f32_cells)
                    value = relax.evaluate(p, m).bound
                if f32_cells:
                    assert value == pytest.approx(plain, abs=1e-6)
                else:
                    assert plain - 1e-6 <= value <= plain + 1e-4 * abs(plain) + 5
    assert max(classes) > 2
    assert set(compacted) == {compact_share > 0}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params)
def test_the_scaled_start_never_starts_worse_and_stays_a_bound(p):
    """The line search over the initial prices' scale: every value it hands over bounds every valid
    timetable, the first is the value at the prices as they are, and the descent goes on from the best
    scale in [0, 1]."""
    inst = tiny(p)
    (comp,), _ = components(inst)
    relax = relaxation_of(inst, comp)
    best = max(obj for _, obj in valid_timetables(inst))
    initial = relax.pi.copy()
    at_initial = relax.evaluate(initial, relax.mu).bound
    relax.scaled = False
    seen = []
    relax.descend(
        incumbent=lambda: best,
        iterations=relaxation.SCALE_STEPS,
        stop=lambda: False,
        on_iterate=lambda n, it: seen.append(it.bound),
    )
    assert seen[0] == pytest.approx(at_initial)
    assert min(seen) >= best - 1e-6
    assert relax.scaled
    start = relax.evaluate(relax.pi, relax.mu).bound
    assert start == pytest.approx(min(seen)) and start <= at_initial + 1e-6
    ratio = relax.pi[initial > 0] / initial[initial > 0]
    assert np.allclose(ratio, ratio[0] if len(ratio) else 1.0) and all(0 <= r <= 1 for r in ratio)


@pytest.mark.parametrize("relaxations_only", [True, False])
def test_relaxations_start_before_the_first_timetable_and_no_child_outlives_the_solve(
    monkeypatch, relaxations_only
):
    """Every component certain to be a relaxation (EARLY_CELLS lowered to 1): each starts in a child
    before the greedy. When the lanes leave them to the relaxation they follow those children; when the
    lanes give them to the exact model, the children are stopped unread. Either way the timetable is
    valid, the bound honest, and every child has ended when solve returns."""
    if relaxations_only:
        monkeypatch.setattr(lanes, "EXACT_MODEL_COLUMNS", 0)
    monkeypatch.setattr(relaxation_process, "EARLY_CELLS", 1)
    started, followed = [], []
    start, follow = relaxation_process.start_early, relaxation_process.Early.follow
    monkeypatch.setattr(
        relaxation_process, "start_early", lambda *a, **k: started.append(start(*a, **k)) or started[-1]
    )
    monkeypatch.setattr(
        relaxation_process.Early, "follow", lambda self, *a: followed.append(self) or follow(self, *a)
    )
    inst = load("small")
    result = pipeline.solve(inst, time_limit=8, workers=2, seed=0)
    (early,) = started
    assert len(early) == len(components(inst)[0])
    assert len(followed) == (len(early) if relaxations_only else 0)
    assert all(e.child.poll() is not None for e in early.values())
    report = check_screenings(inst, list(result.screenings))
    assert report.valid and report.objective == result.objective
    assert result.bound >= 34420 >= result.objective  # small's optimum, proven by SCIP on the exact model


def test_nothing_starts_early_where_a_component_may_go_to_the_exact_model():
    """Only festivals whose every component has EARLY_CELLS start early; never with one worker, in
    deterministic mode or at limits below EARLY_MIN_SECONDS."""
    now = time.monotonic()
    for name in ("small", "cstm-2021"):
        inst = load(name)
        assert (
            relaxation_process.start_early(inst, time_limit=60, started=now, workers=2, deterministic=False)
            == {}
        )
    inst = load("alliance")
    cells = [grid_shape.grid_cells(inst, c) for c in components(inst)[0]]
    assert min(cells) >= relaxation_process.EARLY_CELLS
    for limit, workers, deterministic in ((60, 1, False), (60, 2, True), (2, 2, False)):
        assert (
            relaxation_process.start_early(
                inst, time_limit=limit, started=now, workers=workers, deterministic=deterministic
            )
            == {}
        )
