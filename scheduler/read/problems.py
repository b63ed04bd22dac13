"""Problems of a file or field as values: where (``path``), which rule (``code``), the values a message
needs (``params``), and the English message the command line prints.

Every code is documented in docs/scheduler.md ("Problem codes"); the web app translates them by code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def _features(params: Mapping[str, Any]) -> str:
    features = params.get("features") or []
    return f" with features {', '.join(features)}" if features else ""


# code -> English message (a str.format template over the params, or a function of them). One code per
# rule of the format; the web app keeps its own translated text for each code.
MESSAGES: dict[str, str | Callable[[Mapping[str, Any]], str]] = {
    # files
    "unreadable": "cannot read file ({reason})",
    "not_json": "not valid JSON (line {line}, column {column}: {reason})",
    "too_deep": "JSON nested too deeply to be read",
    "number_too_long": "a number has more digits than a reader accepts ({reason})",
    "wrong_format": "must be {expected}, not {value!r}",
    # the shape of a value
    "required": "is required",
    "not_object": "must be an object",
    "not_list": "must be a list",
    "not_pair": "must be a pair [open, close]",
    "not_hour_range": "must be [from, to, weight]",
    "not_string": "must be a non-empty string",
    "not_boolean": "must be true or false",
    "not_positive_integer": "must be a positive integer",
    "not_non_negative_integer": "must be a non-negative integer",
    "not_non_negative_number": "must be a non-negative number",
    "too_large": "must be at most {maximum}",
    "too_many": "has {count} entries, more than the {maximum} a reader accepts",
    "too_long": "is {length} characters long, more than {maximum}",
    "bad_id": "must not contain control or invisible characters",
    "bad_timezone": "unknown timezone {value!r} (use an IANA name such as Asia/Shanghai)",
    "unknown_format": lambda p: f"unknown format {p['value']!r} (one of {', '.join(p['choices'])})",
    "bad_date": "must be a real date YYYY-MM-DD",
    "bad_clock": "must be a clock time HH:MM between 00:00 and {latest}",
    "bad_time": "must be a time YYYY-MM-DDTHH:MM",
    "out_of_range": "must lie between {first} and {last}",
    # ids and references
    "duplicate_id": "duplicates {first} {value!r}",
    "unknown_reference": "unknown {kind} {value!r}",
    "duplicate_screening": "duplicates {first} ({film} in {theater} at {start})",
    # intervals and ranges
    "interval_empty": "empty opening interval {open}-{close}",
    "interval_reversed": "reversed or crosses midnight: {open}-{close} (close at 24:00 at the latest)",
    "intervals_overlap": "overlaps {other} ({other_open}-{other_close}) on the same day",
    "ends_before_start": "ends before it starts ({end} < {start})",
    "range_empty": "empty or reversed range {start}-{end}",
    # counts and dates
    "min_above_max": "min_screenings {min} is greater than max_screenings {max}",
    "window_reversed": "is before festival.first_day ({last} < {first})",
    "window_too_long": "makes a screening window of {days} days, more than {maximum}",
    "dates_reversed": "is before not_before ({not_after} < {not_before})",
    # version 2: transit days between cities
    "not_transit_pair": "must be [city_a, city_b, days]",
    "same_city": "names the city {city!r} twice (a city needs no transit days to itself)",
    "duplicate_pair": "repeats {first} ({city_a}, {city_b})",
    # warnings
    "unknown_city": "no venue is in the city {value!r}",
    "unknown_weekday": lambda p: f"unknown weekday key ignored (use {' '.join(p['weekdays'])})",
    "no_theater": lambda p: f"no theater can show format {p['format']}{_features(p)}",
}


@dataclass(frozen=True)
class Problem:
    """One problem: ``path`` names the field (``films[3].runtime_minutes``; ``""`` is the whole file or
    object), ``code`` the rule (see ``MESSAGES``), ``params`` the values its message needs."""

    path: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        """The English message, without the path."""
        template = MESSAGES[self.code]
        return template(self.params) if callable(template) else template.format(**self.params)

    def __str__(self) -> str:
        return f"{self.path or '(top level)'}: {self.message}"


class FieldError(ValueError):
    """A value that breaks one rule (raised by the value parsers); ``str()`` is the English message."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(Problem("", code, params).message)

    def at(self, path: str) -> Problem:
        """The problem, placed at a field."""
        return Problem(path, self.code, self.params)


class FormatError(ValueError):
    """A file or object that does not follow its format: ``problems`` lists every problem found,
    ``errors`` the same in English (``path: message``)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        self.errors = [str(p) for p in self.problems]
        super().__init__("\n".join(self.errors))


class InstanceError(FormatError):
    """A malformed instance."""


class ScheduleError(FormatError):
    """A malformed schedule file."""


def join(path: str, key: str | int) -> str:
    """The path of a member: ``join("films[0]", "id")`` is ``films[0].id``, ``join("films", 0)`` is
    ``films[0]``, and a member of the empty path is the key alone."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def shown(value: Any) -> Any:
    """A value as a problem's parameter: scalars as they are (long strings cut), containers by type."""
    if isinstance(value, str):
        return value if len(value) <= 80 else value[:77] + "..."
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "(a very large integer)"  # str() of an int past 4,300 digits raises
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return type(value).__name__
