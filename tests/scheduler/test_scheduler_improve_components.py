"""Components, and the brute-force helpers the model tests share (tiny instances, every valid timetable)."""

import itertools

from helpers import load, raw, tiny_theater_day
from hypothesis import strategies as st

from scheduler.check import check_screenings
from scheduler.data import DAY, Screening
from scheduler.improve.components import components
from scheduler.read import parse_instance


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
    data["films"].append({"id": "c", "title": "C", "format": "scifi", "runtime_minutes": 90})
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


def row_holds(row, point, tolerance=0.0):
    total = sum(k * point[v] for v, k in zip(row.vars, row.coefs, strict=True))
    return (row.lo is None or total >= row.lo - tolerance) and (row.hi is None or total <= row.hi + tolerance)
