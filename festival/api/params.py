"""The API's query parameters, read strictly: a value that cannot be read is a 400 naming the
parameter, never a 500 and never silently ignored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import request
from flask_babel import gettext as _

from festival import params
from festival.api.errors import BadParameter

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


def whole_number(name: str, *, low: int = 1, high: int = params.MAX_ID) -> int | None:
    """The parameter as a whole number from ``low`` to ``high``, or None when it is absent or empty.

    Raises BadParameter naming the parameter for anything else (signs, decimals, words, huge numbers)."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    value = params.whole_number(raw, low=low, high=high)
    if value is None:
        raise BadParameter(
            _("%(name)s must be a whole number from %(low)d to %(high)d.", name=name, low=low, high=high),
            parameter=name,
        )
    return value


def day(name: str = "day") -> date | None:
    """The parameter as a calendar date (YYYY-MM-DD), or None when absent or empty."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    value = params.calendar_date(raw)
    if value is None:
        raise BadParameter(_("%(name)s must be a date written YYYY-MM-DD.", name=name), parameter=name)
    return value


def choice(name: str, allowed: list[str]) -> str | None:
    """The parameter as one of ``allowed``, or None when absent or empty."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if raw not in allowed:
        raise BadParameter(
            _("%(name)s must be one of: %(values)s.", name=name, values=", ".join(allowed)), parameter=name
        )
    return raw


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int


def paging() -> Paging:
    """``page`` (from 1) and ``per_page`` (1 to MAX_PER_PAGE, default DEFAULT_PER_PAGE)."""
    return Paging(
        page=whole_number("page") or 1,
        per_page=whole_number("per_page", high=MAX_PER_PAGE) or DEFAULT_PER_PAGE,
    )
