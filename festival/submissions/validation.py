"""Value rules shared by the entry forms (shape, next to the field) and the completeness check."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

RUNTIME_MIN, RUNTIME_MAX = 1, 600
FIRST_YEAR = 1950
URL_MAX = 500
SYNOPSIS_SHORT_MAX = 600
SYNOPSIS_LONG_MAX = 5000


def latest_year(now: datetime) -> int:
    """The latest sensible year of completion: next year (films finished for the festival)."""
    return now.year + 1


def url_problem(value: str | None) -> str | None:
    """Why a link is not acceptable (None when it is): absolute http(s) URLs with a host only."""
    if not value:
        return None
    if len(value) > URL_MAX:
        return _("Use at most %(n)d characters.", n=URL_MAX)
    if any(ch.isspace() for ch in value):
        return _("A link cannot contain spaces.")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return _("This is not a valid link.")
    if parts.scheme.lower() not in ("http", "https"):
        return _("Give a link starting with https:// (or http://).")
    if not host or "." not in host.strip("."):
        return _("The link needs a web address, e.g. https://vimeo.com/123456.")
    if parts.username or parts.password:
        return _("Do not put a user name or password in the link; use the screener password field.")
    return None


def email_problem(value: str | None) -> str | None:
    """Why an e-mail address is not acceptable (None when it is or when empty)."""
    if not value:
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return _("This is not a valid e-mail address: %(why)s", why=str(exc))
    return None


def runtime_problem(value: int | None) -> str | None:
    """Why a running time is not acceptable (None when it is or when empty)."""
    if value is not None and not RUNTIME_MIN <= value <= RUNTIME_MAX:
        return _("Give the running time in minutes, from %(lo)d to %(hi)d.", lo=RUNTIME_MIN, hi=RUNTIME_MAX)
    return None


def year_problem(value: int | None, now: datetime) -> str | None:
    """Why a year of completion is not acceptable (None when it is or when empty)."""
    if value is not None and not FIRST_YEAR <= value <= latest_year(now):
        return _("Give a year from %(lo)d to %(hi)d.", lo=FIRST_YEAR, hi=latest_year(now))
    return None
