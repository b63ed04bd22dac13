"""Version 2 of the formats: cities and transit days, touring prints (rule 10), online channels."""

import copy
import itertools
import json

import pytest
from helpers import problems_of, raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler import (
    Screening,
    check_film,
    check_json,
    check_screenings,
    check_theater,
    check_transit_days,
    greedy_schedule,
    parse_instance,
    parse_time,
    schedule_from_json,
    schedule_to_json,
    solve,
)
from scheduler.first.tours import assign_prints

OPEN = {d: [["10:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

TOUR = {
    "format": "festival-schedule-instance/2",
    "festival": {
        "name": "t",
        "timezone": "Asia/Shanghai",
        "first_day": "2021-04-10",
        "last_day": "2021-04-20",
    },
    "venues": [
        {"id": "cstm", "name": "CSTM", "city": "beijing", "hours": OPEN},
        {"id": "bj2", "name": "Beijing Planetarium", "city": "beijing", "hours": OPEN},
        {"id": "hf", "name": "Hefei Science Museum", "city": "hefei", "hours": OPEN},
        {"id": "gz", "name": "Guangdong Science Center", "hours": OPEN},  # city: its id
        {"id": "web", "name": "Online", "city": "online", "hours": {}},
    ],
    "transit_days": {"default": 2, "pairs": [["beijing", "hefei", 3]]},
    "theaters": [
        {
            "id": t,
            "name": t,
            "venue": v,
            "seats": 400,
            "formats": ["giant_screen", "dome"],
            "start_step_minutes": 30,
        }
        for t, v in (("giant", "cstm"), ("dome", "bj2"), ("hf-giant", "hf"), ("gz-giant", "gz"))
    ]
    + [
        {
            "id": "ch1",
            "name": "Stream 1",
            "venue": "web",
            "seats": 1000,
            "formats": ["giant_screen", "dome"],
            "online": True,
            "window_minutes": 1440,
            "start_step_minutes": 60,
        },
    ],  # fmt: skip
    "films": [
        {
            "id": "hu",
            "title": "Hidden Universe",
            "format": "giant_screen",
            "runtime_minutes": 60,
            "prints": 1,
            "min_screenings": 0,
            "max_screenings": 10,
            "max_per_day": 3,
            "popularity": 300,
        },
        {
            "id": "dg",
            "title": "Digital",
            "format": "dome",
            "runtime_minutes": 30,
            "min_screenings": 0,
            "max_screenings": 10,
            "max_per_day": 2,
            "popularity": 100,
        },
    ],  # fmt: skip
}


def tour(**changes) -> dict:
    data = copy.deepcopy(TOUR)
    data.update(changes)
    return data


def at(film, theater, start, k=None) -> Screening:
    return Screening(parse_time(start), theater, film, k)


def violations(inst, *screenings):
    return check_screenings(inst, list(screenings)).violations


# ---------------------------------------------------------------- the reader


def test_version_two_fields_are_read_with_their_defaults():
    inst = parse_instance(tour())
    assert inst.version == 2
    assert inst.city_of["giant"] == inst.city_of["dome"] == "beijing"
    assert inst.city_of["gz-giant"] == "gz"  # no city: the venue's id
    assert inst.transit_days("beijing", "hefei") == inst.transit_days("hefei", "beijing") == 3
    assert inst.transit_days("beijing", "gz") == 2  # the default
    assert inst.transit_days("beijing", "beijing") == 0
    assert inst.film_by_id["hu"].prints == 1 and inst.film_by_id["dg"].prints is None
    ch = inst.theater_by_id["ch1"]
    assert ch.online and ch.window == 1440 and inst.occupancy(inst.film_by_id["hu"], ch) == 1440
    data = tour()
    del data["transit_days"]
    assert parse_instance(data).transit_days("beijing", "hefei") == 1  # the format's default


def test_a_version_one_file_ignores_the_version_two_keys():
    data = tour(format="festival-schedule-instance/1")
    data["transit_days"] = "not even an object"  # unknown in version 1: ignored
    inst = parse_instance(data)
    assert inst.version == 1
    assert inst.film_by_id["hu"].prints is None
    assert not inst.theater_by_id["ch1"].online
    assert inst.city_of["giant"] == "cstm"


WINDOW, PAIR = "theaters[4].window_minutes", "transit_days.pairs[0]"


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        (lambda d: d["theaters"][4].pop("window_minutes"), "theaters[4].window_minutes", "required"),
        (lambda d: d["theaters"][4].update(window_minutes=0), WINDOW, "not_positive_integer"),
        (lambda d: d["theaters"][4].update(window_minutes=10**6), "theaters[4].window_minutes", "too_large"),
        (lambda d: d["theaters"][0].update(online="yes"), "theaters[0].online", "not_boolean"),
        (lambda d: d["films"][0].update(prints=0), "films[0].prints", "not_positive_integer"),
        (lambda d: d["films"][0].update(prints=1.5), "films[0].prints", "not_positive_integer"),
        (lambda d: d["films"][0].update(prints=10**9), "films[0].prints", "too_large"),
        (lambda d: d["venues"][0].update(city=""), "venues[0].city", "not_string"),
        (lambda d: d["transit_days"].update(default=-1), "transit_days.default", "not_non_negative_integer"),
        (lambda d: d["transit_days"].update(default=400), "transit_days.default", "too_large"),
        (lambda d: d["transit_days"].update(pairs=[["a", "b"]]), "transit_days.pairs[0]", "not_transit_pair"),
        (lambda d: d["transit_days"].update(pairs=[["hefei", "hefei", 1]]), PAIR, "same_city"),
        (lambda d: d["transit_days"]["pairs"].append(["hefei", "beijing", 1]), "transit_days.pairs[1]",
         "duplicate_pair"),
        (lambda d: d["transit_days"].update(pairs=[["hefei", "gz", "x"]]), "transit_days.pairs[0][2]",
         "not_non_negative_integer"),
        (lambda d: d.update(transit_days=[]), "transit_days", "not_object"),
    ],
)  # fmt: skip
def test_each_malformed_version_two_field_is_named(change, path, code):
    data = tour()
    change(data)
    assert [(p.path, p.code) for p in problems_of(data)] == [(path, code)]


def test_a_transit_pair_of_a_city_without_venue_is_a_warning():
    data = tour()
    data["transit_days"]["pairs"].append(["beijing", "lhasa", 4])
    inst = parse_instance(data)
    assert [(p.path, p.code, dict(p.params)) for p in inst.warning_problems] == [
        ("transit_days.pairs[1][1]", "unknown_city", {"value": "lhasa"})
    ]


def test_the_partial_checks_know_version_two():
    online = {"id": "c", "name": "C", "venue": "web", "seats": 9, "formats": ["dome"], "online": True}
    assert [(p.path, p.code) for p in check_theater(online, "t")] == [("t.window_minutes", "required")]
    assert check_theater(online, "t", version=1) == []  # online is not a version-1 key
    film = {"id": "f", "title": "F", "format": "dome", "runtime_minutes": 30, "prints": -1}
    assert [p.code for p in check_film(film)] == ["not_positive_integer"]
    assert [p.code for p in check_transit_days({"pairs": [["x", "x", 1]]})] == ["same_city"]
    assert check_transit_days({"default": 3, "pairs": [["x", "y", 1]]}) == []


def test_a_version_two_schedule_carries_prints_both_ways():
    inst = parse_instance(tour())
    data = {"format": "festival-schedule/2", "screenings": [
        {"film": "hu", "theater": "giant", "start": "2021-04-12T10:00", "print": 1},
        {"film": "dg", "theater": "dome", "start": "2021-04-12T10:00"},
    ]}  # fmt: skip
    schedule = schedule_from_json(data)
    assert schedule.version == 2 and [s.print for s in schedule.screenings] == [1, None]
    back = schedule_to_json(schedule)
    assert back["format"] == "festival-schedule/2"
    assert back["screenings"] == sorted(data["screenings"], key=lambda x: x["theater"])
    assert check_json(inst, data).valid
    data["screenings"][0]["print"] = "one"
    report = check_json(inst, data)
    assert [v.rule for v in report.violations] == ["format"]
    assert "screenings[0].print: must be a positive integer" in report.violations[0].message


# ---------------------------------------------------------------- rule 10: prints


def test_exactly_the_transit_days_is_enough():
    inst = parse_instance(tour())
    assert (
        violations(
            inst, at("hu", "giant", "2021-04-12T10:00", 1), at("hu", "hf-giant", "2021-04-15T10:00", 1)
        )
        == ()
    )


def test_one_day_short_names_the_film_the_print_the_screenings_and_the_days():
    inst = parse_instance(tour())
    a, b = at("hu", "giant", "2021-04-12T10:00", 1), at("hu", "hf-giant", "2021-04-14T10:00", 1)
    (v,) = violations(inst, a, b)
    assert v.rule == "prints" and v.code == "print_transit"
    assert v.message.startswith(
        "print 1 of Hidden Universe is screened in Beijing on 12 April and in Hefei on 14 April: "
        "3 days are needed between the two cities"
    )
    assert (
        "hu in giant at 2021-04-12T10:00" in v.message and "hu in hf-giant at 2021-04-14T10:00" in v.message
    )
    assert (v.film, v.print, v.screenings) == ("hu", 1, (a, b))
    assert dict(v.params) == {"city_a": "beijing", "city_b": "hefei", "days_needed": 3, "days": 2}


def test_transit_holds_in_both_directions_and_between_consecutive_screenings_only():
    inst = parse_instance(tour())
    back = [at("hu", "hf-giant", "2021-04-12T10:00", 1), at("hu", "giant", "2021-04-14T10:00", 1)]
    assert [v.code for v in violations(inst, *back)] == ["print_transit"]
    # Beijing 12, Guangzhou 14 (2 days), Hefei 16 (default 2): each step is enough
    trip = [at("hu", "giant", "2021-04-12T10:00", 1), at("hu", "gz-giant", "2021-04-14T10:00", 1),
            at("hu", "hf-giant", "2021-04-16T10:00", 1)]  # fmt: skip
    assert violations(inst, *trip) == ()


def test_same_city_needs_no_transit_but_a_print_never_overlaps_itself():
    inst = parse_instance(tour())
    # across town on the same day
    assert (
        violations(inst, at("hu", "giant", "2021-04-12T10:00", 1), at("hu", "dome", "2021-04-12T11:00", 1))
        == ()
    )
    (v,) = violations(inst, at("hu", "giant", "2021-04-12T10:00", 1), at("hu", "dome", "2021-04-12T10:30", 1))
    assert v.code == "print_overlap" and v.print == 1 and "at once" in v.message


def test_two_prints_tour_apart():
    data = tour()
    data["films"][0]["prints"] = 2
    inst = parse_instance(data)
    two = [at("hu", "giant", "2021-04-12T10:00", 1), at("hu", "hf-giant", "2021-04-13T10:00", 2)]
    assert violations(inst, *two) == ()
    same = [at("hu", "giant", "2021-04-12T10:00", 2), at("hu", "hf-giant", "2021-04-13T10:00", 2)]
    assert [v.code for v in violations(inst, *same)] == ["print_transit"]


def test_a_print_must_be_named_in_range_and_only_where_needed():
    inst = parse_instance(tour())
    assert [v.code for v in violations(inst, at("hu", "giant", "2021-04-12T10:00"))] == ["print_missing"]
    assert [v.code for v in violations(inst, at("hu", "giant", "2021-04-12T10:00", 2))] == [
        "print_out_of_range"
    ]
    assert [v.code for v in violations(inst, at("dg", "dome", "2021-04-12T10:00", 1))] == ["print_not_needed"]
    assert [v.code for v in violations(inst, at("hu", "ch1", "2021-04-12T10:00", 1))] == ["print_not_needed"]
    assert violations(inst, at("hu", "ch1", "2021-04-12T10:00")) == ()  # online: no print


# ---------------------------------------------------------------- online channels


def test_online_windows_ignore_the_venue_hours_but_end_with_the_festival():
    inst = parse_instance(tour())
    assert violations(inst, at("dg", "ch1", "2021-04-12T03:00")) == ()
    assert violations(inst, at("dg", "ch1", "2021-04-19T23:00")) == ()  # to 20 April 23:00
    (v,) = violations(inst, at("dg", "ch1", "2021-04-20T01:00"))  # would end 21 April 01:00
    assert v.rule == "opening hours" and v.code == "online_window"


def test_an_online_channel_shows_one_window_at_a_time_across_days():
    inst = parse_instance(tour())
    overlapping = [at("dg", "ch1", "2021-04-12T20:00"), at("hu", "ch1", "2021-04-13T10:00")]
    assert {v.rule for v in violations(inst, *overlapping)} == {"one screening at a time"}
    assert violations(inst, at("dg", "ch1", "2021-04-12T20:00"), at("hu", "ch1", "2021-04-13T20:00")) == ()


def test_online_screenings_do_not_count_for_copies_but_count_for_the_day():
    inst = parse_instance(tour())
    # Digital has one copy: a room and a stream at the same moment are fine
    assert violations(inst, at("dg", "dome", "2021-04-12T10:00"), at("dg", "ch1", "2021-04-12T10:00")) == ()
    # two rooms at once are not (rule 7)
    assert {v.rule for v in violations(inst, at("dg", "dome", "2021-04-12T10:00"),
                                       at("dg", "giant", "2021-04-12T10:00"))} == {"copies"}  # fmt: skip
    # max_per_day 2: a third screening that day, online, is one too many (rule 8)
    three = [at("dg", "dome", "2021-04-12T10:00"), at("dg", "dome", "2021-04-12T12:00"),
             at("dg", "ch1", "2021-04-12T10:00")]  # fmt: skip
    assert {v.rule for v in violations(inst, *three)} == {"counts"}


def test_validate_on_the_command_line_rejects_a_tour_too_fast(tmp_path, capsys):
    from scheduler.__main__ import main

    (tmp_path / "i.json").write_text(json.dumps(tour()))
    (tmp_path / "s.json").write_text(json.dumps({"format": "festival-schedule/2", "screenings": [
        {"film": "hu", "theater": "giant", "start": "2021-04-12T10:00", "print": 1},
        {"film": "hu", "theater": "hf-giant", "start": "2021-04-13T10:00", "print": 1},
    ]}))  # fmt: skip
    assert main(["validate", str(tmp_path / "i.json"), str(tmp_path / "s.json")]) == 1
    out = capsys.readouterr().out
    assert (
        "print 1 of Hidden Universe is screened in Beijing on 12 April and in Hefei on 13 April: "
        "3 days are needed between the two cities" in out
    )


# ---------------------------------------------------------------- prints chosen by the solver


def tours_hold(inst, screenings) -> bool:
    """Whether the validator finds no broken rule 10 (the draws may break other rules, such as two
    screenings in one theater at once, which choosing prints does not mend)."""
    return all(v.rule != "prints" for v in check_screenings(inst, screenings).violations)


def brute_force_most_covered(inst, items, prints):
    """The most screenings some choice of prints (or none) makes valid under the validator's rule 10."""
    best = 0
    for choice in itertools.product(range(prints + 1), repeat=len(items)):  # 0: left out
        chosen = [Screening(s.start, s.theater, s.film, k) for s, k in zip(items, choice, strict=True) if k]
        if len(chosen) > best and tours_hold(inst, chosen):
            best = len(chosen)
    return best


screening_draws = st.lists(
    st.tuples(
        st.sampled_from(["giant", "dome", "hf-giant", "gz-giant"]),
        st.integers(10, 16),
        st.sampled_from(["10:00", "10:30", "11:30", "15:00"]),
    ),  # fmt: skip
    min_size=1,
    max_size=5,
    unique=True,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draws=screening_draws, prints=st.integers(1, 2), default=st.integers(0, 3))
def test_prints_cover_as_many_screenings_as_a_brute_force_finds(draws, prints, default):
    data = tour()
    data["films"][0]["prints"] = prints
    data["transit_days"]["default"] = default
    inst = parse_instance(data)
    items = [at("hu", t, f"2021-04-{d}T{c}") for t, d, c in draws]
    kept, left = assign_prints(inst, items)
    assert len(kept) + len(left) == len(items)
    assert tours_hold(inst, kept)  # the validator agrees with the tours chosen
    assert len(kept) == brute_force_most_covered(inst, items, prints)


def random_tour_instance(rng_films, transit, step):
    data = tour()
    data["festival"]["last_day"] = "2021-04-13"
    data["transit_days"] = {"default": transit, "pairs": []}
    data["films"] = [
        {"id": f"f{i}", "title": f"F{i}", "format": fmt, "runtime_minutes": runtime, "prints": prints,
         "min_screenings": 1, "max_screenings": 4, "max_per_day": 2, "popularity": 50 + 40 * i}
        for i, (fmt, runtime, prints) in enumerate(rng_films)
    ]  # fmt: skip
    for t in data["theaters"]:
        t["start_step_minutes"] = step if not t.get("online") else 60
    return parse_instance(data)


film_draws = st.lists(
    st.tuples(
        st.sampled_from(["giant_screen", "dome"]),
        st.sampled_from([45, 120, 240]),
        st.sampled_from([None, 1, 2]),
    ),  # fmt: skip
    min_size=1,
    max_size=4,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(films=film_draws, transit=st.integers(0, 3), step=st.sampled_from([60, 120]))
def test_every_solver_result_on_a_tour_is_valid(films, transit, step):
    inst = random_tour_instance(films, transit, step)
    assert check_screenings(inst, greedy_schedule(inst)).valid
    result = solve(inst, time_limit=3, workers=1, deterministic=True)
    report = check_screenings(inst, result.screenings)
    assert report.valid, report.violations[:3]
    assert report.objective == result.objective
    assert result.bound is None or result.bound >= result.objective


v1_draws = st.fixed_dictionaries(
    {
        "pop": st.lists(st.integers(0, 200), min_size=2, max_size=2),
        "runtime": st.lists(st.sampled_from([20, 30, 45]), min_size=2, max_size=2),
        "most": st.lists(st.integers(1, 3), min_size=2, max_size=2),
        "copies": st.integers(1, 2),
    }
)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw=v1_draws)
def test_a_version_one_file_read_as_version_two_gives_the_same_timetable(draw):
    data = raw()
    for f, pop, runtime, most in zip(data["films"], draw["pop"], draw["runtime"], draw["most"], strict=True):
        f.update(
            popularity=pop, runtime_minutes=runtime, max_screenings=most, max_per_day=2, copies=draw["copies"]
        )
    one = solve(parse_instance(data), time_limit=3, deterministic=True)
    data["format"] = "festival-schedule-instance/2"
    two = solve(parse_instance(data), time_limit=3, deterministic=True)
    a, b = schedule_to_json(one), schedule_to_json(two)
    assert (a.pop("format"), b.pop("format")) == ("festival-schedule/1", "festival-schedule/2")
    assert json.dumps(a) == json.dumps(b)


def test_the_command_line_solves_a_tour_and_writes_its_prints(tmp_path):
    from scheduler.__main__ import main

    (tmp_path / "i.json").write_text(json.dumps(tour()))
    assert (
        main(
            [
                "solve",
                str(tmp_path / "i.json"),
                "--time-limit",
                "3",
                "--quiet",
                "--out",
                str(tmp_path / "s.json"),
            ]
        )
        == 0
    )
    out = json.loads((tmp_path / "s.json").read_text())
    assert out["format"] == "festival-schedule/2"
    hu = [s for s in out["screenings"] if s["film"] == "hu"]
    assert hu and all(s.get("print") == 1 for s in hu if s["theater"] != "ch1")
    assert all("print" not in s for s in out["screenings"] if s["film"] == "dg" or s["theater"] == "ch1")
    assert main(["validate", str(tmp_path / "i.json"), str(tmp_path / "s.json")]) == 0


def test_an_online_column_counts_as_several_when_a_model_is_sized():
    from scheduler.improve.exact_model import build, count_columns

    inst = parse_instance(tour())
    films = [f.id for f in inst.films]
    rooms = count_columns(inst, films, ["giant"])
    assert rooms == build(inst, films, ["giant"]).size  # a room: one each
    online = count_columns(inst, films, ["ch1"])
    assert online == 3 * build(inst, films, ["ch1"]).size  # a day's window on an hourly grid: 24 rows / 8


# ---------------------------------------------------------------- explain


def test_explain_says_where_a_print_is_and_when_the_next_city_can_have_it():
    from scheduler import online_words, tour_words

    data = tour()
    data["festival"]["first_day"] = "2021-04-12"
    inst = parse_instance(data)
    film = inst.film_by_id["hu"]
    timetable = [
        at("hu", "hf-giant", "2021-04-12T10:00", 1),
        at("hu", "hf-giant", "2021-04-18T10:00", 1),
        at("hu", "gz-giant", "2021-04-20T10:00", 1),
        at("dg", "ch1", "2021-04-12T10:00"),
    ]
    assert tour_words(inst, film, timetable) == [
        "the only print of Hidden Universe is in Hefei from 12 to 18 April; "
        "Gz can have it from 20 April, and has it on 20 April"
    ]
    assert online_words(inst, timetable) == [
        "Stream 1 (ch1) streams windows of 24 h 0 min with 1000 tickets each: 1 window(s) in this timetable"
    ]


def test_pins_get_prints_that_let_their_tours_hold_and_a_tour_too_fast_is_named():
    data = tour()
    data["films"][0]["prints"] = 2
    # with the wrong choice (both Beijing pins on print 1) Hefei could not follow; two prints can tour
    data["fixed"] = [
        {"film": "hu", "theater": "giant", "start": "2021-04-12T10:00"},
        {"film": "hu", "theater": "hf-giant", "start": "2021-04-13T10:00"},
        {"film": "hu", "theater": "dome", "start": "2021-04-14T10:00"},
    ]
    result = solve(parse_instance(data), time_limit=3, workers=1)
    assert result.status in ("optimal", "feasible")
    assert check_screenings(parse_instance(data), result.screenings).valid
    data["films"][0]["prints"] = 1  # one print cannot be in Hefei on the 13th and back on the 14th
    inst = parse_instance(data)
    result = solve(inst, time_limit=3, workers=1)
    assert result.status == "infeasible"
    assert any("3 days are needed between the two cities" in c for c in result.conflicts)
    from scheduler.explain import explain_text

    text = explain_text(inst)
    assert "Pinned screenings that cannot all hold" in text and "3 days are needed" in text
    data["fixed"].pop(1)
    assert "all compatible" in explain_text(parse_instance(data))
