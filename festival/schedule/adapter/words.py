"""The instance reader's problems in the visitor's language: one message per problem code, with its values.

The scheduler reports each broken rule of the format as ``Problem(path, code, params)`` (the codes are
listed in docs/scheduler.md); this table is the only place the web app words them, so no rule of the
format is written again here, only said. A test fails when the scheduler has a code this table lacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from scheduler import Problem

CODE_TEXT = {
    # files
    "unreadable": _l("The file cannot be read (%(reason)s)."),
    "not_json": _l("This is not valid JSON (line %(line)s, column %(column)s: %(reason)s)."),
    "too_deep": _l("The JSON is nested too deeply to be read."),
    "number_too_long": _l("A number has more digits than can be read (%(reason)s)."),
    "wrong_format": _l("The format must be %(expected)s, not %(value)s."),
    # the shape of a value
    "required": _l("This is required."),
    "not_object": _l("This must be an object."),
    "not_list": _l("This must be a list."),
    "not_pair": _l("An opening interval must be a pair of times, open and close."),
    "not_hour_range": _l("An hour range must be a start, an end and a weight."),
    "not_string": _l("This must be a text that is not empty."),
    "not_boolean": _l("This must be true or false."),
    "not_positive_integer": _l("Give a whole number above 0."),
    "not_non_negative_integer": _l("Give a whole number, 0 or more."),
    "not_non_negative_number": _l("Give a number, 0 or more."),
    "unknown_format": _l("“%(value)s” is not a format the festival knows (%(choices)s)."),
    "bad_date": _l("“%(value)s” is not a real date (YYYY-MM-DD)."),
    "bad_clock": _l("“%(value)s” is not a time of day from 00:00 to %(latest)s."),
    "bad_time": _l("“%(value)s” is not a date and time (YYYY-MM-DDTHH:MM)."),
    "bad_id": _l("An id cannot contain control or invisible characters."),
    "bad_timezone": _l("“%(value)s” is not a timezone (use a name such as Asia/Shanghai)."),
    "out_of_range": _l("“%(value)s” must lie between %(first)s and %(last)s."),
    "too_large": _l("%(value)s is too large: at most %(maximum)s."),
    "too_long": _l("This is %(length)s characters long, more than %(maximum)s."),
    "too_many": _l("This has %(count)s entries, more than the %(maximum)s accepted."),
    # ids and references
    "duplicate_id": _l("“%(value)s” is used twice (also at %(first)s)."),
    "unknown_reference": _l("There is no %(kind)s “%(value)s”."),
    "duplicate_screening": _l("%(film)s in %(theater)s at %(start)s is listed twice (also at %(first)s)."),
    # intervals and ranges
    "interval_empty": _l("%(open)s-%(close)s is empty: it closes when it opens."),
    "interval_reversed": _l(
        "%(open)s-%(close)s closes before it opens; an interval cannot cross midnight "
        "(close at 24:00 at the latest)."
    ),
    "intervals_overlap": _l("%(open)s-%(close)s overlaps %(other_open)s-%(other_close)s."),
    "ends_before_start": _l("It ends (%(end)s) before it starts (%(start)s)."),
    "range_empty": _l("%(start)s-%(end)s is empty or reversed."),
    # counts and dates
    "min_above_max": _l("The minimum, %(min)s screenings, is above the maximum, %(max)s."),
    "window_reversed": _l("The last day, %(last)s, is before the first, %(first)s."),
    "window_too_long": _l("The screening window would last %(days)s days, more than %(maximum)s."),
    "dates_reversed": _l("The latest date, %(not_after)s, is before the earliest, %(not_before)s."),
    # transit days between cities (version 2)
    "not_transit_pair": _l("A transit entry must be two cities and a number of days."),
    "same_city": _l("“%(city)s” is named twice: a city needs no transit days to itself."),
    "duplicate_pair": _l("%(city_a)s and %(city_b)s already have their transit days (at %(first)s)."),
    # warnings
    "unknown_weekday": _l("“%(value)s” is not a weekday (%(weekdays)s); it is ignored."),
    "no_theater": _l("No theater can show its format, %(format)s, with the features it needs: %(features)s."),
    "unknown_city": _l("No venue is in the city “%(value)s”; its transit days are not used."),
}
KIND_TEXT = {"venue": _l("venue"), "theater": _l("theater"), "film": _l("film")}
NONE_TEXT = _l("none")
PATH_PARAMS = ("first", "other")  # params that name another place of the file
_ITEM = re.compile(r"^(\w+\[\d+\])")


def in_words(problem: Problem, names: Mapping[str, str] | None = None, *, where: bool = True) -> str:
    """The problem in the visitor's language; with ``where``, after the place it is about. ``names`` maps
    an object's path (``theaters[2]``) to how people call it (``Dome Theater``)."""
    values = {key: _value(key, value, names) for key, value in problem.params.items()}
    text = CODE_TEXT[problem.code] % values
    if not where or not problem.path:
        return text
    return f"{place(problem.path, names)}: {text}"


def place(path: str, names: Mapping[str, str] | None = None) -> str:
    """A path of the format with its object named: ``theaters[2].seats`` as ``Dome Theater · seats``."""
    match = _ITEM.match(path)
    if match is None or not names or match.group(1) not in names:
        return path
    rest = path[match.end() :].lstrip(".")
    return f"{names[match.group(1)]} · {rest}" if rest else names[match.group(1)]


def _value(key: str, value: Any, names: Mapping[str, str] | None) -> str:
    if key == "kind":
        return str(KIND_TEXT.get(value, value))
    if key in PATH_PARAMS and isinstance(value, str):
        return place(value, names)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) if value else str(NONE_TEXT)
    return str(value)
