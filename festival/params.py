"""Numbers and dates from the request, read one way: ids, versions, page numbers, finite decimals and
calendar dates.

``str.isdigit()`` accepts "²" and other digits that ``int()`` refuses (a 500), and ``int()`` refuses more
than 4,300 digits; ``float()`` accepts "nan" and "inf". These read ASCII digits only, within the bounds a
column can hold, and answer None for anything else, so a view treats a garbled value as a missing one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date

MAX_ID = 2**31 - 1  # ids, versions and counts are 32-bit integer columns
MAX_PAGE = 100_000
MAX_DECIMAL = 1e15  # beyond any weight, score or count a form asks for
_WHOLE = re.compile(r"[0-9]{1,10}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DECIMAL = re.compile(r"[-+]?(?:[0-9]{1,15}(?:\.[0-9]{0,15})?|\.[0-9]{1,15})")


def whole_number(text: object, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number from low to high written in ASCII digits (surrounding spaces allowed), else None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    elif isinstance(text, str) and _WHOLE.fullmatch(text.strip()):
        value = int(text.strip())
    else:
        return None
    return value if low <= value <= high else None


def record_id(text: object) -> int | None:
    """A database id (1 to 2**31 - 1), else None."""
    return whole_number(text, low=1)


def version_number(text: object) -> int | None:
    """A record's version counter as a form sent it back (0 for a record not written yet), else None."""
    return whole_number(text, low=0)


def record_ids(values: Iterable[object]) -> list[int]:
    """The ids among ``values`` (a form's ticked boxes), in order and without repeats; others dropped."""
    return list(dict.fromkeys(i for i in map(record_id, values) if i is not None))


def page_number(text: object) -> int:
    """A page of a paginated list: 1 to MAX_PAGE; anything else is page 1."""
    return whole_number(text, low=1, high=MAX_PAGE) or 1


def decimal(text: object, *, low: float, high: float) -> float | None:
    """A finite decimal from low to high (never nan or inf, whatever the spelling), else None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        value = float(text)
    elif isinstance(text, str) and _DECIMAL.fullmatch(text.strip()):
        value = float(text.strip())
    else:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def calendar_date(text: object) -> date | None:
    """A calendar date written YYYY-MM-DD (surrounding spaces allowed), else None (2031-02-30 too)."""
    if not isinstance(text, str) or not _DATE.fullmatch(text.strip()):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
