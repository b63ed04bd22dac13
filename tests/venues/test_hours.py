"""Opening hours typed by staff are parsed with the scheduler's rules and explained when wrong."""

from __future__ import annotations

import pytest

from festival.venues import hours


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def test_several_intervals_are_sorted_and_normalised():
    assert hours.parse_intervals("13:00-17:00, 9:30 - 12:00") == [["09:30", "12:00"], ["13:00", "17:00"]]


def test_empty_text_means_closed():
    assert hours.parse_intervals("  ") == []


def test_close_at_midnight_is_allowed():
    assert hours.parse_intervals("18:00-24:00") == [["18:00", "24:00"]]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("17:00-09:30", "closes before it opens"),
        ("10:00-10:00", "is empty"),
        ("09:00-12:00, 11:00-14:00", "overlaps"),
        ("24:00-24:00", "not a time of day"),
        ("09:00-24:30", "not a time of day from 00:00 to 24:00"),
        ("25:00-26:00", "not a time of day"),
        ("nine to five", "not an opening interval"),
        ("22:00-02:00", "cannot cross midnight"),
    ],
)
def test_bad_intervals_are_explained(text, words):
    with pytest.raises(ValueError, match=words):
        hours.parse_intervals(text)


def test_special_hours_lines_with_closed_days():
    text = "2021-05-03 09:00-18:00\n2021-04-05: 09:30-17:00\n\n2021-05-10 closed"
    assert hours.parse_special_hours(text) == {
        "2021-04-05": [["09:30", "17:00"]],
        "2021-05-03": [["09:00", "18:00"]],
        "2021-05-10": [],
    }
    assert hours.parse_special_hours(hours.format_special_hours(hours.parse_special_hours(text))) == (
        hours.parse_special_hours(text)
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2021-05-03", "Line 1: give the opening hours"),
        ("2021-05-03 09:00-18:00\n2021-05-03 10:00-11:00", "Line 2: 2021-05-03 is listed twice"),
        ("2021-02-30 09:00-18:00", "not a real date"),
        ("May 3 09:00-18:00", "not a date"),
        ("2021-05-03 18:00-09:00", "Line 1: 18:00-09:00 closes before it opens"),
    ],
)
def test_bad_special_hours_name_the_line(text, words):
    with pytest.raises(ValueError, match=words):
        hours.parse_special_hours(text)


def test_closed_dates_are_deduplicated_and_sorted():
    assert hours.parse_dates("2021-05-21, 2021-04-06\n2021-05-21") == ["2021-04-06", "2021-05-21"]
    with pytest.raises(ValueError, match="not a date"):
        hours.parse_dates("2021-05-21 tomorrow")
