"""Every hard rule: a schedule that breaks it is caught by the validator."""

import pytest
from helpers import instance, raw

from scheduler.check import check_json, check_screenings
from scheduler.data import Screening
from scheduler.read import parse_time


def s(film, theater, start):
    return Screening(parse_time(start), theater, film)


def rules_of(inst, screenings):
    return {v.rule for v in check_screenings(inst, screenings).violations}


def test_a_valid_schedule_has_no_violations_and_its_objective():
    inst = instance()
    report = check_screenings(inst, [s("a", "big", "2021-04-06T11:00"), s("b", "big", "2021-04-07T10:00")])
    assert report.valid
    # a: 80 * 1.0 * 1.0 = 80; b: floor(50 * 1.1 * 0.9 + 1e-9) = 49
    assert report.attendance == 80 + 49
    assert report.objective == 129


@pytest.mark.parametrize(
    ("screenings", "rule"),
    [
        ([("zz", "big", "2021-04-06T10:00")], "known ids"),
        ([("a", "nowhere", "2021-04-06T10:00")], "known ids"),
        ([("b", "small", "2021-04-06T10:00")], "compatibility"),
        ([("a", "big", "2021-04-08T10:00")], "window"),
        ([("a", "big", "2021-04-06T11:45")], "opening hours"),
        ([("a", "big", "2021-04-06T09:45")], "opening hours"),
        ([("a", "big", "2021-04-06T10:05")], "start step"),
        ([("a", "big", "2021-04-06T10:00"), ("b", "big", "2021-04-06T10:30")], "one screening at a time"),
        ([("a", "big", "2021-04-06T10:00"), ("a", "small", "2021-04-06T10:15")], "copies"),
        ([("a", "big", "2021-04-06T10:00"), ("a", "small", "2021-04-06T11:00")], "counts"),
    ],
)
def test_validator_catches_each_broken_rule(screenings, rule):
    inst = instance()
    assert rule in rules_of(inst, [s(*x) for x in screenings])


def test_changeover_is_required_between_screenings():
    inst = instance()
    # a ends 10:30; changeover 10 min: 10:40 is the first legal start (10:35 is off the 15-minute grid anyway)
    assert "one screening at a time" in rules_of(
        inst, [s("a", "big", "2021-04-06T10:00"), s("b", "big", "2021-04-06T10:30")]
    )
    assert rules_of(inst, [s("a", "big", "2021-04-06T10:00"), s("b", "big", "2021-04-06T10:45")]) == set()


def test_unavailable_block_and_closed_date_and_special_hours():
    data = raw()
    data["theaters"][0]["unavailable"] = [{"start": "2021-04-06T10:20", "end": "2021-04-06T10:40"}]
    data["venues"][0]["closed_dates"] = ["2021-04-07"]
    data["venues"][0]["special_hours"] = {"2021-04-07": [["13:00", "15:00"]]}
    from scheduler.read import parse_instance

    inst = parse_instance(data)
    assert "opening hours" in rules_of(inst, [s("a", "big", "2021-04-06T10:00")])
    # closed_dates wins over special_hours
    assert "opening hours" in rules_of(inst, [s("a", "big", "2021-04-07T13:00")])


def test_film_date_limits_are_a_window_rule():
    data = raw()
    data["films"][0]["not_before"] = "2021-04-07"
    from scheduler.read import parse_instance

    assert "window" in rules_of(parse_instance(data), [s("a", "big", "2021-04-06T10:00")])


def test_max_screenings_and_missing_pin_are_caught():
    data = raw(fixed=[{"film": "b", "theater": "big", "start": "2021-04-06T10:00"}])
    data["films"][0]["max_screenings"] = 1
    from scheduler.read import parse_instance

    inst = parse_instance(data)
    found = rules_of(inst, [s("a", "big", "2021-04-06T11:00"), s("a", "big", "2021-04-07T11:00")])
    assert {"counts", "pinned"} <= found


def test_hand_made_schedule_problems_are_reported_not_raised():
    inst = instance()
    report = check_json(
        inst,
        {"screenings": [{"film": "a", "theater": "big", "start": "6 April 10am"}, {"film": 3}, "junk"]},
    )
    assert not report.valid
    assert any("screenings[0].start" in v.message for v in report.violations)
    assert any("screenings[1]" in v.message for v in report.violations)


def test_objective_counts_shortfall_and_changes():
    data = raw(previous=[{"film": "a", "theater": "big", "start": "2021-04-06T11:00"}])
    data["weights"]["change_penalty"] = 7
    from scheduler.read import parse_instance

    report = check_screenings(parse_instance(data), [])
    assert report.shortfall == 2 and report.changes == 1
    assert report.objective == -2 * 1_000_000 - 7


def _one(inst, screenings, code):
    found = [v for v in check_screenings(inst, [s(*x) for x in screenings]).violations if v.code == code]
    assert len(found) == 1, [
        (v.code, v.message) for v in check_screenings(inst, [s(*x) for x in screenings]).violations
    ]
    return found[0]


def test_violations_carry_their_check_the_screenings_and_the_values_involved():
    from scheduler.data import DAY

    t = parse_time
    data = raw()
    data["theaters"][0]["unavailable"] = [{"start": "2021-04-07T10:20", "end": "2021-04-07T10:40"}]
    data["venues"][0]["closed_dates"] = ["2021-04-08"]
    data["festival"]["last_day"] = "2021-04-13"
    from scheduler.read import parse_instance

    inst = parse_instance(data)
    v = _one(inst, [("a", "big", "2021-04-06T10:00"), ("b", "big", "2021-04-06T10:30")], "overlap")
    assert v.rule == "one screening at a time" and v.screening == s("b", "big", "2021-04-06T10:30")
    assert v.other == s("a", "big", "2021-04-06T10:00")
    assert v.params == {"end": t("2021-04-06T10:30"), "changeover": 10, "free": t("2021-04-06T10:40")}
    v = _one(inst, [("a", "big", "2021-04-08T10:00")], "closed")
    assert v.params["why"] == "closed_date" and v.params["venue"] == "v" and v.params["hours"] == ()
    v = _one(inst, [("a", "big", "2021-04-12T10:00")], "closed")  # a Monday: no weekly hours
    assert v.params["why"] == "weekday" and v.params["day"] == t("2021-04-12T00:00") // DAY
    v = _one(inst, [("a", "big", "2021-04-06T11:45")], "outside_hours")
    assert v.params["why"] is None and v.params["hours"] == ((t("2021-04-06T10:00"), t("2021-04-06T12:00")),)
    v = _one(inst, [("a", "big", "2021-04-07T10:00")], "unavailable")
    assert (v.params["from"], v.params["until"]) == (t("2021-04-07T10:20"), t("2021-04-07T10:40"))
    assert _one(inst, [("b", "small", "2021-04-06T10:00")], "missing_features").params == {
        "missing": ("fulldome",)
    }
    assert _one(inst, [("a", "big", "2021-04-06T10:05")], "start_step").params == {"step": 15}
    v = _one(
        inst,
        [
            ("a", "big", "2021-04-06T10:00"),
            ("a", "small", "2021-04-07T10:00"),
            ("a", "small", "2021-04-09T10:00"),
        ],
        "max_screenings",
    )
    assert v.screening is None and v.params == {"film": "a", "count": 3, "max": 2}
    # the English message is unchanged: the command line and the logs read it
    assert v.message == "film a: 3 screenings, more than max_screenings 2"
