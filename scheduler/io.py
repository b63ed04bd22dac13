"""Read and write the JSON formats of the spec, with precise messages for bad files."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from .data import (
    DAY,
    FORMATS,
    WEEKDAYS,
    Film,
    Instance,
    Interval,
    Schedule,
    Screening,
    Shortfall,
    Theater,
    Venue,
    Weights,
    format_date,
    format_time,
)

INSTANCE_FORMAT = "festival-schedule-instance/1"
SCHEDULE_FORMAT = "festival-schedule/1"
_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")
_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$")
_MISSING = object()


class InstanceError(ValueError):
    """A malformed instance; ``errors`` lists one message per problem, each naming the field."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def parse_date(text: object) -> int:
    """``YYYY-MM-DD`` as a day ordinal; raises ValueError."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError("must be a date YYYY-MM-DD")
    try:
        return date.fromisoformat(text).toordinal()
    except ValueError:
        raise ValueError("must be a real date YYYY-MM-DD") from None


def parse_clock(text: object, *, allow_24: bool = False) -> int:
    """``HH:MM`` as minutes after midnight (``24:00`` only when allowed); raises ValueError."""
    m = _CLOCK.match(text) if isinstance(text, str) else None
    if not m:
        raise ValueError("must be a clock time HH:MM")
    h, mi = int(m.group(1)), int(m.group(2))
    if (h, mi) == (24, 0) and allow_24:
        return DAY
    if h > 23 or mi > 59:
        raise ValueError("must be a clock time between 00:00 and 23:59" + (" or 24:00" if allow_24 else ""))
    return h * 60 + mi


def parse_time(text: object) -> int:
    """``YYYY-MM-DDTHH:MM`` as an absolute minute; raises ValueError."""
    m = _TIME.match(text) if isinstance(text, str) else None
    if not m:
        raise ValueError("must be a time YYYY-MM-DDTHH:MM")
    day = parse_date(m.group(1))
    h, mi = int(m.group(2)), int(m.group(3))
    if h > 23 or mi > 59:
        raise ValueError("must be a time of day between 00:00 and 23:59")
    return day * DAY + h * 60 + mi


class _Reader:
    """Collects every problem of an instance instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def obj(self, parent: dict, key: str, path: str, *, required: bool = True) -> dict | None:
        value = parent.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.error(path, "is required")
            return None
        if not isinstance(value, dict):
            self.error(path, "must be an object")
            return None
        return value

    def items(self, parent: dict, key: str, path: str, *, required: bool = False) -> list:
        value = parent.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.error(path, "is required")
            return []
        if not isinstance(value, list):
            self.error(path, "must be a list")
            return []
        return value

    def string(self, parent: dict, key: str, path: str, *, default: Any = _MISSING) -> str | None:
        value = parent.get(key, _MISSING)
        if value is _MISSING or (value is None and default is not _MISSING):
            if default is _MISSING:
                self.error(path, "is required")
                return None
            return default
        if not isinstance(value, str) or not value:
            self.error(path, "must be a non-empty string")
            return None
        return value

    def integer(self, parent: dict, key: str, path: str, *, default: Any = _MISSING, positive=False):
        value = parent.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.error(path, "is required")
            return default if default is not _MISSING else None
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and (value > 0 if positive else value >= 0):
            return value
        self.error(path, "must be a positive integer" if positive else "must be a non-negative integer")
        return None

    def number(self, value: Any, path: str) -> float | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < float("inf"):
            return value
        self.error(path, "must be a non-negative number")
        return None

    def date(self, value: Any, path: str) -> int | None:
        try:
            return parse_date(value)
        except ValueError as exc:
            self.error(path, str(exc))
            return None

    def ids(self, entries: list, path: str) -> list[str | None]:
        """The id of every entry (None where missing/empty/duplicated), reporting each problem."""
        seen: dict[str, int] = {}
        result: list[str | None] = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                self.error(f"{path}[{i}]", "must be an object")
                result.append(None)
                continue
            ident = self.string(entry, "id", f"{path}[{i}].id")
            if ident is not None and ident in seen:
                self.error(f"{path}[{i}].id", f"duplicates {path}[{seen[ident]}].id {ident!r}")
                ident = None
            elif ident is not None:
                seen[ident] = i
            result.append(ident)
        return result

    def intervals(self, value: Any, path: str) -> tuple[Interval, ...]:
        """Opening intervals of one day: each [open, close], non-empty, not crossing midnight, disjoint."""
        if not isinstance(value, list):
            self.error(path, "must be a list of [open, close] pairs")
            return ()
        result: list[tuple[int, int, int]] = []
        for i, pair in enumerate(value):
            p = f"{path}[{i}]"
            if not (isinstance(pair, list) and len(pair) == 2):
                self.error(p, "must be a pair [open, close]")
                continue
            try:
                a = parse_clock(pair[0])
                b = parse_clock(pair[1], allow_24=True)
            except ValueError as exc:
                self.error(p, str(exc))
                continue
            if a == b:
                self.error(p, f"empty opening interval {pair[0]}-{pair[1]}")
            elif b < a:
                self.error(
                    p, f"reversed or crosses midnight: {pair[0]}-{pair[1]} (close at 24:00 at the latest)"
                )
            else:
                result.append((a, b, i))
        result.sort()
        for (_a1, b1, i1), (a2, _b2, i2) in zip(result, result[1:], strict=False):
            if a2 < b1:
                self.error(f"{path}[{max(i1, i2)}]", f"overlaps {path}[{min(i1, i2)}] on the same day")
        return tuple((a, b) for a, b, _ in result)


def _read_venue(r: _Reader, v: dict, vid: str, path: str) -> Venue:
    hours_raw = r.obj(v, "hours", f"{path}.hours", required=False) or {}
    for key in hours_raw:
        if key not in WEEKDAYS:
            r.warnings.append(f"{path}.hours.{key}: unknown weekday key ignored (use {' '.join(WEEKDAYS)})")
    hours = tuple(r.intervals(hours_raw[w], f"{path}.hours.{w}") if w in hours_raw else () for w in WEEKDAYS)
    closed = set()
    for i, text in enumerate(r.items(v, "closed_dates", f"{path}.closed_dates")):
        d = r.date(text, f"{path}.closed_dates[{i}]")
        if d is not None:
            closed.add(d)
    special = {}
    for key, ivs in (r.obj(v, "special_hours", f"{path}.special_hours", required=False) or {}).items():
        d = r.date(key, f"{path}.special_hours.{key}")
        ivs = r.intervals(ivs, f"{path}.special_hours.{key}")
        if d is not None:
            special[d] = ivs
    name = v.get("name") if isinstance(v.get("name"), str) else vid
    return Venue(vid, name, hours, frozenset(closed), special)


def _read_strings(r: _Reader, obj: dict, key: str, path: str, *, choices=None, required=False) -> frozenset:
    values = r.items(obj, key, path, required=required)
    out = set()
    for i, s in enumerate(values):
        if not isinstance(s, str) or not s:
            r.error(f"{path}[{i}]", "must be a non-empty string")
        elif choices is not None and s not in choices:
            r.error(f"{path}[{i}]", f"unknown format {s!r} (one of {', '.join(choices)})")
        else:
            out.add(s)
    return frozenset(out)


def _read_theater(r: _Reader, t: dict, tid: str, path: str, venue_ids: set) -> Theater | None:
    venue = r.string(t, "venue", f"{path}.venue")
    if venue is not None and venue not in venue_ids:
        r.error(f"{path}.venue", f"unknown venue {venue!r}")
    seats = r.integer(t, "seats", f"{path}.seats", positive=True)
    formats = _read_strings(r, t, "formats", f"{path}.formats", choices=FORMATS, required=True)
    features = _read_strings(r, t, "features", f"{path}.features")
    changeover = r.integer(t, "changeover_minutes", f"{path}.changeover_minutes", default=0)
    step = r.integer(t, "start_step_minutes", f"{path}.start_step_minutes", default=5, positive=True)
    blocks = []
    for i, u in enumerate(r.items(t, "unavailable", f"{path}.unavailable")):
        p = f"{path}.unavailable[{i}]"
        if not isinstance(u, dict):
            r.error(p, "must be an object with start and end")
            continue
        try:
            a = parse_time(u.get("start"))
        except ValueError as exc:
            r.error(f"{p}.start", str(exc))
            continue
        try:
            b = parse_time(u.get("end"))
        except ValueError as exc:
            r.error(f"{p}.end", str(exc))
            continue
        if b < a:
            r.error(f"{p}.end", f"ends before it starts ({u['end']} < {u['start']})")
        elif b > a:
            blocks.append((a, b))
    if None in (venue, seats, changeover, step) or venue not in venue_ids:
        return None
    name = t.get("name") if isinstance(t.get("name"), str) else tid
    return Theater(tid, venue, name, seats, formats, features, changeover, step, tuple(sorted(blocks)))


def _read_film(r: _Reader, f: dict, fid: str, path: str) -> Film | None:
    fmt = r.string(f, "format", f"{path}.format")
    if fmt is not None and fmt not in FORMATS:
        r.error(f"{path}.format", f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
        fmt = None
    runtime = r.integer(f, "runtime_minutes", f"{path}.runtime_minutes", positive=True)
    requires = _read_strings(r, f, "requires", f"{path}.requires")
    lo = r.integer(f, "min_screenings", f"{path}.min_screenings", default=1)
    hi = r.integer(f, "max_screenings", f"{path}.max_screenings", default=lo)
    if lo is not None and hi is not None and lo > hi:
        r.error(f"{path}.min_screenings", f"min_screenings {lo} is greater than max_screenings {hi}")
    per_day = r.integer(f, "max_per_day", f"{path}.max_per_day", default=1)
    copies = r.integer(f, "copies", f"{path}.copies", default=1)
    popularity = f.get("popularity", 0)
    popularity = r.number(popularity, f"{path}.popularity")
    limits = []
    for key in ("not_before", "not_after"):
        value = f.get(key)
        limits.append(None if value is None else r.date(value, f"{path}.{key}"))
    if None in (fmt, runtime, lo, hi, per_day, copies, popularity) or (lo is not None and hi < lo):
        return None
    title = f.get("title") if isinstance(f.get("title"), str) else fid
    return Film(fid, title, fmt, runtime, requires, lo, hi, per_day, copies, popularity, limits[0], limits[1])


def _read_weights(r: _Reader, w: dict) -> Weights:
    day_raw = r.obj(w, "day", "weights.day", required=False) or {}
    day = []
    for name in WEEKDAYS:
        value = r.number(day_raw[name], f"weights.day.{name}") if name in day_raw else 1.0
        day.append(1.0 if value is None else value)
    dates = {}
    for key, value in (r.obj(w, "date", "weights.date", required=False) or {}).items():
        d = r.date(key, f"weights.date.{key}")
        value = r.number(value, f"weights.date.{key}")
        if d is not None and value is not None:
            dates[d] = value
    hours = []
    for i, entry in enumerate(r.items(w, "hour", "weights.hour")):
        p = f"weights.hour[{i}]"
        if not (isinstance(entry, list) and len(entry) == 3):
            r.error(p, "must be [from, to, weight]")
            continue
        try:
            a = parse_clock(entry[0])
            b = parse_clock(entry[1], allow_24=True)
        except ValueError as exc:
            r.error(p, str(exc))
            continue
        value = r.number(entry[2], f"{p}[2]")
        if b <= a:
            r.error(p, f"empty or reversed range {entry[0]}-{entry[1]}")
        elif value is not None:
            hours.append((a, b, value))
    penalties = []
    for key, default in (("shortfall_penalty", 1_000_000), ("change_penalty", 0)):
        value = w.get(key, default)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            r.error(f"weights.{key}", "must be a non-negative integer")
            value = default
        penalties.append(value)
    return Weights(tuple(day), dates, tuple(hours), penalties[0], penalties[1])


def _read_screenings(r: _Reader, data: dict, key: str, films: dict, theaters: dict) -> tuple[Screening, ...]:
    seen: dict[tuple, int] = {}
    out = []
    for i, entry in enumerate(r.items(data, key, key)):
        p = f"{key}[{i}]"
        if not isinstance(entry, dict):
            r.error(p, "must be an object with film, theater and start")
            continue
        film = r.string(entry, "film", f"{p}.film")
        theater = r.string(entry, "theater", f"{p}.theater")
        if film is not None and film not in films:
            r.error(f"{p}.film", f"unknown film {film!r}")
        if theater is not None and theater not in theaters:
            r.error(f"{p}.theater", f"unknown theater {theater!r}")
        try:
            start = parse_time(entry.get("start"))
        except ValueError as exc:
            r.error(f"{p}.start", str(exc))
            continue
        if film is None or theater is None:
            continue
        k = (film, theater, start)
        if k in seen:
            r.error(p, f"duplicates {key}[{seen[k]}] ({film} in {theater} at {entry['start']})")
            continue
        seen[k] = i
        out.append(Screening(start, theater, film))
    return tuple(out)


def parse_instance(data: Any) -> Instance:
    """Build an Instance from decoded JSON; raises InstanceError listing every malformed field."""
    r = _Reader()
    if not isinstance(data, dict):
        raise InstanceError(["(top level): must be a JSON object"])
    fmt = data.get("format", INSTANCE_FORMAT)
    if fmt != INSTANCE_FORMAT:
        r.error("format", f"must be {INSTANCE_FORMAT!r}, not {fmt!r}")
    fest = r.obj(data, "festival", "festival") or {}
    first = r.date(fest.get("first_day"), "festival.first_day")
    last = r.date(fest.get("last_day"), "festival.last_day")
    if first is not None and last is not None and last < first:
        r.error("festival.last_day", "is before festival.first_day")
    venues_raw = r.items(data, "venues", "venues", required=True)
    venue_ids = r.ids(venues_raw, "venues")
    venues = [
        _read_venue(r, v, vid, f"venues[{i}]")
        for i, (v, vid) in enumerate(zip(venues_raw, venue_ids, strict=False))
        if vid
    ]
    theaters_raw = r.items(data, "theaters", "theaters", required=True)
    theater_ids = r.ids(theaters_raw, "theaters")
    known_venues = {v.id for v in venues}
    theaters = [
        _read_theater(r, t, tid, f"theaters[{i}]", known_venues)
        for i, (t, tid) in enumerate(zip(theaters_raw, theater_ids, strict=False))
        if tid
    ]
    films_raw = r.items(data, "films", "films", required=True)
    film_ids = r.ids(films_raw, "films")
    films = [
        _read_film(r, f, fid, f"films[{i}]")
        for i, (f, fid) in enumerate(zip(films_raw, film_ids, strict=False))
        if fid
    ]
    weights_raw = r.obj(data, "weights", "weights", required=False) or {}
    weights = _read_weights(r, weights_raw)
    fixed = _read_screenings(r, data, "fixed", set(film_ids), set(theater_ids))
    previous = _read_screenings(r, data, "previous", set(film_ids), set(theater_ids))
    if r.errors:
        raise InstanceError(r.errors)
    theaters_t = tuple(t for t in theaters if t is not None)
    films_t = tuple(f for f in films if f is not None)
    for i, f in enumerate(films_t):
        if not any(f.format in t.formats and f.requires <= t.features for t in theaters_t):
            r.warnings.append(f"films[{i}] ({f.id}): {no_theater_reason(f)}")
    name = fest.get("name") if isinstance(fest.get("name"), str) else ""
    tz = fest.get("timezone") if isinstance(fest.get("timezone"), str) else ""
    return Instance(
        name, tz, first, last, tuple(venues), theaters_t, films_t, fixed, previous, weights, tuple(r.warnings)
    )


def no_theater_reason(film: Film) -> str:
    """Words for a film that no theater is equipped to show."""
    feats = f" with features {', '.join(sorted(film.requires))}" if film.requires else ""
    return f"no theater can show format {film.format}{feats}"


def read_instance(path: str | Path) -> Instance:
    """Read an instance file; raises InstanceError (also for unreadable or non-JSON files)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceError([f"{path}: cannot read file ({exc})"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError(
            [f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]
        ) from None
    return parse_instance(data)


def read_json(path: str | Path) -> Any:
    """Decoded JSON of a file; raises ValueError with a readable message."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read file ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def screening_to_json(s: Screening) -> dict:
    """One screening in the spec's JSON shape."""
    return {"film": s.film, "theater": s.theater, "start": format_time(s.start)}


def schedule_to_json(schedule: Schedule) -> dict:
    """A Schedule as the spec's ``festival-schedule/1`` object (screenings sorted by start, theater, film)."""
    out = {
        "format": SCHEDULE_FORMAT,
        "status": schedule.status,
        "objective": schedule.objective,
        "bound": schedule.bound,
        "solve_seconds": round(schedule.solve_seconds, 3),
        "screenings": [screening_to_json(s) for s in sorted(schedule.screenings)],
        "shortfalls": [
            {"film": s.film, "missing": s.missing, "reason": s.reason} for s in schedule.shortfalls
        ],
    }
    if schedule.status == "infeasible" or schedule.conflicts:
        out["conflicts"] = list(schedule.conflicts)
    return out


def write_schedule(schedule: Schedule, path: str | Path | None = None) -> str:
    """Serialise a schedule to JSON text, writing it to ``path`` when given."""
    text = json.dumps(schedule_to_json(schedule), indent=2, ensure_ascii=False) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def schedule_from_json(data: dict) -> Schedule:
    """A Schedule from a well-formed schedule object; raises ValueError on malformed screenings."""
    screenings = tuple(
        Screening(parse_time(s["start"]), s["theater"], s["film"]) for s in data.get("screenings", [])
    )
    shortfalls = tuple(Shortfall(s["film"], s["missing"], s["reason"]) for s in data.get("shortfalls", []))
    return Schedule(
        data.get("status", "unknown"),
        data.get("objective"),
        data.get("bound"),
        float(data.get("solve_seconds", 0.0)),
        screenings,
        shortfalls,
        tuple(data.get("conflicts", [])),
    )


__all__ = [
    "InstanceError",
    "format_date",
    "parse_instance",
    "read_instance",
    "read_json",
    "schedule_from_json",
    "schedule_to_json",
    "write_schedule",
]
