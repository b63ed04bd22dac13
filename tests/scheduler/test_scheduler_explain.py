"""Explanations: shortfall reasons and minimal pin conflicts."""

from datetime import date

from helpers import pins, raw

from scheduler.explain import Explainer, explain_text, pin_conflicts, shortfall_reason
from scheduler.pipeline import solve
from scheduler.read import parse_instance


def test_film_no_theater_can_show_is_explained():
    data = raw()
    data["films"].append(
        {"id": "c", "title": "C", "format": "scifi", "runtime_minutes": 90, "requires": ["imax"]}
    )
    inst = parse_instance(data)
    result = solve(inst, time_limit=1, workers=1)
    reasons = {s.film: s.reason for s in result.shortfalls}
    assert reasons["c"] == "no theater can show format scifi with features imax"


def test_capacity_shortage_names_the_theaters_and_hours():
    data = raw()
    data["films"] = [
        {
            "id": f"f{i}",
            "title": f"F{i}",
            "format": "4d",
            "runtime_minutes": 50,
            "min_screenings": 2,
            "max_screenings": 2,
            "max_per_day": 1,
        }
        for i in range(5)
    ]
    inst = parse_instance(data)
    reason = shortfall_reason(inst, inst.films[0])
    assert reason.startswith(
        "4D theaters (small): 5 films need 8 h 20 min of screen time; 4 h 0 min are open"
    )


def test_runtime_longer_than_any_opening_is_explained():
    data = raw()
    data["films"][0]["runtime_minutes"] = 150
    inst = parse_instance(data)
    assert "is open for 150 minutes in a row" in shortfall_reason(inst, inst.films[0])


def test_minimal_conflict_drops_pins_that_are_not_needed():
    inst = parse_instance(
        raw(
            fixed=pins(
                "a big 2021-04-06T10:00",
                "a small 2021-04-06T10:10",
                "b big 2021-04-07T10:00",
                "a big 2021-04-07T11:00",
            )
        )
    )
    conflicts = pin_conflicts(inst)
    assert conflicts, "the two screenings of a on 6 April break copies and max_per_day"
    first = conflicts[0]
    assert "2021-04-06T10:00" in first and "2021-04-06T10:10" in first
    assert "2021-04-07T10:00" not in first


def test_single_pin_outside_opening_hours_is_named_with_its_rule():
    inst = parse_instance(raw(fixed=[{"film": "a", "theater": "big", "start": "2021-04-06T16:00"}]))
    (conflict,) = pin_conflicts(inst)
    assert "opening hours" in conflict and "2021-04-06T16:00" in conflict


def test_explain_text_lists_groups():
    text = explain_text(parse_instance(raw()), [])
    assert "Minimum screen time by theater group" in text and "Shortfalls in the given schedule: 2" in text


def test_each_reason_is_a_value_too_its_code_and_the_numbers_it_names():
    data = raw()
    data["films"] += [
        {"id": "c", "title": "C", "format": "scifi", "runtime_minutes": 90, "requires": ["imax"]},
        {"id": "d", "title": "D", "format": "4d", "runtime_minutes": 20, "min_screenings": 1,
         "not_before": "2022-01-01"},
        {"id": "l", "title": "L", "format": "4d", "runtime_minutes": 300, "min_screenings": 1},
        {"id": "p", "title": "P", "format": "4d", "runtime_minutes": 20, "min_screenings": 9,
         "max_screenings": 9, "max_per_day": 1},
    ]  # fmt: skip
    inst = parse_instance(data)
    explainer = Explainer(inst)
    whys = {f.id: explainer.why(f) for f in inst.films}
    for f in inst.films:  # the value and the words are one reasoning
        assert whys[f.id].message == explainer.reason(f)
    assert whys["c"].code == "no_theater" and whys["c"].params["features"] == ["imax"]
    assert whys["d"].code == "no_dates" and whys["d"].params["not_before"] == date(2022, 1, 1).toordinal()
    assert whys["l"].code == "no_long_stretch" and whys["l"].params["runtime"] == 300
    days = len(inst.film_days(inst.film_by_id["p"]))
    assert whys["p"].code == "too_few_days" and whys["p"].params["most"] == whys["p"].params["days"] <= days


def test_a_crowded_group_and_a_taken_one_say_their_theaters_and_minutes():
    data = raw()
    data["films"] = [
        {"id": f"f{i}", "title": f"F{i}", "format": "4d", "runtime_minutes": 50, "min_screenings": 2,
         "max_screenings": 2, "max_per_day": 1}
        for i in range(5)
    ]  # fmt: skip
    crowded = Explainer(parse_instance(data)).why(parse_instance(data).films[0])
    assert crowded.code == "capacity" and crowded.params["theaters"] == ("small",)
    assert crowded.params["films"] == 5 and crowded.params["needed"] > crowded.params["available"]
    inst = parse_instance(raw())
    taken = Explainer(inst).why(inst.films[0], 0)
    assert taken.code == "taken" and taken.params["scheduled"] == 0
    assert taken.params["minimum"] == inst.films[0].min_screenings
