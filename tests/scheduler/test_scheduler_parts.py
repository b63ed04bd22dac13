"""A run split into parts, each solved as an instance of its own, merged into one checked timetable."""

import pickle

from helpers import load, raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.check import check_screenings
from scheduler.parts import (
    PartResult,
    merge,
    part_instance,
    part_result_from_json,
    part_result_to_json,
    solve_part,
    split,
)
from scheduler.read import parse_instance

FORMATS = ["dome", "4d", "scifi"]  # scifi: no theater of raw() shows it (a film nobody can show)


def test_parts_are_the_components_largest_first():
    inst = load("cstm-2021")
    parts = split(inst)
    assert sorted(sorted(p.theaters) for p in parts) == [["4d", "motion"], ["dome"], ["giant", "hall"]]
    assert [len(p.films) for p in parts] == sorted((len(p.films) for p in parts), reverse=True)
    assert [p.index for p in parts] == list(range(len(parts)))


def test_a_part_instance_holds_its_films_theaters_pins_and_previous_screenings_only():
    inst = load("cstm-2021-resolve")
    for part in split(inst):
        sub = part_instance(inst, part)
        films = {f.id for f in sub.films}
        assert films == set(part.films)
        assert set(part.theaters) <= {t.id for t in sub.theaters}
        assert all(p.film in films for p in sub.fixed + sub.previous)
        assert [p for p in inst.previous if p.film in films] == list(sub.previous)


def small_instances():
    film = st.tuples(
        st.sampled_from(FORMATS),
        st.integers(10, 60),
        st.integers(0, 3),
        st.integers(1, 2),
        st.integers(0, 90),
    )
    return st.lists(film, min_size=1, max_size=6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_merged_parts_are_valid_and_worth_the_sum_of_the_parts(films):
    data = raw()
    data["theaters"][1]["formats"] = ["4d"]  # two components: big (dome) and small (4d)
    data["films"] = [
        {
            "id": f"f{i}",
            "title": f"F{i}",
            "format": fmt,
            "runtime_minutes": runtime,
            "min_screenings": low,
            "max_screenings": max(low, 2),
            "max_per_day": per_day,
            "popularity": popularity,
        }
        for i, (fmt, runtime, low, per_day, popularity) in enumerate(films)
    ]
    inst = parse_instance(data)
    parts = split(inst)
    results = [solve_part(inst, p, time_limit=2, deterministic=True) for p in parts]
    merged = merge(inst, results)
    report = check_screenings(inst, list(merged.screenings))
    assert report.valid and report.objective == merged.objective
    nobody = sum(inst.weights.shortfall_penalty * f.min_screenings for f in inst.films if f.format == "scifi")
    assert merged.objective == sum(r.objective for r in results) - nobody
    assert merged.bound == sum(r.bound for r in results) - nobody >= merged.objective
    assert {s.film for s in merged.shortfalls} == {
        f.id for f in inst.films if report.counts.get(f.id, 0) < f.min_screenings
    }


def test_the_example_split_and_merged_equals_the_sum_of_its_parts():
    inst = load("small")
    results = [solve_part(inst, p, time_limit=5, deterministic=True) for p in split(inst)]
    merged = merge(inst, results)
    assert check_screenings(inst, list(merged.screenings)).valid
    assert merged.objective == sum(r.objective for r in results)
    assert merged.bound == sum(r.bound for r in results)
    assert merged.status in ("optimal", "feasible")


def test_a_missing_part_leaves_the_bound_unknown_and_the_rest_valid():
    inst = load("small")
    parts = split(inst)
    results = [solve_part(inst, p, time_limit=2, deterministic=True) for p in parts[1:]]
    merged = merge(inst, results)
    assert merged.bound is None
    assert check_screenings(inst, list(merged.screenings)).valid
    solved = {f for p in parts[1:] for f in p.films}
    assert {s for s in merged.screenings if s.film not in solved} == {
        p for p in inst.fixed if p.film in parts[0].films
    }  # the missing part keeps its pins


def test_an_invalid_union_is_never_returned():
    inst = load("small")
    part = split(inst)[0]
    result = solve_part(inst, part, time_limit=2, deterministic=True)
    twice = PartResult(1, result.status, result.objective, result.bound, 0.0, result.screenings)
    merged = merge(inst, [result, twice])  # every screening twice: theaters overlap
    assert merged.status == "unknown" and merged.screenings == () and merged.objective is None


def test_results_travel_as_json_and_pickles():
    inst = load("small")
    result = solve_part(inst, split(inst)[0], time_limit=2, deterministic=True)
    assert part_result_from_json(part_result_to_json(result)) == result
    assert pickle.loads(pickle.dumps(result)) == result  # noqa: S301 (our own bytes)
    assert pickle.loads(pickle.dumps(split(inst))) == split(inst)  # noqa: S301
