"""The solver: always valid, optimal on tiny instances (brute force), pins, re-solve, determinism."""

import itertools

from helpers import instance, load, pins, raw, tiny_theater_day
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.check import check_screenings
from scheduler.data import DAY, PHASES, Progress, Screening
from scheduler.pipeline import solve
from scheduler.read import parse_instance, schedule_to_json


def brute_force(inst) -> int:
    """Best objective over every set of valid screenings (tiny instances only)."""
    candidates = []
    for t in inst.theaters:
        for day in inst.days:
            for a, b in inst.opening(t, day):
                for f in inst.films:
                    if not inst.compatible(f, t):
                        continue
                    for start in range(a, b - f.runtime + 1):
                        s = Screening(start, t.id, f.id)
                        if (start % DAY) % t.step == 0 and check_screenings(inst, [s]).violations == tuple(
                            v for v in check_screenings(inst, [s]).violations if v.rule == "pinned"
                        ):
                            candidates.append(s)
    best = None
    for k in range(len(candidates) + 1):
        for combo in itertools.combinations(candidates, k):
            report = check_screenings(inst, list(combo))
            if report.valid and (best is None or report.objective > best):
                best = report.objective
        if k >= 4:
            break
    return best


tiny = st.fixed_dictionaries(
    {
        "close": st.sampled_from(["11:00", "11:30", "12:00"]),
        "step": st.sampled_from([15, 30]),
        "change": st.sampled_from([0, 10]),
        "films": st.lists(
            st.tuples(st.integers(20, 50), st.integers(0, 2), st.integers(0, 120)), min_size=1, max_size=2
        ),
        "weight": st.sampled_from([0.5, 1.0, 1.3]),
    }
)


def tiny_instance(p):
    return tiny_theater_day(p, hour_weights=[["10:00", "10:30", p["weight"]]])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny)
def test_solver_matches_brute_force_on_tiny_instances(p):
    inst = tiny_instance(p)
    result = solve(inst, time_limit=5, workers=1, deterministic=True)
    report = check_screenings(inst, list(result.screenings))
    assert report.valid
    assert report.objective == result.objective
    best = brute_force(inst)
    assert result.objective == best
    assert result.bound is None or result.bound >= best


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(10, 100), st.integers(0, 4), st.integers(1, 2), st.integers(1, 2)),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from([5, 10, 15]),
)
def test_every_returned_schedule_is_valid(films, step):
    data = raw()
    data["theaters"][1]["start_step_minutes"] = step
    data["films"] = [
        {
            "id": f"f{i}",
            "title": f"F{i}",
            "format": "dome",
            "runtime_minutes": r,
            "min_screenings": lo,
            "max_screenings": max(lo, 3),
            "max_per_day": mpd,
            "copies": cp,
            "popularity": 10 * i + 5,
        }
        for i, (r, lo, mpd, cp) in enumerate(films)
    ]
    inst = parse_instance(data)
    result = solve(inst, time_limit=2, workers=1)
    report = check_screenings(inst, list(result.screenings))
    assert report.valid and report.objective == result.objective
    assert result.bound is None or result.bound >= result.objective
    assert {s.film for s in result.shortfalls} == {
        f.id for f in inst.films if report.counts.get(f.id, 0) < f.min_screenings
    }


def test_pins_are_kept():
    inst = instance(fixed=[{"film": "b", "theater": "big", "start": "2021-04-06T11:15"}])
    result = solve(inst, time_limit=2, workers=1)
    assert Screening(inst.fixed[0].start, "big", "b") in result.screenings


def test_conflicting_pins_make_the_instance_infeasible_with_a_minimal_conflict():
    inst = instance(
        fixed=pins(
            "a big 2021-04-06T10:00",
            "b big 2021-04-06T10:15",
            "a big 2021-04-07T10:00",
        )
    )
    result = solve(inst, time_limit=2, workers=1)
    assert result.status == "infeasible" and not result.screenings
    assert len(result.conflicts) == 1
    words = result.conflicts[0]
    assert "2021-04-06T10:00" in words and "2021-04-06T10:15" in words and "2021-04-07" not in words
    assert "one screening at a time" in words
    assert schedule_to_json(result)["conflicts"] == list(result.conflicts)


def test_small_example_is_solved_to_proven_optimality():
    inst = load("small")
    result = solve(inst, time_limit=20, workers=2)
    assert result.status == "optimal" and result.objective == result.bound
    assert check_screenings(inst, list(result.screenings)).valid


def test_deterministic_mode_gives_identical_output():
    inst = load("small")
    first = schedule_to_json(solve(inst, time_limit=2, workers=2, seed=3, deterministic=True))
    second = schedule_to_json(solve(inst, time_limit=2, workers=2, seed=3, deterministic=True))
    assert first == second


def test_resolve_keeps_most_previous_screenings():
    inst = load("cstm-2021-resolve")
    result = solve(inst, time_limit=3, workers=1)
    report = check_screenings(inst, list(result.screenings))
    assert report.valid
    assert report.changes <= 0.1 * len(inst.previous)


def test_stop_event_returns_the_best_timetable_so_far():
    import threading

    stop = threading.Event()
    stop.set()
    inst = load("cstm-2021")
    result = solve(inst, time_limit=30, workers=1, stop_event=stop)
    assert result.status in ("feasible", "optimal")
    assert check_screenings(inst, list(result.screenings)).valid


def test_progress_is_reported_to_the_caller():
    seen = []
    solve(load("small"), time_limit=2, workers=1, on_progress=seen.append)
    assert seen[0].phase == "first timetable" and seen[0].objective is not None
    assert seen[-1].phase == "done"
    assert {p.phase for p in seen} <= set(PHASES)
    named = [p for p in seen if p.formats]  # the components' reports say which theaters they are about
    assert named and all(
        p.words.startswith(f"{p.phase} the ") and p.words.endswith(" theaters") for p in named
    )
    assert (
        Progress(1.0, None, None, None, "improving", ("4d", "dome")).words
        == "improving the 4D and dome theaters"
    )
