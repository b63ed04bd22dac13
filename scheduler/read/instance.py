"""Read an instance (``festival-schedule-instance/1`` or ``/2``) and check every rule of its format.

Version 2 adds keys to some objects (a venue's city, a theater's online window, a film's prints) and the
top-level ``transit_days``; a version-1 file is read as it always was (those keys are unknown there, so
ignored), which is what it means under version 2 too.

Each object of the format has one reader here (festival, venue, theater, film, weights, fixed and
previous screenings). ``parse_instance`` runs them all; the ``check_*`` functions run one of them on a
fragment (one venue's hours, one theater, one film...) so that the web app checks what staff type with
the very same rules and gets the same ``Problem`` values, without inventing a whole instance.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..data import (
    FORMATS,
    WEEKDAYS,
    Film,
    Instance,
    Interval,
    Screening,
    Theater,
    Venue,
    Weights,
    format_time,
)
from .jsonfile import load_json
from .limits import (
    MAX_COUNT,
    MAX_DAYS,
    MAX_FEATURES,
    MAX_MINUTES,
    MAX_NAME_LENGTH,
    MAX_OBJECTS,
    MAX_PENALTY,
    MAX_POPULARITY,
    MAX_PRINTS,
    MAX_SCREENINGS,
    MAX_SEATS,
    MAX_TRANSIT_DAYS,
    MAX_WEIGHT,
    MAX_WINDOW_MINUTES,
)
from .problems import FieldError, InstanceError, Problem, join, shown
from .values import Reading, parse_time

INSTANCE_FORMAT = "festival-schedule-instance/1"
INSTANCE_FORMAT_2 = "festival-schedule-instance/2"
VERSIONS = {INSTANCE_FORMAT: 1, INSTANCE_FORMAT_2: 2}  # format string -> version
LATEST = 2  # the version the partial checks (fragments typed in the web app) follow


# ---------------------------------------------------------------- venues


def _read_hours(r: Reading, hours: Any, path: str) -> tuple[tuple[Interval, ...], ...]:
    """A weekly hours object: ``{weekday: [[open, close], ...]}``, a missing weekday closed."""
    hours = r.mapping(hours, path) or {}
    for key in hours:
        if key not in WEEKDAYS:
            r.warn(join(path, key), "unknown_weekday", value=shown(key), weekdays=list(WEEKDAYS))
    return tuple(r.intervals(hours[w], join(path, w)) if w in hours else () for w in WEEKDAYS)


def _read_closed_dates(r: Reading, dates: Any, path: str) -> frozenset[int]:
    days = (r.date(text, join(path, i)) for i, text in enumerate(r.listed(dates, path)))
    return frozenset(d for d in days if d is not None)


def _read_special_hours(r: Reading, special: Any, path: str) -> dict[int, tuple[Interval, ...]]:
    out = {}
    for key, ivs in (r.mapping(special, path) or {}).items():
        d = r.date(key, join(path, key))
        ivs = r.intervals(ivs, join(path, key))
        if d is not None:
            out[d] = ivs
    return out


def _read_venue(r: Reading, v: dict, path: str) -> Venue | None:
    vid = r.ident(v, "id", join(path, "id"))
    name = r.string(v, "name", join(path, "name"), maximum=MAX_NAME_LENGTH)
    hours = _read_hours(r, v.get("hours"), join(path, "hours"))
    closed = _read_closed_dates(r, v.get("closed_dates"), join(path, "closed_dates"))
    special = _read_special_hours(r, v.get("special_hours"), join(path, "special_hours"))
    city = ""
    if r.version >= 2 and v.get("city") is not None:
        city = r.ident(v, "city", join(path, "city"))
    if vid is None or name is None or city is None:
        return None
    return Venue(vid, name, hours, closed, special, city)


# ---------------------------------------------------------------- theaters


def _read_strings(r: Reading, obj: dict, key: str, path: str, *, choices=None, required=False) -> frozenset:
    out = set()
    for i, s in enumerate(r.items(obj, key, path, required=required, maximum=MAX_FEATURES)):
        if not isinstance(s, str) or not s:
            r.error(join(path, i), "not_string", value=shown(s))
        elif len(s) > MAX_NAME_LENGTH:
            r.error(join(path, i), "too_long", length=len(s), maximum=MAX_NAME_LENGTH)
        elif choices is not None and s not in choices:
            r.error(join(path, i), "unknown_format", value=s, choices=list(choices))
        else:
            out.add(s)
    return frozenset(out)


def _read_unavailable(r: Reading, t: dict, path: str) -> tuple[Interval, ...]:
    blocks = []
    for i, u in enumerate(r.items(t, "unavailable", path)):
        p = join(path, i)
        if not isinstance(u, dict):
            r.error(p, "not_object")
            continue
        try:
            a = parse_time(u.get("start"))
        except FieldError as exc:
            r.failed(exc, join(p, "start"))
            continue
        try:
            b = parse_time(u.get("end"))
        except FieldError as exc:
            r.failed(exc, join(p, "end"))
            continue
        if b < a:
            r.error(join(p, "end"), "ends_before_start", start=u["start"], end=u["end"])
        elif b > a:  # an empty block is ignored
            blocks.append((a, b))
    return tuple(sorted(blocks))


def _read_theater(r: Reading, t: dict, path: str, venues: Collection[str] | None) -> Theater | None:
    tid = r.ident(t, "id", join(path, "id"))
    name = r.string(t, "name", join(path, "name"), maximum=MAX_NAME_LENGTH)
    venue = r.ident(t, "venue", join(path, "venue"))
    if venue is not None and venues is not None and venue not in venues:
        r.error(join(path, "venue"), "unknown_reference", kind="venue", value=venue)
        venue = None
    seats = r.integer(t, "seats", join(path, "seats"), positive=True, maximum=MAX_SEATS)
    formats = _read_strings(r, t, "formats", join(path, "formats"), choices=FORMATS, required=True)
    features = _read_strings(r, t, "features", join(path, "features"))
    changeover = r.integer(
        t, "changeover_minutes", join(path, "changeover_minutes"), default=0, maximum=MAX_MINUTES
    )
    step = r.integer(
        t,
        "start_step_minutes",
        join(path, "start_step_minutes"),
        default=5,
        positive=True,
        maximum=MAX_MINUTES,
    )
    blocks = _read_unavailable(r, t, join(path, "unavailable"))
    online, window = _read_online(r, t, path) if r.version >= 2 else (False, 0)
    if None in (tid, name, venue, seats, changeover, step, online, window):
        return None
    return Theater(tid, venue, name, seats, formats, features, changeover, step, blocks, online, window)


def _read_online(r: Reading, t: dict, path: str) -> tuple[bool | None, int | None]:
    """Version 2: whether the theater is an online channel, and its window (required when it is)."""
    online = t.get("online", False)
    if online is None:
        online = False
    if not isinstance(online, bool):
        r.error(join(path, "online"), "not_boolean", value=shown(online))
        return None, None
    if not online:
        return False, 0
    window = r.integer(
        t, "window_minutes", join(path, "window_minutes"), positive=True, maximum=MAX_WINDOW_MINUTES
    )
    return True, window


# ---------------------------------------------------------------- films


def _read_film(r: Reading, f: dict, path: str) -> Film | None:
    fid = r.ident(f, "id", join(path, "id"))
    title = r.string(f, "title", join(path, "title"), maximum=MAX_NAME_LENGTH)
    fmt = r.string(f, "format", join(path, "format"), maximum=MAX_NAME_LENGTH)
    if fmt is not None and fmt not in FORMATS:
        r.error(join(path, "format"), "unknown_format", value=fmt, choices=list(FORMATS))
        fmt = None
    runtime = r.integer(
        f, "runtime_minutes", join(path, "runtime_minutes"), positive=True, maximum=MAX_MINUTES
    )
    requires = _read_strings(r, f, "requires", join(path, "requires"))
    lo = r.integer(f, "min_screenings", join(path, "min_screenings"), default=1, maximum=MAX_COUNT)
    hi = r.integer(f, "max_screenings", join(path, "max_screenings"), default=lo, maximum=MAX_COUNT)
    if lo is not None and hi is not None and lo > hi:
        r.error(join(path, "min_screenings"), "min_above_max", min=lo, max=hi)
    per_day = r.integer(f, "max_per_day", join(path, "max_per_day"), default=1, maximum=MAX_COUNT)
    copies = r.integer(f, "copies", join(path, "copies"), default=1, maximum=MAX_COUNT)
    popularity = r.number(f.get("popularity", 0), join(path, "popularity"), maximum=MAX_POPULARITY)
    limits = []
    for key in ("not_before", "not_after"):
        value = f.get(key)
        limits.append(None if value is None else r.date(value, join(path, key)))
    if None not in limits and limits[1] < limits[0]:
        r.error(
            join(path, "not_after"), "dates_reversed", not_before=f["not_before"], not_after=f["not_after"]
        )
        limits[1] = None
    prints = None
    if r.version >= 2 and f.get("prints") is not None:
        prints = r.integer(f, "prints", join(path, "prints"), positive=True, maximum=MAX_PRINTS)
        if prints is None:
            return None
    if None in (fid, title, fmt, runtime, lo, hi, per_day, copies, popularity) or hi < lo:
        return None
    return Film(
        fid, title, fmt, runtime, requires, lo, hi, per_day, copies, popularity, limits[0], limits[1], prints
    )


def no_theater_problem(film: Film, path: str = "") -> Problem:
    """The warning for a film that no theater is equipped to show."""
    return Problem(
        path, "no_theater", {"film": film.id, "format": film.format, "features": sorted(film.requires)}
    )


# ---------------------------------------------------------------- weights, fixed and previous screenings


def _read_weights(r: Reading, w: dict) -> Weights:
    day_raw = r.obj(w, "day", "weights.day", required=False) or {}
    day = []
    for name in WEEKDAYS:
        value = r.number(day_raw[name], f"weights.day.{name}", maximum=MAX_WEIGHT) if name in day_raw else 1.0
        day.append(1.0 if value is None else value)
    dates = {}
    for key, value in (r.obj(w, "date", "weights.date", required=False) or {}).items():
        d = r.date(key, f"weights.date.{key}")
        value = r.number(value, f"weights.date.{key}", maximum=MAX_WEIGHT)
        if d is not None and value is not None:
            dates[d] = value
    hours = []
    for i, entry in enumerate(r.items(w, "hour", "weights.hour", maximum=MAX_MINUTES)):
        p = f"weights.hour[{i}]"
        if not (isinstance(entry, list) and len(entry) == 3):
            r.error(p, "not_hour_range")
            continue
        clocks = r.clock_range(entry[0], entry[1], p)
        if clocks is None:
            continue
        a, b = clocks
        value = r.number(entry[2], f"{p}[2]", maximum=MAX_WEIGHT)
        if b <= a:
            r.error(p, "range_empty", start=entry[0], end=entry[1])
        elif value is not None:
            hours.append((a, b, value))
    penalties = []
    for key, default in (("shortfall_penalty", 1_000_000), ("change_penalty", 0)):
        value = w.get(key, default)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            r.error(f"weights.{key}", "not_non_negative_integer", value=shown(value))
            value = default
        elif value > MAX_PENALTY:
            r.error(f"weights.{key}", "too_large", value=shown(value), maximum=MAX_PENALTY)
            value = default
        penalties.append(value)
    return Weights(tuple(day), dates, tuple(hours), penalties[0], penalties[1])


def _read_screenings(r: Reading, data: dict, key: str, films: set, theaters: set) -> tuple[Screening, ...]:
    seen: dict[tuple, int] = {}
    out = []
    for i, entry in enumerate(r.items(data, key, key, maximum=MAX_SCREENINGS)):
        p = join(key, i)
        if not isinstance(entry, dict):
            r.error(p, "not_object")
            continue
        film = r.ident(entry, "film", join(p, "film"))
        theater = r.ident(entry, "theater", join(p, "theater"))
        if film is not None and film not in films:
            r.error(join(p, "film"), "unknown_reference", kind="film", value=film)
        if theater is not None and theater not in theaters:
            r.error(join(p, "theater"), "unknown_reference", kind="theater", value=theater)
        try:
            start = parse_time(entry.get("start"))
        except FieldError as exc:
            r.failed(exc, join(p, "start"))
            continue
        if film is None or theater is None:
            continue
        k = (film, theater, start)
        if k in seen:
            r.error(p, "duplicate_screening", first=f"{key}[{seen[k]}]", film=film, theater=theater,
                    start=format_time(start))  # fmt: skip
            continue
        seen[k] = i
        out.append(Screening(start, theater, film))
    return tuple(out)


# ---------------------------------------------------------------- transit days (version 2)


def _read_transit(r: Reading, value: Any, path: str, cities: Collection[str] | None) -> tuple[int, dict]:
    """``{"default": days, "pairs": [[city_a, city_b, days], ...]}``: the default and the pairs, both
    directions. A pair naming a city of no venue is accepted with a warning (``cities``: the known ones)."""
    t = r.mapping(value, path) or {}
    default = r.integer(t, "default", join(path, "default"), default=1, maximum=MAX_TRANSIT_DAYS)
    pairs: dict[tuple[str, str], int] = {}
    first: dict[frozenset, str] = {}
    for i, entry in enumerate(r.items(t, "pairs", join(path, "pairs"))):
        p = join(join(path, "pairs"), i)
        if not (isinstance(entry, list) and len(entry) == 3):
            r.error(p, "not_transit_pair")
            continue
        a = r.ident({"city": entry[0]}, "city", join(p, 0))
        b = r.ident({"city": entry[1]}, "city", join(p, 1))
        days = r.integer({"days": entry[2]}, "days", join(p, 2), maximum=MAX_TRANSIT_DAYS)
        if a is None or b is None or days is None:
            continue
        if a == b:
            r.error(p, "same_city", city=a)
            continue
        key = frozenset((a, b))
        if key in first:
            r.error(p, "duplicate_pair", first=first[key], city_a=a, city_b=b)
            continue
        first[key] = p
        pairs[(a, b)] = pairs[(b, a)] = days
        for c, q in ((a, join(p, 0)), (b, join(p, 1))):
            if cities is not None and c not in cities:
                r.warn(q, "unknown_city", value=c)
    return (1 if default is None else default), pairs


# ---------------------------------------------------------------- the whole instance


def _read_list(r: Reading, data: dict, key: str, read) -> tuple[list, set[str]]:
    """The objects of a top-level list, each read by ``read(reading, object, path)`` (None where it is
    not valid), and their ids (unique: a repeated id is a problem)."""
    raw = r.items(data, key, key, required=True, maximum=MAX_OBJECTS)
    ids = r.ids(raw, key)
    objects = [
        read(r, obj, join(key, i)) for i, (obj, ident) in enumerate(zip(raw, ids, strict=True)) if ident
    ]
    return objects, {i for i in ids if i}


def parse_instance(data: Any) -> Instance:
    """Build an Instance from decoded JSON; raises InstanceError listing every problem."""
    r = Reading()
    if not isinstance(data, dict):
        raise InstanceError([Problem("", "not_object")])
    fmt = data.get("format", INSTANCE_FORMAT)
    if fmt not in VERSIONS:
        r.error("format", "wrong_format", value=shown(fmt), expected=" or ".join(VERSIONS))
    r.version = VERSIONS.get(fmt, 1)
    fest = r.obj(data, "festival", "festival") or {}
    name = r.string(fest, "name", "festival.name", maximum=MAX_NAME_LENGTH)
    tz = _read_timezone(r, fest.get("timezone"), "festival.timezone")
    first = r.date(fest.get("first_day"), "festival.first_day")
    last = r.date(fest.get("last_day"), "festival.last_day")
    if first is not None and last is not None and last < first:
        r.error("festival.last_day", "window_reversed", first=fest["first_day"], last=fest["last_day"])
    elif first is not None and last is not None and last - first + 1 > MAX_DAYS:
        r.error("festival.last_day", "window_too_long", days=last - first + 1, maximum=MAX_DAYS)
    venues, venue_ids = _read_list(r, data, "venues", _read_venue)
    theaters, theater_ids = _read_list(r, data, "theaters", lambda r, t, p: _read_theater(r, t, p, venue_ids))
    films, film_ids = _read_list(r, data, "films", _read_film)
    weights = _read_weights(r, r.obj(data, "weights", "weights", required=False) or {})
    fixed = _read_screenings(r, data, "fixed", film_ids, theater_ids)
    previous = _read_screenings(r, data, "previous", film_ids, theater_ids)
    transit_default, transit_pairs = 1, {}
    if r.version >= 2:
        cities = {v.city_name for v in venues if v is not None}
        transit_default, transit_pairs = _read_transit(r, data.get("transit_days"), "transit_days", cities)
    if r.errors:
        raise InstanceError(r.errors)
    theaters_t = tuple(t for t in theaters if t is not None)
    films_t = tuple(f for f in films if f is not None)
    for i, f in enumerate(films_t):
        if not any(f.format in t.formats and f.requires <= t.features for t in theaters_t):
            r.warnings.append(no_theater_problem(f, f"films[{i}]"))
    return Instance(
        name,
        tz,
        first,
        last,
        tuple(venues),
        theaters_t,
        films_t,
        fixed,
        previous,
        weights,
        tuple(r.warnings),
        r.version,
        transit_default,
        transit_pairs,
    )


def _read_timezone(r: Reading, value: Any, path: str) -> str:
    """An IANA timezone name; optional (the times of an instance are local wall-clock times anyway)."""
    if value is None:
        return ""
    if isinstance(value, str) and 0 < len(value) <= MAX_NAME_LENGTH:
        try:
            ZoneInfo(value)
            return value
        except (ZoneInfoNotFoundError, ValueError):
            pass
    r.error(path, "bad_timezone", value=shown(value))
    return ""


def read_instance(path) -> Instance:
    """Read an instance file; raises InstanceError (also for unreadable or non-JSON files)."""
    return parse_instance(load_json(path, InstanceError))


# ---------------------------------------------------------------- partial checks for the web app


def _check(read, *args, version: int = LATEST) -> list[Problem]:
    r = Reading(version)
    read(r, *args)
    return r.errors


def check_intervals(intervals: Any, path: str = "") -> list[Problem]:
    """Problems of one day's opening intervals (``[["09:30", "12:00"], ...]``)."""
    return _check(Reading.intervals, intervals, path)


def check_weekly_hours(hours: Any, path: str = "hours") -> list[Problem]:
    """Problems of a venue's weekly hours (``{"tue": [["09:30", "17:00"]], ...}``)."""
    return _check(_read_hours, hours, path)


def check_special_hours(special: Any, path: str = "special_hours") -> list[Problem]:
    """Problems of a venue's special hours (``{"2021-05-03": [["09:00", "18:00"]]}``)."""
    return _check(_read_special_hours, special, path)


def check_closed_dates(dates: Any, path: str = "closed_dates") -> list[Problem]:
    """Problems of a venue's closed dates (``["2021-04-06", ...]``)."""
    return _check(_read_closed_dates, dates, path)


def check_venue(venue: Any, path: str = "", *, version: int = LATEST) -> list[Problem]:
    """Problems of one venue object (id, weekly hours, closed dates, special hours; its city from version
    2 on)."""
    if not isinstance(venue, dict):
        return [Problem(path, "not_object")]
    return _check(_read_venue, venue, path, version=version)


def check_theater(
    theater: Any, path: str = "", *, venues: Collection[str] | None = None, version: int = LATEST
) -> list[Problem]:
    """Problems of one theater object (online and its window from version 2 on); its venue is checked
    against ``venues`` when given."""
    if not isinstance(theater, dict):
        return [Problem(path, "not_object")]
    return _check(_read_theater, theater, path, venues, version=version)


def check_film(film: Any, path: str = "", *, version: int = LATEST) -> list[Problem]:
    """Problems of one film object (format, runtime, counts, popularity, dates; prints from version 2
    on)."""
    if not isinstance(film, dict):
        return [Problem(path, "not_object")]
    return _check(_read_film, film, path, version=version)


def check_transit_days(
    transit: Any, path: str = "transit_days", *, cities: Collection[str] | None = None
) -> list[Problem]:
    """Problems of a version-2 ``transit_days`` object (default and city pairs); pairs naming a city
    outside ``cities`` (when given) are warnings of the whole instance, not problems here."""
    return _check(_read_transit, transit, path, cities)
