"""The capacity-free bound: each film alone at its best starts, whatever the other films do."""

from collections import defaultdict

import pytest
from helpers import load, slot_values
from hypothesis import HealthCheck, given, settings
from test_scheduler_improve_components import params, tiny, valid_timetables

from scheduler.bound.capacity import capacity_free_bound
from scheduler.first.slots import build_slots, film_options
from scheduler.improve.components import components


def by_definition(instance, options, films) -> int:
    """Every start of every slot taken max_per_day times a day, the film's best max_screenings of them."""
    total = 0
    scored = slot_values(instance, {fid: options.get(fid, ()) for fid in films})
    for fid in films:
        f = instance.film_by_id[fid]
        per_day = defaultdict(list)
        for value, s in scored[fid]:
            per_day[s.day].extend([value] * f.max_per_day)
        best = sorted(v for values in per_day.values() for v in sorted(values, reverse=True)[: f.max_per_day])
        take = best[::-1][: f.max_screenings]
        total += sum(take) - instance.weights.shortfall_penalty * max(0, f.min_screenings - len(take))
    return total


@pytest.mark.parametrize("name", ["small", "cstm-2021", "cstm-2021-hybrid", "alliance-tour"])
def test_the_bound_is_its_definition_per_component_and_whole(name):
    instance = load(name)
    options = film_options(instance, build_slots(instance))
    for comp in components(instance)[0]:
        assert capacity_free_bound(instance, options, comp.films) == by_definition(
            instance, options, comp.films
        )
    every = [f.id for f in instance.films]
    assert capacity_free_bound(instance, options) == by_definition(instance, options, every)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params)
def test_the_bound_is_above_every_valid_timetable(p):
    instance = tiny(p)
    options = film_options(instance, build_slots(instance))
    best = max(obj for _, obj in valid_timetables(instance))
    assert capacity_free_bound(instance, options) >= best
