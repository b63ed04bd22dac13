"""Opening hours as staff type them (``09:30-12:00, 13:00-17:00``) <-> the solver's interval lists.

This module reads and writes the text only; the rules (clock times, intervals not empty, not reversed,
not overlapping; real dates) are the solver's reader's, asked through its partial checks and said in the
visitor's language by the adapter (``adapter.in_words``), so what passes here is what the solver accepts.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from festival.schedule import adapter

_PAIR = re.compile(r"^(\d{1,2}:\d{2})\s*[-–~至到]\s*(\d{1,2}:\d{2})$")
_SPLIT = re.compile(r"[,;，；\n]+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CLOSED_WORDS = {"closed", "休馆", "闭馆"}

Intervals = list[list[str]]


def _clock(text: str) -> str:
    return text if len(text) == 5 else f"0{text}"


def parse_intervals(text: str | None) -> Intervals:
    """``"09:30-12:00, 13:00-17:00"`` as ``[["09:30", "12:00"], ["13:00", "17:00"]]`` (empty = closed).

    The text is split into pairs here; whether they are opening hours (real clock times, not empty, not
    crossing midnight, not overlapping) is the solver's reader's to say (``adapter.intervals_error``).
    Raises ValueError with a message for the person who typed it."""
    pairs: Intervals = []
    for part in _SPLIT.split(text or ""):
        part = part.strip()
        if not part:
            continue
        match = _PAIR.match(part)
        if not match:
            raise ValueError(_("“%(part)s” is not an opening interval: write it as 09:30-17:00.", part=part))
        pairs.append([_clock(match.group(1)), _clock(match.group(2))])
    if message := adapter.intervals_error(pairs):
        raise ValueError(message)
    return sorted(pairs)


def format_intervals(intervals: Intervals | None) -> str:
    """The text form of an interval list."""
    return ", ".join(f"{a}-{b}" for a, b in intervals or [])


def _date(text: str) -> str:
    if not _DATE.match(text):
        raise ValueError(_("“%(text)s” is not a date: write it as 2021-04-05.", text=text))
    if message := adapter.date_error(text):
        raise ValueError(message)
    return text


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
    return {day: values.get(day, []) for day in adapter.WEEKDAYS}
