"""How the lanes share the time (improve/lanes.py, optimise.py): by size at long limits, by what each
component has to gain at short ones, never leaving a component without time."""

import time

import pytest
from helpers import load

from scheduler import solve
from scheduler.check import check_screenings
from scheduler.improve import lanes, optimise
from scheduler.improve.components import components


def budgets_given(monkeypatch, weights, sizes, seconds=10.0):
    """The budget each component of one lane gets (solve_component recorded, not run)."""
    given: dict[int, float] = {}
    monkeypatch.setattr(
        lanes, "solve_component", lambda inst, comp, *, budget, **k: given.setdefault(comp, budget)
    )
    comps = list(range(len(sizes)))
    lanes.run_lanes(
        None,
        comps,
        [comps],
        sizes,
        best=lambda i: [],
        budget_end=time.monotonic() + seconds,
        exact_budget=seconds,
        seed=0,
        deterministic=False,
        stop=lambda: False,
        take=lambda i, res: None,
        weights=weights,
    )
    return [given[i] for i in comps]


def test_a_lane_shares_its_time_by_weight_when_given_and_by_size_otherwise(monkeypatch):
    by_size = budgets_given(monkeypatch, None, [1_000, 3_000])
    assert by_size[0] == pytest.approx(2.5, abs=0.1)  # a quarter of the lane's 10 s
    by_gain = budgets_given(monkeypatch, [900.0, 100.0], [1_000, 3_000])
    assert by_gain[0] == pytest.approx(9.0, abs=0.1)  # nine tenths: its gain, not its size


@pytest.mark.parametrize("limit", [10.0, 60.0])
def test_short_limits_weigh_the_components_by_their_gain_and_long_ones_by_size(monkeypatch, limit):
    """At 10 s the lanes get each component's bound less its objective (at least MIN_GAIN_SHARE of their
    sum); at 60 s no weights (sizes). The timetable stays valid either way."""
    seen = {}
    real = optimise.run_lanes

    def spy(*args, weights=None, **kwargs):
        seen["weights"] = weights
        kwargs["budget_end"] = time.monotonic() + 0.5  # the lanes' work itself is not what is tested
        return real(*args, weights=weights, **kwargs)

    monkeypatch.setattr(optimise, "run_lanes", spy)
    inst = load("cstm-2021")
    result = solve(inst, time_limit=limit, workers=2, seed=0)
    assert check_screenings(inst, list(result.screenings)).valid
    if limit == 60.0:
        assert seen["weights"] is None
        return
    weights = seen["weights"]
    assert weights is not None and len(weights) == len(components(inst)[0])
    assert min(weights) >= optimise.MIN_GAIN_SHARE * max(weights)  # none left without time
    assert max(weights) > min(weights)
