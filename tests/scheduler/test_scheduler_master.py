"""The band master: components, necessary capacity rows, honest LP and MIP bounds (brute force)."""

import itertools

from helpers import load, raw, tiny_theater_day
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.data import DAY, Screening
from scheduler.io import parse_instance
from scheduler.master import build_master, components, keepable_previous, lp_bound, point_of, solve_mip
from scheduler.slots import build_slots, film_options
from scheduler.validate import check_screenings


def test_components_follow_the_compatibility_graph():
    inst = load("cstm-2021")
    comps, orphans = components(inst)
    assert sorted(sorted(c.theaters) for c in comps) == [["4d", "motion"], ["dome"], ["giant", "hall"]]
    assert sum(len(c.films) for c in comps) + len(orphans) == len(inst.films)
    for c in comps:
        for fid in c.films:
            f = inst.film_by_id[fid]
            assert {t.id for t in inst.theaters if inst.compatible(f, t)} <= set(c.theaters)


def test_a_film_no_theater_can_show_is_an_orphan():
    data = raw()
    data["films"].append({"id": "c", "format": "scifi", "runtime_minutes": 90})
    comps, orphans = components(parse_instance(data))
    assert orphans == ["c"] and len(comps) == 1


def tiny(p):
    """One theater-day with a few films: small enough to list every valid timetable."""
    weights = [["10:00", "10:30", 1.3], ["10:30", "11:30", 0.8]]
    return tiny_theater_day(p, hour_weights=weights, block=p["block"])


params = st.fixed_dictionaries(
    {
        "close": st.sampled_from(["11:30", "12:00", "12:30"]),
        "step": st.sampled_from([10, 15]),
        "change": st.sampled_from([0, 5, 10]),
        "block": st.booleans(),
        "films": st.lists(
            st.tuples(st.integers(15, 50), st.integers(0, 2), st.integers(0, 120)), min_size=1, max_size=2
        ),
    }
)


def valid_timetables(inst):
    """Every valid timetable of a one-theater instance (at most 4 screenings)."""
    t = inst.theaters[0]
    day = inst.first_day
    starts = []
    for a, b in inst.free_segments(t, day):
        for s in range(a, b):
            if (s % DAY) % t.step == 0:
                starts.append(s)
    candidates = [
        Screening(s, t.id, f.id)
        for f in inst.films
        for s in starts
        if check_screenings(inst, [Screening(s, t.id, f.id)]).valid
    ]
    for k in range(5):
        for combo in itertools.combinations(candidates, k):
            report = check_screenings(inst, list(combo))
            if report.valid:
                yield list(combo), report.objective


def row_holds(row, point):
    total = sum(k * point[v] for v, k in zip(row.vars, row.coefs, strict=True))
    return (row.lo is None or total >= row.lo) and (row.hi is None or total <= row.hi)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params, st.sampled_from([0, 1, 2]))
def test_every_valid_timetable_is_a_point_of_the_master_and_the_bounds_hold(p, thetas):
    inst = tiny(p)
    slots = build_slots(inst)
    options = film_options(inst, slots)
    (comp,), _ = components(inst)
    m = build_master(inst, comp, slots, options, keepable_previous(inst), thetas=thetas)
    lp, _, _ = lp_bound(m)
    best = None
    for screenings, objective in valid_timetables(inst):
        point = point_of(m, inst, slots, screenings)
        broken = [r for r in m.rows if not row_holds(r, point)]
        assert not broken, f"{screenings} breaks a master row: the master must be a relaxation"
        assert sum(c * x for c, x in zip(m.obj, point, strict=True)) + m.constant == objective
        best = objective if best is None else max(best, objective)
    assert lp >= best
    mip = solve_mip(m, None, 5, deterministic=True, seed=0, workers=1, stop=lambda: False)
    assert mip.bound is not None and best <= mip.bound <= lp


def test_lp_bound_is_at_least_every_valid_objective_on_a_real_instance():
    inst = load("small")
    slots = build_slots(inst)
    options = film_options(inst, slots)
    comps, _ = components(inst)
    from scheduler.engine import solve

    result = solve(inst, time_limit=10, workers=2)
    total = 0
    for comp in comps:
        m = build_master(inst, comp, slots, options, keepable_previous(inst), thetas=3)
        value, point, _ = lp_bound(m)
        assert point is not None
        total += value
    assert total >= result.objective
    assert result.bound <= total
