"""The value rules of the formats (dates, clock times, numbers, ids, opening intervals) and ``Reading``,
which applies them to one file or fragment and collects every problem instead of stopping at the first.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Any

from ..data import DAY, Interval
from .limits import FIRST_DATE, LAST_DATE, MAX_ENTRIES, MAX_ID_LENGTH
from .problems import FieldError, Problem, join, shown

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")
_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$")
MISSING = object()


def parse_date(text: object) -> int:
    """``YYYY-MM-DD`` as a day ordinal; raises FieldError (a ValueError)."""
    if not isinstance(text, str) or not _DATE.match(text):
        raise FieldError("bad_date", value=shown(text))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise FieldError("bad_date", value=text) from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise FieldError("out_of_range", value=text, first=FIRST_DATE.isoformat(), last=LAST_DATE.isoformat())
    return day.toordinal()


def parse_clock(text: object, *, allow_24: bool = False) -> int:
    """``HH:MM`` as minutes after midnight (``24:00`` only when allowed); raises FieldError."""
    m = _CLOCK.match(text) if isinstance(text, str) else None
    h, mi = (int(m.group(1)), int(m.group(2))) if m else (99, 99)
    if (h, mi) == (24, 0) and allow_24:
        return DAY
    if h > 23 or mi > 59:
        raise FieldError("bad_clock", value=shown(text), latest="24:00" if allow_24 else "23:59")
    return h * 60 + mi


def parse_time(text: object) -> int:
    """``YYYY-MM-DDTHH:MM`` as an absolute minute; raises FieldError."""
    m = _TIME.match(text) if isinstance(text, str) else None
    if not m:
        raise FieldError("bad_time", value=shown(text))
    try:
        day = parse_date(m.group(1))
    except FieldError as exc:
        raise FieldError(
            "bad_time" if exc.code == "bad_date" else exc.code, **{**exc.params, "value": text}
        ) from None
    h, mi = int(m.group(2)), int(m.group(3))
    if h > 23 or mi > 59:
        raise FieldError("bad_time", value=text)
    return day * DAY + h * 60 + mi


def is_integer(value: Any) -> bool:
    """An int that is not a bool (JSON's true is not a number)."""
    return isinstance(value, int) and not isinstance(value, bool)


def invisible(text: str) -> bool:
    """Whether the text holds a control, format (zero-width, bidirectional override) or unassigned
    character: none belongs in an id, which ends up in file names, URLs and calendar files."""
    return any(unicodedata.category(c)[0] == "C" for c in text)


class Reading:
    """Applies the value rules to one file or fragment, collecting every problem (``errors``) and every
    warning; each reader of an object or field takes one and records what it finds."""

    def __init__(self, version: int = 1) -> None:
        self.version = version  # of the format read: version 2 adds fields to some objects
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, path: str, code: str, **params: Any) -> None:
        self.errors.append(Problem(path, code, params))

    def warn(self, path: str, code: str, **params: Any) -> None:
        self.warnings.append(Problem(path, code, params))

    def failed(self, exc: FieldError, path: str) -> None:
        self.errors.append(exc.at(path))

    def obj(self, parent: dict, key: str, path: str, *, required: bool = True) -> dict | None:
        """The object at ``parent[key]``; None (after a problem if required) when missing."""
        return self.mapping(parent.get(key, MISSING), path, required=required)

    def mapping(self, value: Any, path: str, *, required: bool = False) -> dict | None:
        """An object value of at most ``MAX_ENTRIES`` keys; None (after a problem if required) when
        missing."""
        if value is MISSING or value is None:
            if required:
                self.error(path, "required")
            return None
        if not isinstance(value, dict):
            self.error(path, "not_object")
            return None
        if len(value) > MAX_ENTRIES:
            self.error(path, "too_many", count=len(value), maximum=MAX_ENTRIES)
            return None
        return value

    def items(
        self, parent: dict, key: str, path: str, *, required: bool = False, maximum=MAX_ENTRIES
    ) -> list:
        """The list at ``parent[key]`` (empty when missing, not a list or longer than ``maximum``, after a
        problem)."""
        return self.listed(parent.get(key, MISSING), path, required=required, maximum=maximum)

    def listed(self, value: Any, path: str, *, required: bool = False, maximum=MAX_ENTRIES) -> list:
        """A list value (empty when missing, not a list or longer than ``maximum``, after a problem)."""
        if value is MISSING or value is None:
            if required:
                self.error(path, "required")
            return []
        if not isinstance(value, list):
            self.error(path, "not_list")
            return []
        if len(value) > maximum:
            self.error(path, "too_many", count=len(value), maximum=maximum)
            return []
        return value

    def string(
        self, parent: dict, key: str, path: str, *, default: Any = MISSING, maximum: int
    ) -> str | None:
        """A non-empty string of at most ``maximum`` characters (``default`` when missing or null, if one
        is given)."""
        value = parent.get(key, MISSING)
        if value is MISSING or (value is None and default is not MISSING):
            if default is MISSING:
                self.error(path, "required")
                return None
            return default
        if not isinstance(value, str) or not value:
            self.error(path, "not_string", value=shown(value))
            return None
        if len(value) > maximum:
            self.error(path, "too_long", length=len(value), maximum=maximum)
            return None
        return value

    def ident(self, parent: dict, key: str, path: str) -> str | None:
        """An id, or a reference to one: a non-empty string, short, without invisible characters."""
        value = self.string(parent, key, path, maximum=MAX_ID_LENGTH)
        if value is not None and invisible(value):
            self.error(path, "bad_id", value=value)
            return None
        return value

    def integer(
        self, parent: dict, key: str, path: str, *, default: Any = MISSING, positive=False, maximum: int
    ) -> int | None:
        """A non-negative (or ``positive``) integer up to ``maximum``; ``default`` when missing, if one
        is given."""
        value = parent.get(key, MISSING)
        if value is MISSING:
            if default is MISSING:
                self.error(path, "required")
            return default if default is not MISSING else None
        if not (is_integer(value) and (value > 0 if positive else value >= 0)):
            code = "not_positive_integer" if positive else "not_non_negative_integer"
            self.error(path, code, value=shown(value))
            return None
        if value > maximum:
            self.error(path, "too_large", value=shown(value), maximum=maximum)
            return None
        return value

    def number(self, value: Any, path: str, *, maximum: float) -> float | None:
        """A finite non-negative number up to ``maximum``."""
        if not (isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < math.inf):
            self.error(path, "not_non_negative_number", value=shown(value))
            return None
        if value > maximum:
            self.error(path, "too_large", value=shown(value), maximum=maximum)
            return None
        return value

    def date(self, value: Any, path: str) -> int | None:
        """A date ``YYYY-MM-DD`` as a day ordinal."""
        try:
            return parse_date(value)
        except FieldError as exc:
            self.failed(exc, path)
            return None

    def ids(self, entries: list, path: str) -> list[str | None]:
        """The id of every entry of a list (None where missing, empty, duplicated or not an object)."""
        seen: dict[str, int] = {}
        result: list[str | None] = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                self.error(join(path, i), "not_object")
                result.append(None)
                continue
            ident = self.ident(entry, "id", join(join(path, i), "id"))
            if ident is not None and ident in seen:
                self.error(
                    join(join(path, i), "id"), "duplicate_id", value=ident, first=f"{path}[{seen[ident]}].id"
                )
                ident = None
            elif ident is not None:
                seen[ident] = i
            result.append(ident)
        return result

    def clock_range(self, start: Any, end: Any, path: str) -> tuple[int, int] | None:
        """Two clock times as minutes of the day, the second possibly ``24:00`` (not yet compared)."""
        try:
            return parse_clock(start), parse_clock(end, allow_24=True)
        except FieldError as exc:
            self.failed(exc, path)
            return None

    def intervals(self, value: Any, path: str) -> tuple[Interval, ...]:
        """One day's opening intervals: each ``[open, close]``, not empty, not crossing midnight (a close
        of ``24:00`` is allowed), none overlapping another."""
        if not isinstance(value, list):
            self.error(path, "not_list")
            return ()
        value = self.listed(value, path)
        result: list[tuple[int, int, int]] = []
        for i, pair in enumerate(value):
            p = join(path, i)
            if not (isinstance(pair, list) and len(pair) == 2):
                self.error(p, "not_pair")
                continue
            clocks = self.clock_range(pair[0], pair[1], p)
            if clocks is None:
                continue
            a, b = clocks
            if a == b:
                self.error(p, "interval_empty", open=pair[0], close=pair[1])
            elif b < a:
                self.error(p, "interval_reversed", open=pair[0], close=pair[1])
            else:
                result.append((a, b, i))
        result.sort()
        for (_a1, b1, i1), (a2, _b2, i2) in zip(result, result[1:], strict=False):
            if a2 < b1:
                later, earlier = max(i1, i2), min(i1, i2)
                self.error(
                    join(path, later),
                    "intervals_overlap",
                    open=value[later][0],
                    close=value[later][1],
                    other=join(path, earlier),
                    other_open=value[earlier][0],
                    other_close=value[earlier][1],
                )
        return tuple((a, b) for a, b, _ in result)
