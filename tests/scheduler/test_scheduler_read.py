"""The reader reports problems as values (path, code, params), and its partial checks apply the same
rules to a fragment as the whole reader applies to an instance."""

import copy
import math
import re
from pathlib import Path

import pytest
from helpers import changed, pins, problems_of, raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.read import (
    MESSAGES,
    InstanceError,
    Problem,
    check_closed_dates,
    check_film,
    check_intervals,
    check_special_hours,
    check_theater,
    check_venue,
    check_weekly_hours,
    parse_instance,
)


def errors_of(data) -> list[str]:
    """The reader's English messages for an instance it must refuse."""
    return [str(p) for p in problems_of(data)]


DOCS = Path(__file__).resolve().parents[2] / "docs" / "scheduler.md"


def under(problems: list[Problem], prefix: str) -> list[Problem]:
    return [p for p in problems if p.path == prefix or p.path.startswith((prefix + ".", prefix + "["))]


def test_problems_carry_the_values_a_message_needs():
    data = raw()
    data["films"][0].update(min_screenings=5, max_screenings=2)
    data["theaters"][0]["venue"] = "nowhere"
    data["theaters"][1]["unavailable"] = [{"start": "2021-04-06T11:00", "end": "2021-04-06T10:00"}]
    data["venues"][0]["hours"]["tue"] = [["10:00", "12:00"], ["11:00", "13:00"]]
    found = {p.code: p for p in problems_of(data)}
    assert found["min_above_max"].path == "films[0].min_screenings"
    assert found["min_above_max"].params == {"min": 5, "max": 2}
    assert found["unknown_reference"].params == {"kind": "venue", "value": "nowhere"}
    assert found["ends_before_start"].params == {"start": "2021-04-06T11:00", "end": "2021-04-06T10:00"}
    overlap = found["intervals_overlap"]
    assert overlap.path == "venues[0].hours.tue[1]"
    assert overlap.params == {
        "open": "11:00",
        "close": "13:00",
        "other": "venues[0].hours.tue[0]",
        "other_open": "10:00",
        "other_close": "12:00",
    }
    assert (
        str(overlap)
        == "venues[0].hours.tue[1]: overlaps venues[0].hours.tue[0] (10:00-12:00) on the same day"
    )


def test_an_interval_list_is_checked_alone():
    assert check_intervals([["09:30", "12:00"], ["13:00", "24:00"]]) == []
    problems = check_intervals([["12:00", "09:30"], ["10:00", "10:00"], ["9:30", "11:00"], "x"])
    assert [(p.path, p.code) for p in problems] == [
        ("[0]", "interval_reversed"),
        ("[1]", "interval_empty"),
        ("[2]", "bad_clock"),
        ("[3]", "not_pair"),
    ]
    assert problems[2].params == {"value": "9:30", "latest": "23:59"}
    assert [p.code for p in check_intervals("09:00-10:00", "mon")] == ["not_list"]


def test_a_venues_hours_closed_dates_and_special_hours_are_checked_alone():
    assert check_weekly_hours({"tue": [["09:30", "17:00"]], "sun": []}) == []
    (p,) = check_weekly_hours({"tue": [["17:00", "09:30"]]})
    assert (p.path, p.code, p.params) == (
        "hours.tue[0]",
        "interval_reversed",
        {"open": "17:00", "close": "09:30"},
    )
    (p,) = check_closed_dates(["2021-04-06", "2021-02-30"])
    assert (p.path, p.code, p.params) == ("closed_dates[1]", "bad_date", {"value": "2021-02-30"})
    problems = check_special_hours({"2021-05-03": [["09:00", "18:00"]], "May 4": [["10:00", "09:00"]]})
    assert [(p.path, p.code) for p in problems] == [
        ("special_hours.May 4", "bad_date"),
        ("special_hours.May 4[0]", "interval_reversed"),
    ]
    assert [(p.path, p.code) for p in check_venue({"hours": {"mon": []}})] == [
        ("id", "required"),
        ("name", "required"),
    ]


def test_a_theater_and_a_film_are_checked_alone():
    theater = copy.deepcopy(raw()["theaters"][0])
    assert check_theater(theater) == []
    assert check_theater(theater, venues={"v"}) == []
    assert [(p.path, p.code) for p in check_theater(theater, venues={"w"})] == [
        ("venue", "unknown_reference")
    ]
    theater.update(seats=0, formats=["dome", "vhs"])
    assert [(p.path, p.code) for p in check_theater(theater)] == [
        ("seats", "not_positive_integer"),
        ("formats[1]", "unknown_format"),
    ]
    film = copy.deepcopy(raw()["films"][0])
    assert check_film(film) == []
    film.update(max_screenings=0, not_before="tomorrow")
    assert [(p.path, p.code, p.params) for p in check_film(film, "film")] == [
        ("film.min_screenings", "min_above_max", {"min": 1, "max": 0}),
        ("film.not_before", "bad_date", {"value": "tomorrow"}),
    ]
    assert [p.code for p in check_film("a film")] == ["not_object"]


ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=400),
    st.sampled_from([0.5, -1.0, math.nan, math.inf, 1e308]),
    st.sampled_from(["", "dome", "4d", "vhs", "2021-04-06", "2021-02-30", "10:00", "2021-04-06T10:00"]),
    st.lists(st.sampled_from(["dome", "fulldome", "", 3]), max_size=3),
    st.dictionaries(st.sampled_from(["start", "end", "tue"]), st.sampled_from(["2021-04-06T10:00", "x"])),
)
FILM_KEYS = [
    "format",
    "runtime_minutes",
    "requires",
    "min_screenings",
    "max_screenings",
    "max_per_day",
    "copies",
    "popularity",
    "not_before",
    "not_after",
    "title",
]
THEATER_KEYS = [
    "venue",
    "seats",
    "formats",
    "features",
    "changeover_minutes",
    "start_step_minutes",
    "unavailable",
    "name",
]
VENUE_KEYS = ["hours", "closed_dates", "special_hours", "name"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["films", "theaters", "venues"]),
    changes=st.lists(st.tuples(st.integers(0, 10), ODD_VALUES), max_size=4),
    hours=st.lists(st.lists(st.sampled_from(["09:00", "10:00", "12:00", "24:00", "25:00", 7]), max_size=3)),
)
def test_the_partial_checks_report_exactly_what_the_whole_reader_reports(kind, changes, hours):
    data = raw()
    keys = {"films": FILM_KEYS, "theaters": THEATER_KEYS, "venues": VENUE_KEYS}[kind]
    target = data[kind][0]
    for key, value in changes:
        target[keys[key % len(keys)]] = value
    if kind == "venues":
        target.setdefault("hours", {})
        if isinstance(target["hours"], dict):
            target["hours"]["wed"] = hours
    check = {
        "films": check_film,
        "theaters": lambda t, p: check_theater(t, p, venues={"v"}),
        "venues": check_venue,
    }[kind]
    alone = check(target, f"{kind}[0]")
    try:
        parse_instance(data)
        whole = []
    except InstanceError as exc:
        whole = under(exc.problems, f"{kind}[0]")
    assert whole == alone


def test_warnings_are_problems_too():
    data = raw()
    data["venues"][0]["hours"]["Tuesday"] = [["10:00", "12:00"]]
    data["films"].append(
        {"id": "c", "title": "C", "format": "scifi", "runtime_minutes": 90, "requires": ["imax"]}
    )
    inst = parse_instance(data)
    found = {p.code: p for p in inst.warning_problems}
    assert found["unknown_weekday"].path == "venues[0].hours.Tuesday"
    assert found["no_theater"].path == "films[2]"
    assert found["no_theater"].params == {"film": "c", "format": "scifi", "features": ["imax"]}
    assert inst.warnings == tuple(str(p) for p in inst.warning_problems)


def test_every_problem_code_is_documented():
    table = DOCS.read_text(encoding="utf-8").split("### Problem codes", 1)[1].split("\n#", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.M))
    assert documented == set(MESSAGES)


@pytest.mark.parametrize(
    ("path", "value", "field", "code"),
    [
        (
            ("films", 0, "runtime_minutes"),
            -3,
            "films[0].runtime_minutes: must be a positive integer",
            "not_positive_integer",
        ),
        (("films", 0, "runtime_minutes"), "30", "films[0].runtime_minutes", "not_positive_integer"),
        (
            ("theaters", 0, "seats"),
            0,
            "theaters[0].seats: must be a positive integer",
            "not_positive_integer",
        ),
        (("theaters", 0, "start_step_minutes"), 0, "theaters[0].start_step_minutes", "not_positive_integer"),
        (
            ("theaters", 0, "changeover_minutes"),
            -1,
            "theaters[0].changeover_minutes",
            "not_non_negative_integer",
        ),
        (("theaters", 0, "venue"), "nowhere", "theaters[0].venue: unknown venue", "unknown_reference"),
        (("films", 1, "id"), "a", "films[1].id: duplicates", "duplicate_id"),
        (("films", 1, "id"), "", "films[1].id", "not_string"),
        (("films", 0, "min_screenings"), 5, "films[0].min_screenings", "min_above_max"),
        (("films", 0, "popularity"), -1, "films[0].popularity", "not_non_negative_number"),
        (("films", 0, "format"), "vhs", "films[0].format", "unknown_format"),
        (("venues", 0, "hours", "tue"), [["12:00", "10:00"]], "venues[0].hours.tue[0]", "interval_reversed"),
        (("venues", 0, "hours", "tue"), [["10:00", "10:00"]], "venues[0].hours.tue[0]", "interval_empty"),
        (("venues", 0, "hours", "tue"), [["22:00", "25:00"]], "venues[0].hours.tue[0]", "bad_clock"),
        (
            ("venues", 0, "hours", "tue"),
            [["10:00", "12:00"], ["11:00", "13:00"]],
            "venues[0].hours.tue[1]",
            "intervals_overlap",
        ),
        (
            ("theaters", 0, "unavailable"),
            [{"start": "2021-04-06T11:00", "end": "2021-04-06T10:00"}],
            "theaters[0].unavailable[0].end",
            "ends_before_start",
        ),
        (("weights", "day", "sat"), "high", "weights.day.sat", "not_non_negative_number"),
    ],
)
def test_each_malformed_field_is_named(path, value, field, code):
    assert any(field in e for e in errors_of(changed(path, value)))
    problems = problems_of(changed(path, value))
    assert any(p.path == field.split(":")[0] and p.code == code for p in problems), problems


def test_unknown_and_duplicate_pins_are_rejected():
    data = raw(
        fixed=pins(
            "a big 2021-04-06T10:00",
            "a big 2021-04-06T10:00",
            "ghost big 2021-04-06T10:00",
        ),
        previous=[{"film": "a", "theater": "big", "start": "soon"}],
    )
    errors = errors_of(data)
    assert any(e.startswith("fixed[1]: duplicates fixed[0]") for e in errors)
    assert any(e.startswith("fixed[2].film: unknown film") for e in errors)
    assert any(e.startswith("previous[0].start") for e in errors)


def test_closing_at_midnight_is_allowed():
    parse_instance(changed(("venues", 0, "hours", "tue"), [["20:00", "24:00"]]))


def test_film_no_theater_can_show_is_a_warning_not_an_error():
    data = raw()
    data["films"].append(
        {"id": "c", "title": "C", "format": "scifi", "runtime_minutes": 90, "requires": ["imax"]}
    )
    inst = parse_instance(data)
    assert any("no theater can show format scifi with features imax" in w for w in inst.warnings)
