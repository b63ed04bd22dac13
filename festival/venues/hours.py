"""Opening hours as staff type them (``09:30-12:00, 13:00-17:00``) <-> the solver's interval lists.

The clock rules are the scheduler's own (``scheduler.parse_clock``: ``HH:MM``, a close may be
``24:00``), and the interval rules are the same as its reader's (not empty, not reversed, no overlap on
one day), so what passes here is what the solver accepts. Messages are in the visitor's language.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from scheduler import WEEKDAYS, parse_clock

_PAIR = re.compile(r"^(\d{1,2}:\d{2})\s*[-–~至到]\s*(\d{1,2}:\d{2})$")
_SPLIT = re.compile(r"[,;，；\n]+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CLOSED_WORDS = {"closed", "休馆", "闭馆"}

Intervals = list[list[str]]


def _clock(text: str) -> str:
    return text if len(text) == 5 else f"0{text}"


def parse_intervals(text: str | None) -> Intervals:
    """``"09:30-12:00, 13:00-17:00"`` as ``[["09:30", "12:00"], ["13:00", "17:00"]]`` (empty = closed).

    Raises ValueError with a message for the person who typed it."""
    pairs: list[tuple[int, int, str, str]] = []
    for part in _SPLIT.split(text or ""):
        part = part.strip()
        if not part:
            continue
        match = _PAIR.match(part)
        if not match:
            raise ValueError(_("“%(part)s” is not an opening interval: write it as 09:30-17:00.", part=part))
        start, end = _clock(match.group(1)), _clock(match.group(2))
        try:
            a = parse_clock(start)
        except ValueError:
            raise ValueError(_("“%(time)s” is not a time of day (00:00 to 23:59).", time=start)) from None
        try:
            b = parse_clock(end, allow_24=True)
        except ValueError:
            raise ValueError(_("“%(time)s” is not a closing time (00:01 to 24:00).", time=end)) from None
        if a == b:
            raise ValueError(_("%(start)s-%(end)s is empty: it closes when it opens.", start=start, end=end))
        if b < a:
            raise ValueError(
                _(
                    "%(start)s-%(end)s closes before it opens; an interval cannot cross midnight "
                    "(close at 24:00 at the latest).",
                    start=start,
                    end=end,
                )
            )
        pairs.append((a, b, start, end))
    pairs.sort()
    for (_a1, b1, s1, e1), (a2, _b2, s2, e2) in zip(pairs, pairs[1:], strict=False):
        if a2 < b1:
            raise ValueError(_("%(first)s overlaps %(second)s.", first=f"{s1}-{e1}", second=f"{s2}-{e2}"))
    return [[s, e] for _a, _b, s, e in pairs]


def format_intervals(intervals: Intervals | None) -> str:
    """The text form of an interval list."""
    return ", ".join(f"{a}-{b}" for a, b in intervals or [])


def _date(text: str) -> str:
    if not _DATE.match(text):
        raise ValueError(_("“%(text)s” is not a date: write it as 2021-04-05.", text=text))
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(_("%(text)s is not a real date.", text=text)) from None


def parse_dates(text: str | None) -> list[str]:
    """Dates separated by commas, spaces or lines, as a sorted list of ``YYYY-MM-DD`` without repeats."""
    found = {_date(part) for part in re.split(r"[\s,;，；]+", text or "") if part}
    return sorted(found)


def format_dates(dates: list[str] | None) -> str:
    """One date a line."""
    return "\n".join(dates or [])


def parse_special_hours(text: str | None) -> dict[str, Intervals]:
    """Lines ``2021-05-03 09:00-18:00`` (or ``2021-05-03 closed``) as ``{date: intervals}``."""
    out: dict[str, Intervals] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        head, _sep, rest = line.partition(" ")
        try:
            day = _date(head.rstrip(":"))
            rest = rest.strip().lstrip(":").strip()
            if not rest:
                raise ValueError(_("give the opening hours after the date, or the word closed."))
            hours = [] if rest.lower() in CLOSED_WORDS else parse_intervals(rest)
            if day in out:
                raise ValueError(_("%(day)s is listed twice.", day=day))
        except ValueError as exc:
            raise ValueError(_("Line %(n)s: %(problem)s", n=number, problem=str(exc))) from None
        out[day] = hours
    return dict(sorted(out.items()))


def format_special_hours(special: dict[str, Intervals] | None) -> str:
    """One ``date hours`` line per special date."""
    return "\n".join(
        f"{day} {format_intervals(iv) or 'closed'}" for day, iv in sorted((special or {}).items())
    )


def weekly_hours(values: dict[str, Intervals]) -> dict[str, Intervals]:
    """Hours for every weekday key, mon first (closed days as [])."""
    return {day: values.get(day, []) for day in WEEKDAYS}
