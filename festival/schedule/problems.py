"""Problems of a timetable in words: the validator's violations said with titles, theater and venue names
and local times, in the reader's language.

The validator (``scheduler.check_screenings``) reports each broken rule as a value: its ``code`` (which check
of the rule), the screening that breaks it, the one it collides with, and the minutes and numbers involved.
``REASONS`` is the one translation table from a code to a sentence in plain words ("the museum is closed on
Mondays", "Galaxy Journey is already showing in the Dome Theater until 10:31…"); ``Namer`` fills it in for
one edition. Refused edits, publish problems and pin conflicts all go through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

import scheduler
from festival import localtime
from festival.extensions import db
from festival.labels import FORMAT_LABELS, event_title, film_title, label_of
from festival.models import Edition, Entry, ShortsProgramme, Theater, Venue
from festival.models.enums import FilmFormat
from festival.navigation import localized
from festival.schedule import adapter
from scheduler import DAY

RULE_LABELS = {
    "format": _l("Schedule format"),
    "known ids": _l("Accepted films and known theaters"),
    "compatibility": _l("Format and features"),
    "window": _l("Screening dates"),
    "opening hours": _l("Opening hours and theater blocks"),
    "start step": _l("Start times"),
    "one screening at a time": _l("One screening at a time (changeover)"),
    "copies": _l("Copies of a film"),
    "counts": _l("Number of screenings"),
    "pinned": _l("Pinned screenings"),
    "prints": _l("Prints of a film"),
}
BLOCKING = "hard_rule"
SHORTFALL = "shortfall"
# "closed on Mondays": a weekday's name in the plural, Monday first (scheduler.WEEKDAYS)
ON_WEEKDAYS = (
    _l("on Mondays"),
    _l("on Tuesdays"),
    _l("on Wednesdays"),
    _l("on Thursdays"),
    _l("on Fridays"),
    _l("on Saturdays"),
    _l("on Sundays"),
)


@dataclass(frozen=True)
class Problem:
    """One problem of a draft: ``kind`` is ``hard_rule`` (blocks publishing) or ``shortfall`` (warns).

    ``message`` says it all in one sentence; ``about`` is the screening it concerns and ``reason`` the rule in
    words (``message`` is the two together), ``code`` the validator's check (see docs/scheduler.md)."""

    kind: str
    message: str
    refs: tuple[str, ...] = ()
    rule: str | None = None
    code: str | None = None
    about: str | None = None
    reason: str | None = None

    @property
    def blocking(self) -> bool:
        return self.kind == BLOCKING

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS.get(self.rule or "", self.rule or ""))

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rule": self.rule,
            "code": self.code,
            "message": str(self.message),
            "refs": list(self.refs),
        }


class Namer:
    """Says the validator's ids and minutes in words for one edition: films by their title, theaters and
    venues by their names (in the reader's language), minutes as local dates and times."""

    def __init__(
        self,
        edition: Edition,
        entries: dict[int, Entry],
        theaters: dict[str, Theater],
        venues,
        programmes: dict[int, ShortsProgramme] | None = None,
    ):
        self.edition = edition
        self.entries = entries
        self.programmes = programmes or {}
        self.theaters = theaters
        self.venues: dict[str, Venue] = venues

    @classmethod
    def for_edition(cls, edition: Edition) -> Namer:
        """A namer knowing the edition's films (all of them: a refused film is named too), theaters and
        venues."""
        entries = {
            e.id: e for e in db.session.scalars(sa.select(Entry).where(Entry.edition_id == edition.id))
        }
        theaters = adapter.theater_map(edition)
        venues = {t.venue.code: t.venue for t in theaters.values()}
        stmt = sa.select(ShortsProgramme).where(ShortsProgramme.edition_id == edition.id)
        programmes = {p.id: p for p in db.session.scalars(stmt)}
        return cls(edition, entries, theaters, venues, programmes)

    # ------------------------------------------------------------ names

    def film(self, film_id: str) -> str:
        """A film's (or a shorts programme's) title in quotes (its id when the edition has no such film)."""
        entry = self.entries.get(adapter.entry_id_of(film_id) or 0)
        entry = entry or self.programmes.get(adapter.programme_id_of(film_id) or 0)
        return _("“%(title)s”", title=film_title(entry)) if entry is not None else film_id

    def theater(self, theater_id: str) -> str:
        theater = self.theaters.get(theater_id)
        return localized(theater, "name") if theater is not None else theater_id

    def venue(self, venue_id: str) -> str:
        venue = self.venues.get(venue_id)
        return localized(venue, "name") if venue is not None else venue_id

    def city(self, key: str) -> str:
        """A city of the instance (``adapter.city_key``) by its name: the edition's own city by its venue's
        name, another by its key with a capital (``hefei`` -> ``Hefei``)."""
        return city_name(key, self.venues.values())

    def moment(self, minute: int) -> datetime:
        """An absolute scheduler minute (local wall-clock time) as an aware instant."""
        return adapter.aware_from_minute(minute, self.edition)

    def clock(self, minute: int) -> str:
        """``10:03``."""
        return localtime.format_skeleton(self.moment(minute), self.edition, "Hm")

    def date(self, day: int) -> str:
        """A date ordinal as ``Mon, Apr 12`` (``4月12日周一``)."""
        return localtime.format_skeleton(self.moment(day * DAY), self.edition, "MMMEd")

    def when(self, minute: int) -> str:
        """``Mon, Apr 12 10:03``."""
        return _("%(date)s %(time)s", date=self.date(minute // DAY), time=self.clock(minute))

    def screening(self, s: scheduler.Screening) -> str:
        """``“Galaxy Journey”, Dome Theater, Mon, Apr 12 10:03``."""
        return _("%(film)s, %(theater)s, %(when)s", film=self.film(s.film), theater=self.theater(s.theater),
                 when=self.when(s.start))  # fmt: skip

    def block(self, theater_id: str, start: int, end: int) -> str:
        """What blocks a theater from ``start`` to ``end``: its events' titles (blocks are events), else
        "closed"."""
        theater = self.theaters.get(theater_id)
        a, b = self.moment(start), self.moment(end)
        labels = [
            event_title(e)
            for e in (adapter.placed_events(theater) if theater is not None else [])
            if e.start < b and a < e.end
        ]
        return ", ".join(dict.fromkeys(labels)) or _("closed")

    # ------------------------------------------------------------ violations

    def reason(self, v: scheduler.Violation) -> str:
        """The rule a violation breaks, in plain words (the validator's English for a code without words)."""
        say = REASONS.get(v.code)
        return say(self, v) if say is not None else v.message

    def refs(self, v: scheduler.Violation) -> tuple[str, ...]:
        """``film:<entry id>`` for every film the violation involves (a programme's own films for it)."""
        films = [s.film for s in (v.screening, v.other) if s is not None]
        if "film" in v.params:
            films.append(v.params["film"])
        ids = dict.fromkeys(adapter.entry_id_of(f) for f in films)
        for f in films:
            programme = self.programmes.get(adapter.programme_id_of(f) or 0)
            ids.update(dict.fromkeys(m.entry_id for m in programme.entries) if programme is not None else {})
        return tuple(f"film:{i}" for i in ids if i in self.entries)

    def problem(self, v: scheduler.Violation) -> Problem:
        """A blocking problem for one of the validator's violations."""
        reason = self.reason(v)
        about = self.screening(v.screening) if v.screening is not None else None
        message = _("%(screening)s: %(reason)s", screening=about, reason=reason) if about else reason
        return Problem(BLOCKING, message, self.refs(v), v.rule, v.code, about, reason)


def _unknown(n: Namer, v: scheduler.Violation) -> str:
    if "film" in v.params.get("unknown", ()):
        return _("%(film)s is not an accepted film of this edition.", film=n.film(v.screening.film))
    return _("this theater is not one of the edition's.")


def _closed(n: Namer, v: scheduler.Violation) -> str:
    venue, day = n.venue(v.params["venue"]), v.params["day"]
    if v.params.get("why") == "weekday":
        weekday = date.fromordinal(day).weekday()
        return _("%(venue)s is closed %(weekdays)s.", venue=venue, weekdays=ON_WEEKDAYS[weekday])
    return _("%(venue)s is closed on %(date)s.", venue=venue, date=n.date(day))


def _outside_hours(n: Namer, v: scheduler.Violation) -> str:
    hours = ", ".join(f"{n.clock(a)}–{n.clock(b)}" for a, b in v.params["hours"])
    return _(
        "%(venue)s is open %(hours)s on %(date)s; the screening would run %(start)s–%(end)s.",
        venue=n.venue(v.params["venue"]), hours=hours, date=n.date(v.params["day"]),
        start=n.clock(v.screening.start), end=n.clock(v.params["end"]),
    )  # fmt: skip


def _unavailable(n: Namer, v: scheduler.Violation) -> str:
    a, b = v.params["from"], v.params["until"]
    return _(
        "%(theater)s is blocked from %(start)s to %(end)s (%(what)s).",
        theater=n.theater(v.screening.theater), start=n.when(a),
        end=n.clock(b) if a // DAY == b // DAY else n.when(b), what=n.block(v.screening.theater, a, b),
    )  # fmt: skip


def _start_step(n: Namer, v: scheduler.Violation) -> str:
    step, start = v.params["step"], v.screening.start
    earlier = start - (start % DAY) % step
    return _(
        "screenings in %(theater)s start on its %(step)s-minute step (%(earlier)s or %(later)s), "
        "not at %(start)s.",
        theater=n.theater(v.screening.theater), step=step, earlier=n.clock(earlier),
        later=n.clock(earlier + step), start=n.clock(start),
    )  # fmt: skip


def _overlap(n: Namer, v: scheduler.Violation) -> str:
    return _(
        "%(film)s is already showing in %(theater)s until %(end)s; with the %(changeover)s-minute changeover "
        "the next screening can start at %(free)s.",
        film=n.film(v.other.film), theater=n.theater(v.other.theater), end=n.clock(v.params["end"]),
        changeover=v.params["changeover"], free=n.clock(v.params["free"]),
    )  # fmt: skip


def _copies(n: Namer, v: scheduler.Violation) -> str:
    return ngettext(
        "%(film)s has %(num)d copy, but %(running)s screenings would run at once at %(when)s.",
        "%(film)s has %(num)d copies, but %(running)s screenings would run at once at %(when)s.",
        v.params["copies"], film=n.film(v.params["film"]), running=v.params["running"],
        when=n.when(v.params["at"]),
    )  # fmt: skip


def _max_screenings(n: Namer, v: scheduler.Violation) -> str:
    return ngettext(
        "%(film)s would have %(count)s screenings; it may have %(num)d.",
        "%(film)s would have %(count)s screenings; it may have %(num)d at most.",
        v.params["max"], film=n.film(v.params["film"]), count=v.params["count"],
    )  # fmt: skip


def _max_per_day(n: Namer, v: scheduler.Violation) -> str:
    return ngettext(
        "%(film)s would be shown %(count)s times on %(date)s; it may be shown %(num)d time a day.",
        "%(film)s would be shown %(count)s times on %(date)s; it may be shown %(num)d times a day.",
        v.params["max"], film=n.film(v.params["film"]), count=v.params["count"], date=n.date(v.params["day"]),
    )  # fmt: skip


def _wrong_format(n: Namer, v: scheduler.Violation) -> str:
    return _(
        "%(theater)s cannot show %(format)s films.",
        theater=n.theater(v.screening.theater),
        format=label_of(FORMAT_LABELS, _format(v.params["format"])),
    )


def _missing_features(n: Namer, v: scheduler.Violation) -> str:
    return _(
        "%(theater)s lacks %(features)s, which %(film)s needs.",
        theater=n.theater(v.screening.theater),
        features=", ".join(v.params["missing"]),
        film=n.film(v.screening.film),
    )


def _festival_window(n: Namer, v: scheduler.Violation) -> str:
    first, last = n.date(v.params["first_day"]), n.date(v.params["last_day"])
    return _("the festival runs from %(first)s to %(last)s.", first=first, last=last)


def _not_before(n: Namer, v: scheduler.Violation) -> str:
    film, day = n.film(v.screening.film), n.date(v.params["day"])
    return _("%(film)s may not be shown before %(date)s.", film=film, date=day)


def _not_after(n: Namer, v: scheduler.Violation) -> str:
    film, day = n.film(v.screening.film), n.date(v.params["day"])
    return _("%(film)s may not be shown after %(date)s.", film=film, date=day)


def _online_window(n: Namer, v: scheduler.Violation) -> str:
    return _(
        "its online window would end at %(end)s, after the festival's last day, %(last)s.",
        end=n.when(v.params["end"]), last=n.date(v.params["last_day"]),
    )  # fmt: skip


def _print_missing(_n: Namer, v: scheduler.Violation) -> str:
    return ngettext(
        "it must name the film's print (it has %(num)d).",
        "it must name one of the film's %(num)d prints.",
        v.params["prints"],
    )


def _print_out_of_range(_n: Namer, v: scheduler.Violation) -> str:
    return ngettext(
        "print %(print)s is not the film's print: it has %(num)d.",
        "print %(print)s is not one of the film's %(num)d prints.",
        v.params["prints"], print=v.print,
    )  # fmt: skip


def _print_not_needed(n: Namer, v: scheduler.Violation) -> str:
    if getattr(n.theaters.get(v.screening.theater), "online", False):
        return _("an online screening uses no print.")
    return _("the film has no prints, so a screening names none.")


def _print_overlap(n: Namer, v: scheduler.Violation) -> str:
    return _(
        "print %(print)s of %(film)s also shows at %(other)s, at the same time: one print cannot be in two "
        "places.",
        print=v.print, film=n.film(v.screening.film), other=n.screening(v.other),
    )  # fmt: skip


def _print_transit(n: Namer, v: scheduler.Violation) -> str:
    """The tour the screenings would break: where the print is until when, and from when the next city
    can have it (``v.screening`` is the earlier of the two, ``v.other`` the next on the same print)."""
    here, there = v.screening.start // DAY, v.other.start // DAY
    return ngettext(
        "print %(print)s of %(film)s is in %(city_a)s until %(until)s; %(city_b)s can have it from %(ready)s "
        "(%(num)d day of transit), not on %(there)s.",
        "print %(print)s of %(film)s is in %(city_a)s until %(until)s; %(city_b)s can have it from %(ready)s "
        "(%(num)d days of transit), not on %(there)s.",
        v.params["days_needed"], print=v.print, film=n.film(v.screening.film),
        city_a=n.city(v.params["city_a"]), city_b=n.city(v.params["city_b"]), until=n.date(here),
        ready=n.date(here + v.params["days_needed"]), there=n.date(there),
    )  # fmt: skip


def city_name(key: str, venues: Iterable[Venue]) -> str:
    """How people call a city of the solver's instance: the edition's own city (``adapter.HOME_CITY``,
    the venues with no city) by its first venue's name, another by its key with a capital."""
    if key == adapter.HOME_CITY:
        home = [v for v in venues if not v.city]
        return localized(home[0], "name") if home else _("the festival's city")
    return key[:1].upper() + key[1:]


def _pin_missing(_n: Namer, _v: scheduler.Violation) -> str:
    return _("it is pinned: unpin it first if it really has to change.")


# The one translation table: the validator's code -> the rule in plain words.
REASONS: dict[str, Callable[[Namer, scheduler.Violation], str]] = {
    "unknown_ids": _unknown,
    "wrong_format": _wrong_format,
    "missing_features": _missing_features,
    "festival_window": _festival_window,
    "film_not_before": _not_before,
    "film_not_after": _not_after,
    "closed": _closed,
    "outside_hours": _outside_hours,
    "unavailable": _unavailable,
    "start_step": _start_step,
    "overlap": _overlap,
    "copies": _copies,
    "max_screenings": _max_screenings,
    "max_per_day": _max_per_day,
    "pin_missing": _pin_missing,
    "online_window": _online_window,
    "print_missing": _print_missing,
    "print_out_of_range": _print_out_of_range,
    "print_not_needed": _print_not_needed,
    "print_overlap": _print_overlap,
    "print_transit": _print_transit,
}


def _format(value: str):
    try:
        return FilmFormat(value)
    except ValueError:
        return value


# ---------------------------------------------------------------- why a film falls short of its minimum


def _dates(n: Namer, w: scheduler.Why) -> dict:
    return {"first": n.date(w.params["first"]), "last": n.date(w.params["last"])}


def _theaters(n: Namer, w: scheduler.Why) -> dict:
    fmt = _format(w.params["format"])
    return {
        "format": label_of(FORMAT_LABELS, fmt) if isinstance(fmt, FilmFormat) else fmt,
        "theaters": ", ".join(n.theater(t) for t in w.params["theaters"]),
    }


def _duration(minutes: int) -> str:
    return _("%(hours)s h %(minutes)s min", hours=minutes // 60, minutes=minutes % 60)


def _short_no_theater(n: Namer, w: scheduler.Why) -> str:
    fmt = _format(w.params["format"])
    return _(
        "No theater can show %(format)s films with the features it needs (%(features)s).",
        format=label_of(FORMAT_LABELS, fmt) if isinstance(fmt, FilmFormat) else fmt,
        features=", ".join(w.params["features"]) or _("none"),
    )


def _short_cannot_screen(_n: Namer, w: scheduler.Why) -> str:
    if w.params["which"] == "copies":
        return _("It has no copy to show.")
    return _("It may be shown 0 times a day.")


def _short_max_below_min(_n: Namer, w: scheduler.Why) -> str:
    return _(
        "Its maximum, %(max)s screenings, is below its minimum, %(min)s.",
        max=w.params["max"],
        min=w.params["min"],
    )


def _short_no_dates(n: Namer, w: scheduler.Why) -> str:
    def limit(day: int | None) -> str:
        return _("no limit") if day is None else n.date(day)

    return _(
        "Its allowed dates (%(from)s to %(to)s) do not meet the festival (%(first)s to %(last)s).",
        **{"from": limit(w.params["not_before"]), "to": limit(w.params["not_after"])},
        first=n.date(w.params["first_day"]), last=n.date(w.params["last_day"]),
    )  # fmt: skip


def _short_no_long_stretch(n: Namer, w: scheduler.Why) -> str:
    return _(
        "No theater able to show it (%(theaters)s) is open %(runtime)s minutes in a row between %(first)s "
        "and %(last)s.",
        theaters=", ".join(n.theater(t) for t in w.params["theaters"]), runtime=w.params["runtime"],
        **_dates(n, w),
    )  # fmt: skip


def _short_too_few_days(n: Namer, w: scheduler.Why) -> str:
    return ngettext(
        "Only %(num)d day between %(first)s and %(last)s can hold it, at most %(per_day)s a day: "
        "%(most)s screenings at most.",
        "Only %(num)d days between %(first)s and %(last)s can hold it, at most %(per_day)s a day: "
        "%(most)s screenings at most.",
        w.params["days"], per_day=w.params["max_per_day"], most=w.params["most"], **_dates(n, w),
    )  # fmt: skip


def _short_capacity(n: Namer, w: scheduler.Why) -> str:
    return ngettext(
        "The %(format)s theaters (%(theaters)s) are free %(available)s between %(first)s and %(last)s, but "
        "%(num)d film needs %(needed)s of screen time there.",
        "The %(format)s theaters (%(theaters)s) are free %(available)s between %(first)s and %(last)s, but "
        "%(num)d films need %(needed)s of screen time there.",
        w.params["films"], available=_duration(w.params["available"]), needed=_duration(w.params["needed"]),
        **_theaters(n, w), **_dates(n, w),
    )  # fmt: skip


def _short_taken(n: Namer, w: scheduler.Why) -> str:
    values = {
        **_theaters(n, w),
        **_dates(n, w),
        "scheduled": w.params["scheduled"],
        "minimum": w.params["minimum"],
    }
    if w.params.get("prints") is not None:
        return _(
            "The time of the %(format)s theaters (%(theaters)s) from %(first)s to %(last)s is taken by "
            "pinned or more-visited screenings, or its prints cannot reach the free places in time "
            "(%(scheduled)s of %(minimum)s placed).",
            **values,
        )
    return _(
        "The time of the %(format)s theaters (%(theaters)s) from %(first)s to %(last)s is taken by pinned or "
        "more-visited screenings (%(scheduled)s of %(minimum)s placed).",
        **values,
    )


# The one translation table of the shortfall reasons: the explainer's code -> a sentence.
SHORTFALL_REASONS: dict[str, Callable[[Namer, scheduler.Why], str]] = {
    "no_theater": _short_no_theater,
    "cannot_screen": _short_cannot_screen,
    "max_below_min": _short_max_below_min,
    "no_dates": _short_no_dates,
    "no_long_stretch": _short_no_long_stretch,
    "too_few_days": _short_too_few_days,
    "capacity": _short_capacity,
    "taken": _short_taken,
}


def shortfall_words(namer: Namer, why: scheduler.Why) -> str:
    """Why a film falls short of its minimum, in the reader's language (the explainer's English for a code
    without words)."""
    say = SHORTFALL_REASONS.get(why.code)
    return say(namer, why) if say is not None else why.message
