"""The festival's time: the one way an instant becomes an edition's local time, and back.

The database keeps aware instants (UTC). Everything a person reads or types, and every time in a solver
instance, is wall-clock time in the edition's own timezone (``Edition.timezone``, Asia/Shanghai by
default). ``DEFAULT_TIMEZONE`` serves only where no edition is in view (the admin's outbox, say).
Functions take the edition (or None) rather than a zone, so no page picks its own: anything that names its
zone as ``timezone`` will do (an ``Edition`` row, the programme feed's conference), which keeps this module
below the models.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.dates import format_skeleton as babel_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _

DEFAULT_TIMEZONE = "Asia/Shanghai"
# Zones people in the festival office call "Beijing time".
BEIJING_ZONES = ("Asia/Shanghai", "Asia/Chongqing", "PRC")


class Zoned(Protocol):
    """What the conversions read of an edition: the name of its timezone."""

    @property
    def timezone(self) -> str | None: ...


def now() -> datetime:
    """The current instant (aware, UTC): the one clock the rules read; tests replace it."""
    return datetime.now(UTC)


def zone_name(edition: Zoned | None) -> str:
    """The edition's timezone name (``Asia/Shanghai``), or the default one where no edition is in view."""
    return edition.timezone if edition is not None and edition.timezone else DEFAULT_TIMEZONE


def zone(edition: Zoned | None) -> ZoneInfo:
    """The edition's timezone, or the default one where no edition is in view."""
    return ZoneInfo(zone_name(edition))


def to_local(moment: datetime, edition: Zoned | None) -> datetime:
    """An aware instant as the edition's wall-clock time (aware, in the edition's zone)."""
    return moment.astimezone(zone(edition))


def from_local(wall: datetime, edition: Zoned | None) -> datetime:
    """A wall-clock time of the edition (naive, as typed in a form or read from an instance) as an aware
    instant; an aware value is kept as it is."""
    return wall if wall.tzinfo is not None else wall.replace(tzinfo=zone(edition))


def wall_clock(moment: datetime | None, edition: Zoned | None) -> datetime | None:
    """An aware instant as the edition's naive wall-clock time (for a datetime-local input)."""
    return None if moment is None else to_local(moment, edition).replace(tzinfo=None)


def at(day: date, clock: time, edition: Zoned | None) -> datetime:
    """The aware instant of a local date and time of day in the edition (seconds dropped)."""
    return datetime.combine(day, clock.replace(second=0, microsecond=0), tzinfo=zone(edition))


def day_start(day: date, edition: Zoned | None) -> datetime:
    """The aware instant when a local day begins in the edition."""
    return datetime.combine(day, time(0, 0), tzinfo=zone(edition))


def day_range(first: date, last: date, edition: Zoned | None) -> tuple[datetime, datetime]:
    """Aware [start, end) instants covering the local days first..last of the edition."""
    return day_start(first, edition), day_start(last + timedelta(days=1), edition)


def local_day(moment: datetime, edition: Zoned | None) -> date:
    """The edition's local date of an aware instant."""
    return to_local(moment, edition).date()


def today(edition: Zoned | None, moment: datetime | None = None) -> date:
    """The edition's local date now (or at ``moment``)."""
    return local_day(moment or now(), edition)


def format_local(moment: datetime | None, edition: Zoned | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """An aware instant as the edition's wall-clock time in the visitor's language ('' for None)."""
    if moment is None:
        return ""
    return format_datetime(moment, fmt, tzinfo=zone(edition), locale=str(get_locale() or "en"))


def format_skeleton(moment: datetime, edition: Zoned | None, skeleton: str) -> str:
    """An aware instant as the edition's wall-clock time, in the order and words of the visitor's language
    (a CLDR skeleton: ``MMMEd`` is "Mon, Apr 12" in English and "4月12日周一" in Chinese, ``Hm`` "10:03")."""
    return babel_skeleton(skeleton, moment, tzinfo=zone(edition), locale=str(get_locale() or "en"))


def timezone_label(edition: Zoned | None) -> str:
    """How the edition's timezone is named on pages: "Beijing time" for China's zone, else its name."""
    name = zone_name(edition)
    return _("Beijing time") if name in BEIJING_ZONES else name
