"""Screen time by theater group (scheduler.capacity): the figures explain prints, the room supply, and what
accepting a film uses."""

from __future__ import annotations

import dataclasses
import re

import pytest
from helpers import load, raw

import scheduler
from scheduler.explain import capacity_notes, explain_text
from scheduler.read import parse_instance

EXAMPLES = ["small", "cstm-2021", "cstm-2021-hybrid", "cstm-stress", "alliance"]
LINE = re.compile(r"(\d+) films need (\d+) h (\d+) min of screen time; (\d+) h (\d+) min are open")


def figures_of_explain(text: str) -> list[tuple[int, int, int]]:
    """(films, needed, available) of every capacity line of ``python -m scheduler explain``."""
    out = []
    for m in LINE.finditer(text):
        films, nh, nm, ah, am = map(int, m.groups())
        out.append((films, nh * 60 + nm, ah * 60 + am))
    return sorted(out)


@pytest.mark.parametrize("name", EXAMPLES)
def test_capacity_is_what_explain_prints(name):
    instance = load(name)
    groups = scheduler.capacity(instance)
    assert groups, "every example has accepted films"
    mine = sorted((len(g.films), g.needed, g.available) for g in groups)
    assert mine == figures_of_explain(explain_text(instance))
    assert len(capacity_notes(instance)) == len(groups)


@pytest.mark.parametrize("name", ["small", "cstm-2021-hybrid"])
def test_the_supply_counts_every_free_minute_of_the_days(name):
    instance = load(name)
    supply = scheduler.Supply(instance)
    for g in scheduler.capacity(instance, supply):
        by_hand = sum(
            sum(min(b, (day + 1) * scheduler.DAY) - a for a, b in instance.free_segments(t, day))
            for t in instance.theaters
            if t.id in g.theaters
            for day in range(g.first, g.last + 1)
        )
        assert g.available == by_hand == supply.minutes(g.theaters, g.first, g.last)


def test_a_group_counts_the_films_confined_to_its_theaters_with_the_changeover():
    instance = load("small")
    for g in scheduler.capacity(instance):
        films = [instance.film_by_id[f] for f in g.films]
        assert g.needed == sum(f.min_screenings * (f.runtime + g.changeover) for f in films)
        for f in films:
            ts = {t.id for t in instance.theaters if instance.compatible(f, t)}
            assert ts <= set(g.theaters)


def test_accepting_a_film_uses_its_need_of_what_remained():
    data = raw()
    instance = parse_instance(data)
    film = instance.films[0]
    (use,) = scheduler.film_use(instance, [film.id])
    g = use.group
    assert use.uses == film.min_screenings * (film.runtime + g.changeover)
    without = dataclasses.replace(instance, films=tuple(f for f in instance.films if f.id != film.id))
    before = [x for x in scheduler.capacity(without) if x.theaters == g.theaters]
    if before and (before[0].first, before[0].last) == (g.first, g.last):
        assert use.before == before[0].remaining
    assert use.before == g.available - (g.needed - use.uses)
    assert use.share == pytest.approx(use.uses / use.before)
    assert use.more == max(0, g.remaining) // use.uses


def test_a_film_too_long_for_its_group_says_so():
    data = raw()
    film = {"format": "4d", "runtime_minutes": 100, "min_screenings": 3, "max_screenings": 3}
    data["films"] = [{"id": f"f{i}", "title": f"F{i}", **film} for i in range(3)]
    instance = parse_instance(data)
    (g,) = scheduler.capacity(instance)
    assert g.short and g.needed == 3 * 3 * (100 + g.changeover)
    (use,) = scheduler.film_use(instance, ["f0"])
    assert use.more == 0 and (use.share is None or use.share > 1)


def test_one_supply_serves_instances_with_the_same_rooms():
    a = load("small")
    b = dataclasses.replace(a, films=a.films[:3])
    assert scheduler.Supply.key(a) == scheduler.Supply.key(b)
    supply = scheduler.Supply(a)
    assert scheduler.capacity(b, supply) == scheduler.capacity(b)
