"""The reader refuses what no festival needs (huge, extreme, nested, reversed, nameless), each with a problem
naming the field, and never raises anything but InstanceError / ScheduleError on any input."""

import json
import math

import pytest
from helpers import DELETE, changed, problems_of, raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.check import check_json
from scheduler.read import (
    InstanceError,
    ScheduleError,
    check_film,
    parse_instance,
    read_instance,
    read_json,
    read_screenings,
    schedule_from_json,
)
from scheduler.read.limits import MAX_OBJECTS, MAX_SCREENINGS
from tests.jsonplaces import put_at

CASES = [
    (("festival", "first_day"), "0001-01-01", "festival.first_day", "out_of_range"),
    (("festival", "last_day"), "9999-12-31", "festival.last_day", "out_of_range"),
    (("festival", "last_day"), "2022-12-31", "festival.last_day", "window_too_long"),
    (("festival", "timezone"), "Mars/Olympus_Mons", "festival.timezone", "bad_timezone"),
    (("festival", "timezone"), 8, "festival.timezone", "bad_timezone"),
    (("festival", "name"), DELETE, "festival.name", "required"),
    (("venues", 0, "name"), DELETE, "venues[0].name", "required"),
    (("theaters", 0, "name"), "", "theaters[0].name", "not_string"),
    (("films", 0, "title"), DELETE, "films[0].title", "required"),
    (("films", 0, "title"), "t" * 501, "films[0].title", "too_long"),
    (("films", 0, "runtime_minutes"), 10**15, "films[0].runtime_minutes", "too_large"),
    (("films", 0, "min_screenings"), 10**5000, "films[0].min_screenings", "too_large"),
    (("theaters", 0, "seats"), 10**30, "theaters[0].seats", "too_large"),
    (("theaters", 0, "changeover_minutes"), 100_000, "theaters[0].changeover_minutes", "too_large"),
    (("films", 0, "popularity"), 1e308, "films[0].popularity", "too_large"),
    (("films", 0, "popularity"), math.nan, "films[0].popularity", "not_non_negative_number"),
    (("films", 0, "popularity"), math.inf, "films[0].popularity", "not_non_negative_number"),
    (("weights", "day", "sat"), 1e308, "weights.day.sat", "too_large"),
    (("weights", "shortfall_penalty"), 1e308, "weights.shortfall_penalty", "too_large"),
    (("films", 0, "not_after"), "2021-04-01", "films[0].not_after", None),  # with not_before below
    (("theaters", 0, "id"), 'dome"\r\nX-Evil: 1', "theaters[0].id", "bad_id"),
    (("films", 0, "id"), "f\u202e", "films[0].id", "bad_id"),
    (("films", 0, "id"), "f" * 101, "films[0].id", "too_long"),
    (("films",), [{}] * (MAX_OBJECTS + 1), "films", "too_many"),
    (("fixed",), [{}] * (MAX_SCREENINGS + 1), "fixed", "too_many"),
    (("theaters", 0, "unavailable"), [{}] * 10_001, "theaters[0].unavailable", "too_many"),
    (("venues", 0, "closed_dates"), ["2021-04-06"] * 10_001, "venues[0].closed_dates", "too_many"),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "code"), CASES, ids=[f"{field}-{code}" for _, _, field, code in CASES]
)
def test_what_no_festival_needs_is_refused_with_the_field_named(path, value, field, code):
    data = changed(path, value)
    if code is None:  # reversed film dates
        data["films"][0]["not_before"] = "2021-04-07"
        code = "dates_reversed"
    problems = problems_of(data)
    assert any(p.path == field and p.code == code for p in problems), problems
    assert all(str(p) for p in problems)  # every message renders, whatever the value


def test_the_window_may_be_a_whole_leap_year():
    data = raw()
    data["festival"].update(first_day="2024-01-01", last_day="2024-12-31")
    assert len(parse_instance(data).days) == 366


def test_the_limits_of_a_film_are_the_readers_own(tmp_path):
    film = raw()["films"][0] | {"runtime_minutes": 1441, "copies": 10_001}
    assert [(p.path, p.code, p.params["maximum"]) for p in check_film(film)] == [
        ("runtime_minutes", "too_large", 1440),
        ("copies", "too_large", 10_000),
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("[" * 100_000 + "]" * 100_000, "too_deep"),
        ('{"festival": ' + "9" * 5000 + "}", "number_too_long"),
        ("{ nope", "not_json"),
        ("[]", "not_object"),
        ("null", "not_object"),
    ],
)
def test_files_that_python_cannot_decode_are_problems_not_tracebacks(tmp_path, text, code):
    path = tmp_path / "instance.json"
    path.write_text(text)
    with pytest.raises(InstanceError) as err:
        read_instance(path)
    assert [p.code for p in err.value.problems] == [code]
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ScheduleError) as err:
        read_json(path)
    assert err.value.problems[0].code == "unreadable"


def test_a_schedule_that_is_not_an_object_is_a_problem():
    for data in ([], None, "x", {"screenings": None}, {"screenings": {}}):
        screenings, problems = read_screenings(data)
        assert screenings == [] and problems, data
        with pytest.raises(ScheduleError):
            schedule_from_json(data)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["", "dome", "v", "big", "a", "2021-04-06", "2021-04-06T10:00", "24:00", "x" * 200]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
PLACES = [
    ("festival",),
    ("festival", "first_day"),
    ("festival", "name"),
    ("venues",),
    ("venues", 0),
    ("venues", 0, "hours"),
    ("venues", 0, "hours", "tue"),
    ("venues", 0, "special_hours"),
    ("venues", 0, "closed_dates"),
    ("theaters", 0),
    ("theaters", 0, "formats"),
    ("theaters", 0, "unavailable"),
    ("theaters", 0, "seats"),
    ("films", 0),
    ("films", 1, "requires"),
    ("films", 0, "not_before"),
    ("films", 0, "max_screenings"),
    ("weights",),
    ("weights", "hour"),
    ("weights", "date"),
    ("fixed",),
    ("previous",),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(PLACES), JSON), min_size=1, max_size=3))
def test_the_reader_answers_any_value_anywhere_with_an_instance_or_problems(changes):
    data = put_at(raw(), changes)
    try:
        instance = parse_instance(data)
    except InstanceError as exc:
        assert exc.problems and all(isinstance(str(p), str) for p in exc.problems)
    else:
        assert instance.films is not None


@settings(max_examples=200, deadline=None)
@given(data=JSON | st.fixed_dictionaries({"screenings": st.lists(JSON, max_size=4)}))
def test_any_schedule_object_is_checked_without_raising(data):
    report = check_json(parse_instance(raw()), data)
    assert report.valid == (not report.violations)
    try:
        schedule_from_json(data)
    except ScheduleError as exc:
        assert exc.problems


def test_a_decoded_file_round_trips_through_json_without_surprises(tmp_path):
    path = tmp_path / "i.json"
    path.write_text(json.dumps(raw()))
    assert read_instance(path).films
