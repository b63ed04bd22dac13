"""festival.params: numbers and dates from the request, read one way (the API builds on it)."""

from __future__ import annotations

from datetime import date

import pytest

from festival import params


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2031-04-01", date(2031, 4, 1)), (" 2031-04-01 ", date(2031, 4, 1)), ("2031-02-30", None),
     ("20310401", None), ("2031-W14-1", None), ("２０３１-04-01", None), ("", None), (None, None),
     ("2031-04-01T10:00", None)],
)  # fmt: skip
def test_a_calendar_date_is_written_yyyy_mm_dd_and_exists(text, expected):
    assert params.calendar_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("42", 42), (" 7 ", 7), ("²", None), ("٣", None), ("1" * 5000, None), ("-1", None), ("1.0", None),
     (str(params.MAX_ID + 1), None), (True, None)],
)  # fmt: skip
def test_a_whole_number_is_ascii_digits_within_the_columns_range(text, expected):
    assert params.whole_number(text) == expected
