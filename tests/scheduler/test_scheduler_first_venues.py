"""The venue-first construction: valid by construction, every film at home in one venue, and the
pipeline's first timetable when the whole greedy would be too large."""

import dataclasses

import pytest
from helpers import load

from scheduler import solve
from scheduler.check import check_screenings
from scheduler.data import Screening
from scheduler.first import venues
from scheduler.first.greedy import greedy_schedule
from scheduler.first.venues import home_venues, venue_first_schedule


@pytest.mark.parametrize("name", ["alliance", "alliance-tour"])
def test_a_timetable_built_venue_by_venue_keeps_every_rule_and_every_minimum(name):
    inst = load(name)
    screenings = venue_first_schedule(inst)
    report = check_screenings(inst, screenings)
    assert report.valid, report.violations[:3]
    assert report.shortfall == 0
    homes = home_venues(inst)
    assert sorted(f.id for films in homes.values() for f in films) == sorted(f.id for f in inst.films)
    # every film's home venue can show it
    for venue, films in homes.items():
        here = [t for t in inst.theaters if t.venue == venue]
        assert all(any(inst.compatible(f, t) for t in here) for f in films)


def test_pins_stay_and_a_demanding_film_reaches_its_minimum():
    inst = load("alliance")
    film = inst.films[0]
    theater = next(t for t in inst.theaters if inst.compatible(film, t))
    segment = next(
        s for day in inst.film_days(film) for s in inst.free_segments(theater, day) if s[1] - s[0] >= 240
    )
    pin = Screening(segment[0] + (-segment[0]) % theater.step, theater.id, film.id)
    # a film with a minimum far above the others'
    greedy = dataclasses.replace(inst.films[1], min_screenings=40, max_screenings=40, max_per_day=1)
    inst = dataclasses.replace(inst, fixed=(pin,), films=(inst.films[0], greedy, *inst.films[2:]))
    screenings = venue_first_schedule(inst)
    report = check_screenings(inst, screenings)
    assert report.valid, report.violations[:3]
    assert pin.key in {s.key for s in screenings}
    assert sum(1 for s in screenings if s.film == greedy.id) == 40


def test_the_pipeline_builds_venue_by_venue_past_the_whole_greedys_size(monkeypatch):
    inst = load("alliance-tour")
    assert venues.venue_first_wanted(inst) and venues.whole_greedy_fits(inst)
    first = solve(inst, time_limit=0, deterministic=True)
    assert sorted(s.key for s in first.screenings) == sorted(s.key for s in greedy_schedule(inst))
    monkeypatch.setattr(venues, "WHOLE_GREEDY_PLACES", 0)
    first = solve(inst, time_limit=0, deterministic=True)
    assert sorted(s.key for s in first.screenings) == sorted(s.key for s in venue_first_schedule(inst))


def test_films_past_the_options_cap_never_make_the_capacity_bound_dishonest(monkeypatch):
    """At national scale the film options hit their cap (slots.MAX_OPTIONS) and each film keeps only its
    most valuable slots; counted from those alone, the films' shortfalls made the capacity-free bound a
    billion below valid timetables."""
    from scheduler.bound.capacity import capacity_free_bound
    from scheduler.first import slots

    inst = load("small")
    best = check_screenings(inst, greedy_schedule(inst)).objective
    monkeypatch.setattr(slots, "MAX_OPTIONS", 20)
    cut = set()
    options = slots.film_options(inst, slots.build_slots(inst), cut=cut)
    assert cut and all(len(options[f]) < inst.film_by_id[f].min_screenings for f in cut)
    assert capacity_free_bound(inst, options) < best  # the cut films counted short: not a bound
    assert capacity_free_bound(inst, options, cut=cut) >= best


def test_past_the_options_cap_every_film_keeps_its_most_valuable_slots(monkeypatch):
    """Every film its share of the cap (the films with fewer slots keep all theirs), the share its most
    valuable slots, in slot order: the first timetable, its completions and relocations can place every
    film (before, the films past the cap got no slots at all)."""
    from scheduler.first import slots

    inst = load("cstm-2021")
    built = slots.build_slots(inst)
    full = slots.film_options(inst, built)
    monkeypatch.setattr(slots, "MAX_OPTIONS", 2_000)
    cut = set()
    capped = slots.film_options(inst, built, cut=cut)
    share = slots._share([len(o) for o in full.values()], 2_000)
    assert 0 < sum(len(o) for o in capped.values()) <= 2_000
    assert cut == {f for f, o in full.items() if len(o) > share}
    for f, options in capped.items():
        film = inst.film_by_id[f]
        assert set(options) <= set(full[f])
        assert options == sorted(options, key=lambda s: s.index)
        if f not in cut:
            assert options == full[f]
            continue
        assert len(options) == share
        worth = [inst.value(film, inst.theater_by_id[s.theater], s.lo) for s in full[f]]
        kept = sorted((inst.value(film, inst.theater_by_id[s.theater], s.lo) for s in options), reverse=True)
        assert kept == sorted(worth, reverse=True)[:share]


def test_the_share_of_the_cap():
    from scheduler.first.slots import _share

    assert _share([1, 2, 10, 10], 23) == 10  # all fit
    assert _share([1, 2, 10, 10], 13) == 5  # 1 + 2 + 5 + 5
    assert _share([4, 4], 3) == 1
    assert _share([], 5) == 0


def test_a_component_of_millions_of_places_starts_from_the_cheap_bound_and_counts_columns_only_so_far(
    monkeypatch,
):
    """The national instance's parts: the capacity-free bound and the exact model's column count took tens
    of seconds of Python there. Past CHEAP_BOUND places a component starts from every film at its maximum
    at its best value (honest, looser); the columns are counted only until past SIZE_COUNTED."""
    from scheduler.bound.capacity import capacity_free_bound
    from scheduler.first import slots
    from scheduler.improve import optimise
    from scheduler.improve.components import components
    from scheduler.improve.exact_model import count_columns

    inst = load("cstm-2021")
    comp = max(components(inst)[0], key=lambda c: len(c.films))
    full = count_columns(inst, list(comp.films), list(comp.theaters))
    assert 100 < count_columns(inst, list(comp.films), list(comp.theaters), above=100) < full
    options = slots.film_options(inst, slots.build_slots(inst))
    cheap = capacity_free_bound(inst, options, comp.films, cut=set(comp.films))
    assert cheap > capacity_free_bound(inst, options, comp.films)
    monkeypatch.setattr(optimise, "CHEAP_BOUND", 0)
    monkeypatch.setattr(optimise, "SIZE_COUNTED", 1)
    bounds = []
    result = solve(inst, time_limit=3, workers=1, on_progress=lambda p: bounds.append(p.bound))
    report = check_screenings(inst, list(result.screenings))
    assert report.valid and report.objective == result.objective
    assert all(b >= result.objective for b in bounds if b is not None)
    assert max(b for b in bounds if b is not None) >= cheap  # the first bound reported: the cheap one
