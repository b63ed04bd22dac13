"""Bounded work: on instances the reader accepts but no festival has (every limit near its maximum), every
phase stops at the time limit or the stop button, and the tables that grow with the instance have caps."""

import datetime
import threading
import time

import pytest
from helpers import load

from scheduler.budget import Budget, OutOfTime
from scheduler.check import check_screenings
from scheduler.first import slots
from scheduler.first.greedy import greedy_schedule
from scheduler.improve import lanes, optimise, relaxation
from scheduler.pipeline import solve
from scheduler.read import parse_instance

# what a solve may take beyond its limit: validating and explaining what it returns (the work itself ends
# pipeline.FINISH_SECONDS before the limit), with room for a busy machine; the faults these tests guard
# against overran by minutes
MARGIN = 2.5
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def a_year(**fields) -> dict:
    """A venue open around the clock for a whole year, theaters on a one-minute grid."""
    data = {
        "festival": {
            "name": "p",
            "timezone": "Asia/Shanghai",
            "first_day": "2024-01-01",
            "last_day": "2024-12-31",
        },
        "venues": [{"id": "v", "name": "V", "hours": {d: [["00:00", "24:00"]] for d in WEEK}}],
        "theaters": [
            {"id": "t", "name": "T", "venue": "v", "seats": 100, "formats": ["dome"], "start_step_minutes": 1}
        ],
        "films": [],
    }
    data.update(fields)
    return data


def film(i: int, **fields) -> dict:
    return {
        "id": f"f{i}",
        "title": f"F{i}",
        "format": "dome",
        "runtime_minutes": 30,
        "popularity": i % 300,
    } | fields


@pytest.fixture(scope="module")
def many_films():
    """20,000 films of five screenings each, one theater for a year."""
    films = [film(i, min_screenings=5, max_screenings=50, max_per_day=3) for i in range(20_000)]
    return parse_instance(a_year(films=films))


@pytest.fixture(scope="module")
def many_theater_days():
    """600 theaters for a year, half-hour demand bands: 10 million slots if nothing stopped them."""
    theaters = [
        {"id": f"t{i}", "name": "T", "venue": "v", "seats": 100, "formats": ["dome"], "start_step_minutes": 1}
        for i in range(600)
    ]
    bands = [
        [f"{m // 60:02d}:{m % 60:02d}", f"{(m + 30) // 60:02d}:{(m + 30) % 60:02d}", 1.0]
        for m in range(0, 1410, 30)
    ]
    films = [
        film(i, runtime_minutes=17, min_screenings=3, max_screenings=400, max_per_day=50) for i in range(300)
    ]
    return parse_instance(a_year(theaters=theaters, films=films, weights={"hour": bands}))


def conflicting_pins(n: int):
    """n pins of one film every half hour in one theater, each an hour long: they overlap pairwise."""
    day0 = datetime.date(2024, 1, 1)
    fixed = [
        {
            "film": "f0",
            "theater": "t",
            "start": f"{day0 + datetime.timedelta(days=i // 48)}T{(i % 48) // 2:02d}:{30 * (i % 2):02d}",
        }
        for i in range(n)
    ]
    films = [
        film(
            0, runtime_minutes=60, min_screenings=0, max_screenings=10_000, max_per_day=10_000, copies=10_000
        )
    ]
    return parse_instance(a_year(films=films, fixed=fixed))


@pytest.mark.parametrize("which", ["many_films", "many_theater_days"])
def test_a_solve_of_a_huge_instance_ends_at_its_limit_with_a_valid_timetable(request, which):
    instance = request.getfixturevalue(which)
    result = solve(instance, time_limit=2, workers=2)
    assert result.status == "feasible"
    assert result.solve_seconds <= 2 + MARGIN
    assert check_screenings(instance, list(result.screenings)).valid
    assert len(result.shortfalls) > 0  # far from done, and said so


def test_conflicting_pins_by_the_thousand_end_at_the_limit_with_conflicts_named():
    instance = conflicting_pins(20_000)
    result = solve(instance, time_limit=2, workers=1)
    assert result.status == "infeasible"
    assert result.solve_seconds <= 2 + MARGIN
    # minimal conflicts when found in time, else the rules the pins break
    assert result.conflicts and all(
        "cannot all hold" in c or c.startswith(("opening hours:", "one screening at a time:"))
        for c in result.conflicts
    )


def test_the_stop_button_ends_the_first_timetable(many_films):
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    result = solve(many_films, time_limit=600, workers=1, stop_event=stop)
    assert result.status == "feasible"
    assert result.solve_seconds <= 0.5 + MARGIN
    assert check_screenings(many_films, list(result.screenings)).valid


class Countdown(Budget):
    """A budget that runs out after so many units of work, wherever they are."""

    def __init__(self, units: int):
        super().__init__()
        object.__setattr__(self, "calls", [units])

    def check(self):
        self.calls[0] -= 1
        if self.calls[0] < 0:
            raise OutOfTime


def test_a_first_timetable_stopped_half_way_keeps_every_rule():
    instance = load("cstm-2021")
    counting = Countdown(1 << 60)
    full = greedy_schedule(instance, budget=counting)
    units = (1 << 60) - counting.calls[0]
    part = greedy_schedule(instance, budget=Countdown(units - 300))  # stops 300 placements before the end
    assert 0 < len(part) < len(full)
    assert check_screenings(instance, part).valid


def test_the_tables_of_the_first_timetable_have_caps(monkeypatch):
    instance = load("cstm-2021")
    monkeypatch.setattr(slots, "MAX_SLOTS", 100)
    monkeypatch.setattr(slots, "MAX_OPTIONS", 1_000)
    built = slots.build_slots(instance)
    assert len(built) == 100
    options = slots.film_options(instance, built)
    assert sum(len(o) for o in options.values()) <= 1_000
    monkeypatch.setattr(slots, "MAX_OPTIONS", 1 << 40)
    uncapped = slots.film_options(instance, built)
    assert sum(len(o) for o in uncapped.values()) > 1_000
    # every film with a slot keeps its most valuable ones (before, the films past the cap got none)
    assert all(options[f] for f, o in uncapped.items() if o)
    assert check_screenings(instance, greedy_schedule(instance)).valid


def test_a_component_too_large_for_the_relaxations_tables_keeps_its_timetable(monkeypatch):
    instance = load("small")
    monkeypatch.setattr(lanes, "EXACT_MODEL_COLUMNS", 10)
    monkeypatch.setattr(optimise, "EXACT_MODEL_COLUMNS", 10)
    monkeypatch.setattr(relaxation, "MAX_GRID_CELLS", 1)
    started = time.monotonic()
    result = solve(instance, time_limit=5, workers=1)
    assert time.monotonic() - started < 4  # nothing ran: the relaxation would have used its 5 s
    assert result.status == "feasible"
    assert result.objective == check_screenings(instance, greedy_schedule(instance)).objective


@pytest.mark.parametrize(
    "arguments",
    [
        {"time_limit": float("nan")},
        {"time_limit": float("inf")},
        {"time_limit": -1},
        {"workers": 0},
        {"seed": -1},
        {"seed": 2**31},
    ],
)
def test_solve_refuses_arguments_out_of_range(arguments):
    with pytest.raises(ValueError):
        solve(load("small"), **({"time_limit": 1} | arguments))


def test_the_stop_button_interrupts_the_improvement_too():
    """Stopped as soon as one component has its LP bound: the others' model building, LP and SCIP end at
    once (the LP solvers and SCIP are interrupted, the model building checks the stop)."""
    instance = load("cstm-2021")
    stop = threading.Event()
    stopped_at = []

    def progress(p):
        if p.phase == "bounding" and p.formats and not stop.is_set():
            stopped_at.append(p.elapsed)
            stop.set()

    result = solve(instance, time_limit=60, workers=2, on_progress=progress, stop_event=stop)
    assert stopped_at and result.status == "feasible"
    assert result.solve_seconds <= stopped_at[0] + MARGIN
    assert check_screenings(instance, list(result.screenings)).valid
