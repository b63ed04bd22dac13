"""The exact model: its integer points are exactly the valid timetables (brute force), its
bounds hold, and the LP rounding and restricted solves return valid timetables."""

import itertools

from helpers import load, raw
from hypothesis import HealthCheck, given, settings
from test_scheduler_improve_components import params, row_holds, tiny, valid_timetables

from scheduler.bound.linear import lp_bound
from scheduler.check import check_screenings
from scheduler.data import Screening
from scheduler.first.greedy import greedy_schedule
from scheduler.improve import exact_component, rounding
from scheduler.improve.components import component_objective, components
from scheduler.improve.exact_model import as_linear, build, count_columns
from scheduler.improve.exact_solve import solve_exact
from scheduler.read import parse_instance


def model_points(ti, most: int = 4):
    """Every 0/1 point of the model's screening columns with at most ``most`` ones that meets its rows."""
    linear = as_linear(ti)
    for k in range(most + 1):
        for chosen in itertools.combinations(range(ti.size), k):
            screenings = ti.screenings_of(list(chosen))
            point = ti.point_of(screenings)
            if all(row_holds(r, point) for r in linear.rows) and all(point[v] for v in ti.fixed):
                yield screenings, sum(c * x for c, x in zip(ti.coef, point, strict=True)) + ti.constant


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params)
def test_the_model_points_are_exactly_the_valid_timetables(p):
    inst = tiny(p)
    (comp,), _ = components(inst)
    ti = build(inst, list(comp.films), list(comp.theaters))
    assert ti.size == count_columns(inst, list(comp.films), list(comp.theaters))
    valid = {frozenset(s): obj for s, obj in valid_timetables(inst)}
    points = {frozenset(s): obj for s, obj in model_points(ti)}
    for screenings, objective in points.items():
        report = check_screenings(inst, list(screenings))
        assert report.valid, f"{sorted(screenings)} meets the model's rows but breaks {report.violations}"
        assert report.objective == objective
    assert points == valid
    best = max(valid.values())
    lp, _, _ = lp_bound(as_linear(ti))
    assert lp >= best
    res = solve_exact(ti, hint=[], time_limit=5, seed=0, deterministic=True, stop=lambda: False)
    assert res.objective == best and res.bound >= best


def copies_instance():
    """Two theaters and one hour a day: showing film a in both at once would pay most, but it has one copy."""
    data = raw()
    data["venues"][0]["hours"] = {"tue": [["10:00", "11:00"]], "wed": [["10:00", "11:00"]]}
    data["films"] = [
        {
            "id": "a",
            "title": "A",
            "format": "dome",
            "runtime_minutes": 50,
            "min_screenings": 2,
            "max_screenings": 4,
            "max_per_day": 2,
            "copies": 1,
            "popularity": 100,
        },
        {
            "id": "b",
            "title": "B",
            "format": "dome",
            "runtime_minutes": 30,
            "requires": ["fulldome"],
            "popularity": 60,
        },
    ]
    data["fixed"] = [{"film": "a", "theater": "big", "start": "2021-04-06T10:00"}]
    return parse_instance(data)


def test_copies_pins_and_counts_hold_in_the_exact_solution():
    inst = copies_instance()
    comps, _ = components(inst)
    for comp in comps:
        ti = build(inst, list(comp.films), list(comp.theaters))
        res = solve_exact(ti, hint=[], time_limit=10, seed=0, deterministic=False, stop=lambda: False)
        report = check_screenings(inst, res.screenings)
        assert report.valid, report.violations
        assert report.objective == res.objective <= res.bound
        assert Screening(inst.fixed[0].start, "big", "a") in res.screenings


def test_lp_rounding_and_restricted_solves_give_valid_timetables_under_an_honest_bound(monkeypatch):
    inst = load("small")
    monkeypatch.setattr(
        exact_component, "WHOLE_MODEL_COLUMNS", 0
    )  # force the LP + restricted path on every component
    greedy = greedy_schedule(inst)
    comps, _ = components(inst)
    for comp in comps:
        ti = build(inst, list(comp.films), list(comp.theaters))
        _, point, _ = lp_bound(as_linear(ti))
        rounded = rounding.lp_round(inst, ti, point)
        assert check_screenings(inst, rounded + [p for p in inst.fixed if p.film not in comp.films]).valid
        results = []
        exact_component.solve_component(
            inst,
            comp,
            budget=20,
            best=lambda comp=comp: [s for s in greedy if s.film in comp.films],
            seed=0,
            deterministic=True,
            stop=lambda: False,
            take=results.append,
        )
        bounds = [r.bound for r in results if r.bound is not None]
        found = [r.screenings for r in results if r.screenings is not None]
        assert bounds and found
        others = [p for p in inst.fixed if p.film not in comp.films]
        for screenings in found:
            assert check_screenings(inst, screenings + others).valid
            assert component_objective(inst, screenings, comp.films) <= min(bounds)


def test_without_scip_the_model_is_solved_by_cp_sat(monkeypatch):
    from ortools.linear_solver import pywraplp

    real = pywraplp.Solver.CreateSolver
    monkeypatch.setattr(pywraplp.Solver, "CreateSolver", lambda name: None if name == "SCIP" else real(name))
    inst = copies_instance()
    (comp,), _ = components(inst)
    ti = build(inst, list(comp.films), list(comp.theaters))
    res = solve_exact(ti, hint=[], time_limit=10, seed=0, deterministic=True, stop=lambda: False)
    report = check_screenings(inst, res.screenings)
    assert report.valid and report.objective == res.objective <= res.bound


def test_scip_at_its_memory_cap_hands_the_time_left_to_the_neighbourhood_search(monkeypatch):
    """SCIP stopped by its memory cap at once (1 MB, before any solution): the component's time left goes
    to the day windows, and every timetable handed over is valid under an honest bound."""
    from scheduler.improve import exact_solve

    monkeypatch.setattr(exact_solve, "SCIP_MEMORY_MB", 1)
    windows = []
    real = exact_component.improve_by_windows
    monkeypatch.setattr(
        exact_component, "improve_by_windows", lambda *a, **k: windows.append(1) or real(*a, **k)
    )
    inst = load("cstm-2021-resolve")
    greedy = greedy_schedule(inst)
    comp = max(components(inst)[0], key=lambda c: len(c.films))  # the one its LP does not solve
    others = [s for s in greedy if s.film not in comp.films]
    results = []
    exact_component.solve_component(
        inst,
        comp,
        budget=40,
        best=lambda: [s for s in greedy if s.film in comp.films],
        seed=0,
        deterministic=False,
        stop=lambda: False,
        take=results.append,
        hand_over=True,  # the search ends once it stalls
    )
    assert windows
    bound = min(r.bound for r in results if r.bound is not None)
    for r in results:
        if r.screenings is not None:
            assert check_screenings(inst, r.screenings + others).valid
            assert component_objective(inst, r.screenings, comp.films) <= bound


def test_scip_is_not_started_on_a_model_it_cannot_hold_and_is_on_one_it_can():
    """A model above SCIP_NONZEROS (cstm-2021's smallest component whole: 21k columns, 135k nonzeros):
    SCIP would stop at its memory cap after presolving with nothing but the hint, so it is not started
    and nothing comes back; a sub-model of it below the threshold is solved, its timetable valid."""
    from scheduler.improve import exact_solve

    inst = load("cstm-2021")
    comp = min(components(inst)[0], key=lambda c: count_columns(inst, list(c.films), list(c.theaters)))
    model = build(inst, list(comp.films), list(comp.theaters))
    hint = [s for s in greedy_schedule(inst) if s.film in comp.films]
    nonzeros = sum(len(cols) for cols, _ in model.rows) + sum(len(cols) + 1 for cols, _, _ in model.cover)
    assert nonzeros > exact_solve.SCIP_NONZEROS
    whole = solve_exact(model, hint=hint, time_limit=20, seed=0, deterministic=False, stop=lambda: False)
    assert whole == exact_solve.ExactResult(None, None, None, False)
    columns = set(sorted(range(model.size), key=lambda v: (-model.coef[v], v))[:2000]) | set(
        model.chosen(hint)
    )
    sub = solve_exact(
        model, hint=hint, time_limit=20, seed=0, deterministic=True, stop=lambda: False, columns=columns
    )
    others = [p for p in inst.fixed if p.film not in comp.films]
    assert sub.screenings is not None and check_screenings(inst, sub.screenings + others).valid
    assert sub.objective >= model.objective_of(hint)


def test_a_component_scip_cannot_hold_whole_gets_restricted_models(monkeypatch):
    """cstm-2021's smallest component (21k columns, within WHOLE_MODEL_COLUMNS but above SCIP_NONZEROS):
    SCIP is not asked for the whole model but for a restricted one, whose timetable is valid under the
    component's honest bound (stopped after that first SCIP solve)."""
    inst = load("cstm-2021")
    comp = min(components(inst)[0], key=lambda c: count_columns(inst, list(c.films), list(c.theaters)))
    assert count_columns(inst, list(comp.films), list(comp.theaters)) <= exact_component.WHOLE_MODEL_COLUMNS
    asked = []
    real = exact_component.solve_exact

    def first_scip_solve(model, **k):
        res = real(model, **k)
        asked.append((k.get("columns"), res))
        return res

    monkeypatch.setattr(exact_component, "solve_exact", first_scip_solve)
    greedy = greedy_schedule(inst)
    others = [s for s in greedy if s.film not in comp.films]
    results = []
    exact_component.solve_component(
        inst,
        comp,
        budget=30,
        best=lambda: [s for s in greedy if s.film in comp.films],
        seed=0,
        deterministic=False,
        stop=lambda: bool(asked),
        take=results.append,
    )
    [(columns, res)] = asked
    assert columns is not None and len(columns) < comp_size(inst, comp)
    assert res.screenings is not None
    bound = min(r.bound for r in results if r.bound is not None)
    for r in results + [res]:
        if r.screenings is not None:
            assert check_screenings(inst, r.screenings + others).valid
            assert component_objective(inst, r.screenings, comp.films) <= bound


def comp_size(inst, comp) -> int:
    return count_columns(inst, list(comp.films), list(comp.theaters))
