"""Shortfall repair, and a longer time limit never ending with a worse timetable."""

import json

import pytest
from helpers import INSTANCES, pins, raw

from scheduler import solve
from scheduler.check import check_screenings
from scheduler.data import DAY
from scheduler.first.greedy import Filler, complete
from scheduler.first.slots import build_slots, film_options
from scheduler.first.timetable import Timetable
from scheduler.improve.repair import repair_shortfalls, repaired
from scheduler.read import parse_instance


def one_room(**hog):
    """One dome theater open 10:00-12:00 on one day; ``hog`` (min 0) is worth more than ``need`` (min 1),
    and either fills the morning alone."""
    data = raw()
    data["festival"]["last_day"] = "2021-04-06"
    data["theaters"] = data["theaters"][:1]
    film = {"format": "dome", "max_per_day": 1, "requires": ["fulldome"]}
    data["films"] = [
        {**film, "id": "hog", "title": "Hog", "runtime_minutes": 100, "min_screenings": 0,
         "max_screenings": 1, "popularity": 100, **hog},
        {**film, "id": "need", "title": "Need", "runtime_minutes": 60, "min_screenings": 1,
         "max_screenings": 1, "popularity": 10},
    ]  # fmt: skip
    return data


def hogged(data):
    """The instance and a timetable where ``hog`` holds the morning and ``need`` is short."""
    inst = parse_instance(data)
    table = Timetable(inst)
    table.place_pins(inst.fixed)
    hog = inst.film_by_id["hog"]
    if not table.count["hog"]:  # at 10:00, when no pin put it there
        table.place(hog, inst.theater_by_id["big"], inst.days[0] * DAY + 600)
    filler = Filler(inst, film_options(inst, build_slots(inst)))
    complete(inst, table, filler)
    assert table.count["need"] == 0  # the filler alone cannot place it: the room is taken
    return inst, table, filler


def test_a_short_film_takes_the_place_of_a_film_above_its_minimum():
    inst, table, filler = hogged(one_room())
    before = check_screenings(inst, table.screenings())
    repaired(inst, table, filler, {"hog", "need"}, lambda: False)
    after = check_screenings(inst, table.screenings())
    assert after.valid, after.violations
    assert after.shortfall == 0 and before.shortfall == 1
    assert after.objective > before.objective
    assert table.count["need"] == 1 and table.count["hog"] == 0


@pytest.mark.parametrize(
    "data",
    [
        one_room(min_screenings=1),  # hog at its own minimum: taking its place only moves the shortfall
        {**one_room(), "fixed": pins("hog big 2021-04-06T10:00")},  # a pin stays
    ],
    ids=["at-minimum", "pinned"],
)
def test_the_repair_never_takes_a_place_that_cannot_be_spared(data):
    inst, table, _ = hogged(data)
    before = table.screenings()
    assert repair_shortfalls(inst, table, Filler(inst, {}).ranked, {"hog", "need"}, lambda: False) == 0
    assert table.screenings() == before


def small_hybrid() -> dict:
    """cstm-2021-hybrid cut down: three weeks (two weekends of rooms, channels every day), a quarter of
    its films, at most 8 screenings each."""
    data = json.loads((INSTANCES / "cstm-2021-hybrid.json").read_text())
    data["festival"]["last_day"] = "2021-04-14"
    data["films"] = data["films"][::4]
    for f in data["films"]:
        f["min_screenings"] = min(f["min_screenings"], 8)
        f["max_screenings"] = max(f["min_screenings"], min(f["max_screenings"], 10))
        f.pop("not_before", None)
        f.pop("not_after", None)
    films = {f["id"] for f in data["films"]}
    data["fixed"] = [p for p in data.get("fixed", []) if p["film"] in films and p["start"] < "2021-04-15"]
    return data


def test_a_longer_limit_never_ends_with_a_worse_timetable():
    """Deterministic mode (budgets of iterations and nodes, not of the clock): the run at the longer limit
    ends at least where the shorter one does."""
    inst = parse_instance(small_hybrid())
    short = solve(inst, time_limit=1, seed=3, deterministic=True)
    long = solve(inst, time_limit=4, seed=3, deterministic=True)
    for result in (short, long):
        assert check_screenings(inst, list(result.screenings)).valid
    assert long.objective >= short.objective
