"""Why here (scheduler.why_here): the other starts offered are valid when applied, the blocked ones say
what stops them, and the loss of a local re-solve is never negative."""

from __future__ import annotations

import dataclasses

import pytest
from helpers import load

import scheduler
from scheduler.explain.why import candidates


def _timetable(name: str):
    instance = load(name)
    return instance, sorted(scheduler.greedy_schedule(instance))


def _moved(screenings, old, new):
    return [new if s.key == old.key else s for s in screenings]


@pytest.mark.parametrize("name", ["small", "cstm-2021"])
def test_every_valid_alternative_is_valid_under_the_validator_when_applied(name):
    instance, screenings = _timetable(name)
    assert scheduler.check_screenings(instance, screenings).valid
    pins = {p.key for p in instance.fixed}
    sample = [s for s in screenings if s.key not in pins][:: max(1, len(screenings) // 4)]
    offered = blocked = 0
    for s in sample:
        why = scheduler.why_here(instance, screenings, s, time_limit=2, deterministic=True)
        assert why.value == instance.value(
            instance.film_by_id[s.film], instance.theater_by_id[s.theater], s.start
        )
        assert why.alternatives and all(a.screening.key != s.key for a in why.alternatives)
        for a in why.alternatives:
            report = scheduler.check_screenings(instance, _moved(screenings, s, a.screening))
            assert report.valid == a.valid, (a, report.violations[:2])
            assert set(a.violations) <= set(report.violations)
            offered += a.valid
            blocked += not a.valid
        values = [a.value for a in why.alternatives]
        assert values == sorted(values, reverse=True)
        assert why.loss is not None and why.loss.objective >= 0
    assert offered and blocked


def test_a_blocked_start_names_the_film_that_occupies_it():
    instance, screenings = _timetable("small")
    named = []
    for s in screenings[:30]:
        for a in scheduler.why_here(instance, screenings, s, time_limit=1, deterministic=True).alternatives:
            for v in a.violations:
                if v.code == "overlap":
                    others = {x.film for x in v.screenings} - {s.film}
                    named += others
                    assert others <= {x.film for x in screenings}
    assert named, "some better start of some screening is taken by another film"


def test_the_loss_is_the_local_re_solve_with_and_without_it():
    instance, screenings = _timetable("small")
    s = screenings[len(screenings) // 2]
    loss = scheduler.why_here(instance, screenings, s, time_limit=2, deterministic=True).loss
    film = instance.film_by_id[s.film]
    count = sum(1 for x in screenings if x.film == s.film)
    assert loss.below_minimum == (count - 1 < film.min_screenings)
    assert loss.day == s.start // scheduler.DAY and s.theater in loss.theaters
    if loss.below_minimum:
        assert loss.objective >= instance.weights.shortfall_penalty
    else:
        assert 0 <= loss.objective == loss.attendance


def test_the_screenings_own_pin_is_not_what_stops_another_start():
    instance, screenings = _timetable("small")
    pin = instance.fixed[0]
    (s,) = [x for x in screenings if x.key == pin.key]
    why = scheduler.why_here(instance, screenings, s, time_limit=1, deterministic=True)
    assert all(v.code != "pin_missing" for a in why.alternatives for v in a.violations)


def test_starts_outside_the_hours_and_on_closed_days_are_candidates_too():
    instance, screenings = _timetable("cstm-2021")
    s = screenings[0]
    film = instance.film_by_id[s.film]
    days = {c[2].start // scheduler.DAY for c in candidates(instance, film, s)}
    assert days == set(instance.film_days(film))  # Mondays (closed) included


def test_a_screening_the_timetable_does_not_hold_is_refused():
    instance, screenings = _timetable("small")
    stray = dataclasses.replace(screenings[0], start=screenings[0].start + 5)
    with pytest.raises(ValueError):
        scheduler.why_here(instance, screenings, stray)
