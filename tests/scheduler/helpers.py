"""Small instance builders shared by the scheduler tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from scheduler.read import InstanceError, Problem, parse_instance

INSTANCES = Path(__file__).resolve().parents[2] / "data" / "instances"

BASE = {
    "format": "festival-schedule-instance/1",
    "festival": {
        "name": "t",
        "timezone": "Asia/Shanghai",
        "first_day": "2021-04-06",
        "last_day": "2021-04-07",
    },
    "venues": [
        {"id": "v", "name": "Venue", "hours": {"tue": [["10:00", "12:00"]], "wed": [["10:00", "12:00"]]}}
    ],
    "theaters": [
        {
            "id": "big",
            "name": "Big",
            "venue": "v",
            "seats": 100,
            "formats": ["dome"],
            "features": ["fulldome"],
            "changeover_minutes": 10,
            "start_step_minutes": 15,
        },
        {
            "id": "small",
            "name": "Small",
            "venue": "v",
            "seats": 30,
            "formats": ["dome", "4d"],
            "changeover_minutes": 0,
            "start_step_minutes": 5,
        },
    ],
    "films": [
        {
            "id": "a",
            "title": "A",
            "format": "dome",
            "runtime_minutes": 30,
            "min_screenings": 1,
            "max_screenings": 2,
            "max_per_day": 1,
            "popularity": 80,
        },
        {
            "id": "b",
            "title": "B",
            "format": "dome",
            "runtime_minutes": 40,
            "requires": ["fulldome"],
            "min_screenings": 1,
            "max_screenings": 1,
            "popularity": 50,
        },
    ],
    "weights": {"day": {"tue": 1.0, "wed": 1.1}, "hour": [["10:00", "11:00", 0.9]]},
}


def raw(**changes) -> dict:
    """A deep copy of the base instance with top-level keys replaced."""
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


DELETE = object()  # for changed(): take the key out


def changed(path: tuple, value) -> dict:
    """The base instance with the value at ``path`` (keys and list indices) replaced, or deleted."""
    data = raw()
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def problems_of(data) -> list[Problem]:
    """The problems the reader finds (it must refuse the instance); their English strings are .errors."""
    with pytest.raises(InstanceError) as err:
        parse_instance(data)
    assert err.value.errors == [str(p) for p in err.value.problems]
    return err.value.problems


def instance(**changes):
    """The base instance, parsed."""
    return parse_instance(raw(**changes))


def load(name: str):
    """A project example instance."""
    return parse_instance(json.loads((INSTANCES / f"{name}.json").read_text()))


def pins(*entries: str) -> list[dict]:
    """Screening objects from "film theater YYYY-MM-DDTHH:MM" strings."""
    return [dict(zip(("film", "theater", "start"), e.split(), strict=True)) for e in entries]


def tiny_theater_day(p: dict, *, hour_weights: list, block: bool = False):
    """One theater on one Tuesday with a few films (``p["films"]`` = (runtime, min, popularity)):
    small enough to list every valid timetable by brute force."""
    data = raw()
    data["festival"]["last_day"] = "2021-04-06"
    data["venues"][0]["hours"] = {"tue": [["10:00", p["close"]]]}
    data["theaters"] = [
        {
            "id": "t1",
            "name": "T1",
            "venue": "v",
            "seats": 90,
            "formats": ["dome"],
            "changeover_minutes": p["change"],
            "start_step_minutes": p["step"],
            "unavailable": [{"start": "2021-04-06T11:00", "end": "2021-04-06T11:15"}] if block else [],
        }
    ]
    data["films"] = [
        {
            "id": f"f{i}",
            "title": f"F{i}",
            "format": "dome",
            "runtime_minutes": r,
            "min_screenings": lo,
            "max_screenings": 2,
            "max_per_day": 2,
            "popularity": pop,
        }
        for i, (r, lo, pop) in enumerate(p["films"])
    ]
    data["weights"] = {"hour": hour_weights, "shortfall_penalty": 1000}
    return parse_instance(data)


def slot_values(inst, options: dict) -> dict[str, list[tuple[int, object]]]:
    """(value of a start at the slot's first minute, slot) for each film's slots, by the definition
    (``Instance.value``): the reference the engine's array arithmetic is tested against."""
    theaters = inst.theater_by_id
    return {
        f.id: [(inst.value(f, theaters[s.theater], s.lo), s) for s in options.get(f.id, ())]
        for f in inst.films
    }
