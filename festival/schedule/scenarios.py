"""Scenarios: named "what if" variants of a draft, solved in the background and compared side by side.

A scenario starts from a draft and changes what the solver is asked (``Changes``, stored as JSON on the
``scenario`` row): a theater closed for some days, other demand weights or shortfall cost, films added
or dropped (among the edition's accepted films), another move cost. Its run is an ordinary solver run
(the job queue's ``solve_run`` task) with purpose ``scenario``: the edition's one-active-run rule holds,
and the result is a timetable version with status ``scenario`` that is never among the drafts, never
published and never changes the draft or the published version. ``promote`` copies it into a new
numbered draft; ``delete_scenario`` deletes the scenario and its version.

The comparison's figures (``kpis``) are computed from the versions, one function per figure.
Services flush, never commit.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from babel.dates import get_day_names
from flask import Flask
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

import scheduler
from festival import audit, localtime
from festival.editions.demand import WEEKDAYS, DemandSettings
from festival.errors import InvalidInput, InvalidTransition
from festival.extensions import db
from festival.labels import film_title
from festival.models import Edition, Scenario, Screening, ShortsProgramme, SolveRun, TimetableVersion, User
from festival.models.enums import VersionStatus
from festival.navigation import localized
from festival.schedule import adapter, changelog, grid, runs, versions
from festival.schedule.problems import Namer, shortfall_words

NAME_MAX = 120
SHORTFALL_WORDS_SECONDS = 2.0  # the explainer's budget per version for saying its shortfalls in words

# ---------------------------------------------------------------- the changes and their schema


@dataclass(frozen=True)
class Closure:
    """A theater closed from ``first`` to ``last`` (both days included, the edition's local dates)."""

    theater_id: int
    first: date
    last: date

    def as_json(self) -> dict:
        return {"theater": self.theater_id, "first": self.first.isoformat(), "last": self.last.isoformat()}


@dataclass(frozen=True)
class Changes:
    """What a scenario changes against its base draft. Stored as JSON::

        {"closures": [{"theater": 3, "first": "2031-04-05", "last": "2031-04-11"}],
         "demand": {"day": {"mon": 1.0, ..., "sun": 1.5}, "shortfall_cost": 500000},
         "films": {"add": [12], "drop": [7]},
         "move_cost": 200}

    Every key is optional. ``films.add`` are accepted films the base draft does not screen, ``films.drop``
    films it screens; the scenario's films are the draft's plus the added, less the dropped."""

    closures: tuple[Closure, ...] = ()
    day: Mapping[str, float] | None = None
    shortfall_cost: int | None = None
    add: tuple[int, ...] = ()
    drop: tuple[int, ...] = ()
    move_cost: int | None = None

    def as_json(self) -> dict:
        out: dict[str, Any] = {}
        if self.closures:
            out["closures"] = [c.as_json() for c in self.closures]
        demand: dict[str, Any] = {}
        if self.day is not None:
            demand["day"] = {k: float(self.day[k]) for k in WEEKDAYS}
        if self.shortfall_cost is not None:
            demand["shortfall_cost"] = self.shortfall_cost
        if demand:
            out["demand"] = demand
        if self.add or self.drop:
            out["films"] = {"add": list(self.add), "drop": list(self.drop)}
        if self.move_cost is not None:
            out["move_cost"] = self.move_cost
        return out

    @property
    def empty(self) -> bool:
        return not self.as_json()


TOP_KEYS = {"closures", "demand", "films", "move_cost"}
CLOSURE_KEYS = {"theater", "first", "last"}
DEMAND_KEYS = {"day", "shortfall_cost"}
FILM_KEYS = {"add", "drop"}


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _day_of(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def base_films(base: TimetableVersion) -> set[int]:
    """The entries a version screens: its films' own screenings and the films of the shorts programmes it
    screens (a programme's screening is one of each of its films)."""
    return changelog.films_of(base)


def programme_members(edition: Edition) -> dict[int, tuple[ShortsProgramme, frozenset[int]]]:
    """The edition's shorts programmes by id, each with its accepted films (the ones the instance folds
    into the programme's one solver film, ``adapter.fold_programmes``)."""
    accepted = {e.id for e, _d in adapter.accepted_entries(edition)}
    out = {}
    for programme in adapter.edition_programmes(edition):
        members = frozenset(m.entry_id for m in programme.entries) & accepted
        if members:
            out[programme.id] = (programme, members)
    return out


def parse_changes(data: Any, edition: Edition, base: TimetableVersion) -> Changes:
    """Read and check a scenario's changes (the JSON above) against the edition and its base draft.

    Raises InvalidInput whose ``errors`` name the form field of each problem: ``changes`` (the shape),
    ``closure_theater``, ``closure_first``, ``closure_last``, the weekdays ``mon`` ... ``sun``,
    ``shortfall_cost``, ``move_cost`` (the demand settings' own rules, DemandSettings.errors),
    ``add_films``, ``drop_films``."""
    errors: dict[str, list[object]] = {}

    def fail(name: str, message: object) -> None:
        errors.setdefault(name, []).append(message)

    if not isinstance(data, Mapping):
        raise InvalidInput(errors={"changes": [_l("The changes must be an object.")]})
    for key in sorted(set(data) - TOP_KEYS):
        fail("changes", _l("“%(key)s” is not something a scenario can change.", key=key))

    closures = _closures(data.get("closures", []), edition, fail)
    demand = data.get("demand", {})
    if not isinstance(demand, Mapping):
        fail("changes", _l("The demand settings must be an object."))
        demand = {}
    for key in sorted(set(demand) - DEMAND_KEYS):
        fail("changes", _l("“%(key)s” is not a demand setting a scenario can change.", key=key))
    settings = DemandSettings.of(edition)
    day = demand.get("day")
    if day is not None:
        if not isinstance(day, Mapping) or set(day) != set(WEEKDAYS):
            fail("changes", _l("The day weights must name every weekday, Monday to Sunday."))
            day = None
        else:
            for key in WEEKDAYS:
                value = day[key]
                if isinstance(value, bool) or not isinstance(value, int | float):
                    fail(key, _l("A weight is a number."))
                else:
                    settings.day[key] = float(value)
    costs: dict[str, int | None] = {}
    for key, source in (("shortfall_cost", demand), ("move_cost", data)):
        value = source.get(key)
        if value is not None and not _whole(value):
            fail(key, _l("A cost is a whole number."))
            value = None
        costs[key] = value
        if value is not None:
            setattr(settings, key, value)
    for key, messages in settings.errors(edition).items():
        if key in (*WEEKDAYS, "shortfall_cost", "move_cost"):
            errors.setdefault(key, []).extend(messages)

    add, drop = _films(data.get("films", {}), edition, base, fail)
    if errors:
        raise InvalidInput(errors=errors)
    return Changes(
        closures=closures,
        day={k: settings.day[k] for k in WEEKDAYS} if day is not None else None,
        shortfall_cost=costs["shortfall_cost"],
        add=add,
        drop=drop,
        move_cost=costs["move_cost"],
    )


def _closures(items: Any, edition: Edition, fail) -> tuple[Closure, ...]:
    if not isinstance(items, list):
        fail("changes", _l("The closures must be a list."))
        return ()
    theaters = {t.id for t in adapter.edition_theaters(edition)}
    out = []
    for item in items:
        if not isinstance(item, Mapping) or set(item) != CLOSURE_KEYS:
            fail("changes", _l("A closure names a theater, a first day and a last day."))
            continue
        theater, first, last = item["theater"], _day_of(item["first"]), _day_of(item["last"])
        ok = True
        if not _whole(theater) or theater not in theaters:
            fail("closure_theater", _l("Choose one of this edition's theaters."))
            ok = False
        for name, value in (("closure_first", first), ("closure_last", last)):
            if value is None:
                fail(name, _l("Enter a date as YYYY-MM-DD."))
                ok = False
            elif not edition.first_day <= value <= edition.last_day:
                fail(
                    name,
                    _l(
                        "Choose a day of the festival, %(first)s to %(last)s.",
                        first=edition.first_day.isoformat(),
                        last=edition.last_day.isoformat(),
                    ),
                )
                ok = False
        if ok and last < first:
            fail("closure_last", _l("The last day comes before the first."))
            ok = False
        if ok:
            out.append(Closure(theater, first, last))
    return tuple(out)


def _films(
    data: Any, edition: Edition, base: TimetableVersion, fail
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if not isinstance(data, Mapping) or set(data) - FILM_KEYS:
        fail("changes", _l("The films to change must be an object with “add” and “drop”."))
        return (), ()
    accepted = {e.id: e for e, _d in adapter.accepted_entries(edition)}
    screened = base_films(base)
    lists = {}
    for key, name in (("add", "add_films"), ("drop", "drop_films")):
        ids = data.get(key, [])
        if not isinstance(ids, list) or not all(_whole(i) for i in ids):
            fail(name, _l("Choose films from the list."))
            lists[key] = ()
            continue
        for entry_id in ids:
            if entry_id not in accepted:
                fail(name, _l("Film #%(id)s is not one of this edition's accepted films.", id=entry_id))
        lists[key] = tuple(sorted(set(ids) & set(accepted)))
    refusals = (
        (
            "add",
            "add_films",
            True,
            _l("“%(title)s” is already in %(draft)s; only films it does not screen can be added."),
        ),
        ("drop", "drop_films", False, _l("“%(title)s” is not in %(draft)s, so it cannot be dropped.")),
    )
    for key, name, refused_if_screened, message in refusals:
        for entry_id in lists[key]:
            if (entry_id in screened) == refused_if_screened:
                title, draft = accepted[entry_id].display_title, versions.version_name(base)
                fail(name, message % {"title": title, "draft": draft})
    _whole_programmes(lists, programme_members(edition), screened, accepted, fail)
    return lists["add"], lists["drop"]


def _whole_programmes(lists: dict, programmes: dict, screened: set[int], accepted: dict, fail) -> None:
    """A shorts programme screens as one: a scenario adds or drops all its films or none of them."""
    wording = (
        (
            "add",
            "add_films",
            False,
            _l(
                "“%(title)s” screens in the shorts programme “%(programme)s”: add its other films "
                "too (%(films)s)."
            ),
        ),
        (
            "drop",
            "drop_films",
            True,
            _l(
                "“%(title)s” screens in the shorts programme “%(programme)s”: drop its other films "
                "too (%(films)s)."
            ),
        ),
    )
    for key, name, screened_side, message in wording:
        chosen = set(lists[key])
        for programme, members in programmes.values():
            concerned = {e for e in members if (e in screened) == screened_side}
            picked = chosen & concerned
            if not picked or picked == concerned:
                continue
            others = ", ".join(f"“{accepted[e].display_title}”" for e in sorted(concerned - picked))
            title = accepted[min(picked)].display_title
            fail(name, message % {"title": title, "programme": programme.display_title, "films": others})


def changes_of(scenario: Scenario) -> Changes:
    """A stored scenario's changes, read again (they were checked when it was created)."""
    edition = db.session.get(Edition, scenario.edition_id)
    if scenario.base_version is None:
        raise InvalidTransition(_l("The draft this scenario starts from was deleted; it cannot run."))
    return parse_changes(scenario.changes or {}, edition, scenario.base_version)


# ---------------------------------------------------------------- the changes applied to an instance


def apply_changes(data: dict, changes: Changes, edition: Edition, base: TimetableVersion) -> dict:
    """The edition's instance (``adapter.build_instance``) with a scenario's changes: the closed theaters
    unavailable on their days (pins inside a closure are released), the weights changed, only the
    scenario's films (with their pins and published screenings)."""
    data = json.loads(json.dumps(data))  # a copy: the caller's instance stays as built
    tids = adapter.theater_ids(adapter.edition_theaters(edition))
    closed: dict[str, list[tuple[str, str]]] = {}
    for c in changes.closures:
        tid = tids[c.theater_id]
        span = (f"{c.first.isoformat()}T00:00", f"{(c.last + timedelta(days=1)).isoformat()}T00:00")
        closed.setdefault(tid, []).append(span)
    for theater in data["theaters"]:
        for start, end in closed.get(theater["id"], []):
            theater["unavailable"].append({"start": start, "end": end})

    def inside_closure(item: dict) -> bool:
        return any(start <= item["start"] < end for start, end in closed.get(item["theater"], []))

    weights = data["weights"]
    if changes.day is not None:
        weights["day"] = dict(changes.day)
    if changes.shortfall_cost is not None:
        weights["shortfall_penalty"] = changes.shortfall_cost
    if changes.move_cost is not None:
        weights["change_penalty"] = changes.move_cost

    keep = (base_films(base) | set(changes.add)) - set(changes.drop)
    films = {adapter.film_id(e) for e in keep}
    # a shorts programme is one solver film (p<id>): it stays when its films do
    films |= {
        adapter.programme_film_id(pid)
        for pid, (_programme, members) in programme_members(edition).items()
        if members & keep
    }
    data["films"] = [f for f in data["films"] if f["id"] in films]
    data["fixed"] = [f for f in data["fixed"] if f["film"] in films and not inside_closure(f)]
    data["previous"] = [p for p in data["previous"] if p["film"] in films]
    return data


# ---------------------------------------------------------------- reads


def scenarios_of(edition: Edition) -> list[Scenario]:
    """The edition's scenarios, newest first."""
    stmt = sa.select(Scenario).where(Scenario.edition_id == edition.id).order_by(Scenario.id.desc())
    return list(db.session.scalars(stmt))


def scenario_versions(edition: Edition) -> list[TimetableVersion]:
    """The edition's scenario versions (never among the drafts)."""
    stmt = sa.select(TimetableVersion).where(
        TimetableVersion.edition_id == edition.id, TimetableVersion.status == VersionStatus.SCENARIO
    )
    return list(db.session.scalars(stmt.order_by(TimetableVersion.id)))


# ---------------------------------------------------------------- writes


def create_scenario(
    edition: Edition,
    *,
    name: str,
    base: TimetableVersion | None,
    changes: Any,
    actor: User | None,
    time_limit: int = runs.TIME_LIMIT_DEFAULT,
) -> Scenario:
    """A named scenario of a draft, and its run queued when no other run of the edition is active (the
    view enqueues ``scenario.run`` after the commit). Flushes.

    Raises InvalidInput (a field's message: name, base draft, each change), and the run's refusals
    (``runs.start_run``) except RunAlreadyActive: then the scenario is kept without a run, to be run later
    (``start_scenario_run``)."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(errors={"name": [_l("Give the scenario a name.")]})
    if len(name) > NAME_MAX:
        raise InvalidInput(errors={"name": [_l("At most %(max)s characters.", max=NAME_MAX)]})
    if base is None or base.edition_id != edition.id or base.status != VersionStatus.DRAFT:
        raise InvalidInput(errors={"base_version": [_l("Choose one of this edition's drafts.")]})
    taken = sa.select(Scenario.id).where(Scenario.edition_id == edition.id, Scenario.name == name)
    if db.session.scalar(taken) is not None:
        raise InvalidInput(errors={"name": [_l("Another scenario of this edition has that name.")]})
    parsed = parse_changes(changes, edition, base)
    scenario = Scenario(
        edition_id=edition.id,
        name=name,
        base_version_id=base.id,
        changes=parsed.as_json(),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(scenario)
    try:
        db.session.flush()
    except IntegrityError:  # the same name, saved by someone else a moment ago
        db.session.rollback()
        raise InvalidInput(errors={"name": [_l("Another scenario of this edition has that name.")]}) from None
    audit.record(scenario, actor=actor, action="scenario.created", new={"name": name, **scenario.changes})
    active = runs.active_run(edition)
    if active is None:
        start_scenario_run(scenario, actor=actor, time_limit=time_limit)
    return scenario


def start_scenario_run(scenario: Scenario, *, actor: User | None, time_limit: int) -> SolveRun:
    """Queue the scenario's run (flushes; the view enqueues it after the commit).

    Raises runs.RunAlreadyActive (another run of the edition is queued or running), InvalidTransition
    (the scenario has a result or a run in progress, or its draft is gone) and the run's refusals."""
    if scenario.result_version_id is not None:
        raise InvalidTransition(_l("This scenario has its result already."))
    if scenario.run is not None and scenario.run.status in runs.ACTIVE:
        raise InvalidTransition(_l("This scenario's run is in progress."))
    edition = db.session.get(Edition, scenario.edition_id)
    changes, base = changes_of(scenario), scenario.base_version
    run = runs.start_run(
        edition,
        actor=actor,
        time_limit=time_limit,
        keep_pins=True,
        base_version=base,
        purpose=runs.SCENARIO,
        adjust=lambda data: apply_changes(data, changes, edition, base),
    )
    scenario.run_id = run.id
    db.session.flush()
    return run


def link_result(run: SolveRun, version: TimetableVersion) -> None:
    """The ``runs.on_result`` listener: a scenario run's version becomes its scenario's result."""
    if run.purpose == runs.SCENARIO:
        db.session.execute(
            sa.update(Scenario).where(Scenario.run_id == run.id).values(result_version_id=version.id)
        )


def register(app: Flask) -> None:
    """Connect scenarios to the runs of ``app`` (festival.schedule's blueprint does it)."""
    runs.on_result(app, link_result)


def _forget_version(version_id: int) -> None:
    """Runs and versions that name a version about to be deleted no longer do."""
    for column in (SolveRun.base_version_id, SolveRun.result_version_id):
        db.session.execute(sa.update(SolveRun).where(column == version_id).values({column.key: None}))
    db.session.execute(
        sa.update(TimetableVersion).where(TimetableVersion.based_on_id == version_id).values(based_on_id=None)
    )


def delete_scenario(scenario: Scenario, *, actor: User | None) -> None:
    """Delete a scenario and its result version (its run stays in the runs list). Refused with
    InvalidTransition while its run is queued or running."""
    if scenario.run is not None and scenario.run.status in runs.ACTIVE:
        raise InvalidTransition(
            _l("Run %(id)s is solving this scenario; stop it or wait until it ends.", id=scenario.run.id)
        )
    audit.record(scenario, actor=actor, action="scenario.deleted", old={"name": scenario.name})
    result = scenario.result_version
    scenario.result_version_id = None
    db.session.delete(scenario)
    db.session.flush()
    if result is not None:
        _forget_version(result.id)
        db.session.delete(result)
        db.session.flush()


def promote(scenario: Scenario, *, actor: User | None) -> TimetableVersion:
    """Make a scenario's result the draft: a copy of it as a new numbered draft, labelled with the
    scenario's name. The base draft, the published version and the scenario stay as they are."""
    if scenario.result_version is None:
        raise InvalidTransition(_l("This scenario has no result yet."))
    edition = db.session.get(Edition, scenario.edition_id)
    draft = versions.create_draft(edition, actor=actor, based_on=scenario.result_version, label=scenario.name)
    audit.record(scenario, actor=actor, action="scenario.promoted", new={"draft": draft.draft_number})
    return draft


# ---------------------------------------------------------------- the figures compared (one per KPI)


def expected_attendance(version: TimetableVersion, instance: scheduler.Instance) -> int:
    """Expected visitors over all the version's screenings, as the solver counts them under ``instance``'s
    demand (each screening ``min(seats, popularity x weights)``, ``scheduler.check_json``): with the
    edition's instance every column of a comparison is measured with the same yardstick, whatever demand
    weights a scenario tried."""
    return scheduler.check_json(instance, adapter.schedule_json_of(version)).attendance


def screenings_by_format(use: grid.Usage) -> dict[str, int]:
    """Screenings per film format."""
    return dict(Counter(b.format for b in use.screenings))


def screenings_by_theater(use: grid.Usage) -> dict[int, int]:
    """Screenings per theater id (every theater of the edition, 0 when it shows nothing)."""
    counts = Counter(b.theater_id for b in use.screenings)
    return {t.id: counts.get(t.id, 0) for t in use.theaters}


def weekend_share(use: grid.Usage) -> float | None:
    """The share of screenings on a Saturday or Sunday (local dates); None without screenings."""
    if not use.screenings:
        return None
    weekend = sum(1 for b in use.screenings if localtime.local_day(b.start, use.edition).weekday() >= 5)
    return weekend / len(use.screenings)


def utilisation(use: grid.Usage) -> float | None:
    """Minutes of screenings over the minutes the theaters are open and not blocked (the edition's own
    calendar, as the Totals tab counts it); None when nothing is open."""
    booked = sum(c.booked for c in use.cells.values())
    free = sum(c.free for c in use.cells.values())
    return booked / free if free else None


def shortfalls(version: TimetableVersion, instance: scheduler.Instance, namer: Namer) -> list[dict]:
    """The films of ``instance`` the version screens fewer times than their minimum: title, how many are
    missing and why in words (the explainer's ``why``, worded by ``problems.shortfall_words``; None when
    it cannot be worked out in time)."""
    counts = Counter(_film_ids(version))
    explainer = scheduler.Explainer(instance, scheduler.Budget.after(SHORTFALL_WORDS_SECONDS))
    rows = []
    for film in instance.films:
        got = counts.get(film.id, 0)
        if got >= film.min_screenings:
            continue
        reason = None
        with contextlib.suppress(scheduler.OutOfTime):
            reason = shortfall_words(namer, explainer.why(film, got))
        rows.append(
            {
                "film": film.id,
                "title": namer.film(film.id),
                "missing": film.min_screenings - got,
                "reason": reason,
            }
        )
    return rows


def moves(version: TimetableVersion, published: TimetableVersion | None) -> changelog.Counts | None:
    """Screenings the version adds, removes and moves against the published version (None: nothing is
    published)."""
    if published is None:
        return None
    return changelog.change_counts(published, version)


def gap(version: TimetableVersion) -> float | None:
    """The gap between the version's solver run's timetable and its proven bound (0 = proved best); None
    when the version did not come from a run or was edited by hand since."""
    run = db.session.get(SolveRun, version.source_run_id) if version.source_run_id else None
    if run is None or version.hand_edits:
        return None
    return scheduler.relative_gap(run.objective, run.bound)


def _film_ids(version: TimetableVersion) -> list[str]:
    """The solver film id of each of the version's screenings: ``e<entry>``, or ``p<programme>`` for a
    shorts programme's (the instance's film for it)."""
    stmt = sa.select(Screening.entry_id, Screening.programme_id).where(Screening.timetable_id == version.id)
    return [adapter.item_film_id(row) for row in db.session.execute(stmt)]


# ---------------------------------------------------------------- the comparison


@dataclass
class Column:
    """One version in the comparison, with its figures."""

    kind: str  # "published", "draft" or "scenario"
    version: TimetableVersion
    scenario: Scenario | None = None
    attendance: int = 0
    by_format: dict[str, int] = field(default_factory=dict)
    by_theater: dict[int, int] = field(default_factory=dict)
    weekend: float | None = None
    utilisation: float | None = None
    shortfalls: list[dict] = field(default_factory=list)
    moves: changelog.Counts | None = None
    gap: float | None = None

    @property
    def missing(self) -> int:
        return sum(s["missing"] for s in self.shortfalls)

    @property
    def moved(self) -> int | None:
        return self.moves.total if self.moves is not None else None


# Which way is better for each compared figure: +1 higher, -1 lower.
BETTER = {"attendance": 1, "weekend": 1, "utilisation": 1, "missing": -1, "moved": -1, "gap": -1}


def verdict(key: str, value: float | None, reference: float | None) -> str:
    """ "better", "worse" or "" for a column's figure against the reference column's."""
    if value is None or reference is None or value == reference or key not in BETTER:
        return ""
    return "better" if (value - reference) * BETTER[key] > 0 else "worse"


def column(kind: str, version: TimetableVersion, published: TimetableVersion | None, namer: Namer,
           own: scheduler.Instance, instance: scheduler.Instance | None = None,
           scenario: Scenario | None = None) -> Column:  # fmt: skip
    """A version's figures: its attendance under the edition's demand (``own``), its shortfalls against
    ``instance`` (a scenario's own run instance: its films and minimums; else the edition's)."""
    use = grid.usage(version)
    return Column(
        kind=kind,
        version=version,
        scenario=scenario,
        attendance=expected_attendance(version, own),
        by_format=screenings_by_format(use),
        by_theater=screenings_by_theater(use),
        weekend=weekend_share(use),
        utilisation=utilisation(use),
        shortfalls=shortfalls(version, instance or own, namer),
        moves=moves(version, published),
        gap=gap(version),
    )


def compare(edition: Edition, chosen: Iterable[Scenario]) -> list[Column]:
    """The published version (if any), the chosen scenarios' base drafts, then the scenarios with a
    result, each with its figures."""
    chosen = [s for s in chosen if s.edition_id == edition.id and s.result_version is not None]
    published = versions.published_version(edition)
    namer = Namer.for_edition(edition)
    own = adapter.parse(adapter.build_instance(edition, keep_pins=False))
    columns = []
    if published is not None:
        columns.append(column("published", published, published, namer, own))
    seen = set()
    for s in chosen:
        base = s.base_version
        if base is not None and base.id not in seen:
            seen.add(base.id)
            columns.append(column("draft", base, published, namer, own))
    for s in chosen:
        instance = adapter.parse(json.loads(s.run.instance_json)) if s.run and s.run.instance_json else own
        columns.append(column("scenario", s.result_version, published, namer, own, instance, scenario=s))
    return columns


def changes_from_form(
    edition: Edition,
    *,
    closure: tuple[int | None, date | None, date | None],
    day: Mapping[str, float | None],
    shortfall_cost: int | None,
    move_cost: int | None,
    add: Iterable[int],
    drop: Iterable[int],
) -> dict:
    """The changes JSON of the scenario form's values: a closure when a theater is chosen, and only the
    demand settings and move cost that differ from the edition's (a blank weekday keeps its weight)."""
    settings = DemandSettings.of(edition)
    out: dict[str, Any] = {}
    theater, first, last = closure
    if theater or first or last:
        out["closures"] = [
            {
                "theater": theater,
                "first": first.isoformat() if first else None,
                "last": last.isoformat() if last else None,
            }
        ]
    weights = {k: settings.day[k] if day.get(k) is None else day[k] for k in WEEKDAYS}
    demand: dict[str, Any] = {}
    if weights != settings.day:
        demand["day"] = weights
    if shortfall_cost is not None and shortfall_cost != settings.shortfall_cost:
        demand["shortfall_cost"] = shortfall_cost
    if demand:
        out["demand"] = demand
    if move_cost is not None and move_cost != adapter.move_cost(edition):
        out["move_cost"] = move_cost
    add, drop = sorted(set(add)), sorted(set(drop))
    if add or drop:
        out["films"] = {"add": add, "drop": drop}
    return out


def describe(scenario: Scenario, edition: Edition) -> list[str]:
    """A scenario's changes in the reader's language, one line each (nothing when it changes nothing)."""
    data = scenario.changes or {}
    theaters = {t.id: t for t in adapter.edition_theaters(edition)}
    titles = {e.id: film_title(e) for e, _d in adapter.accepted_entries(edition)}
    lines = []
    for c in data.get("closures", []):
        theater = theaters.get(c["theater"])
        lines.append(
            _(
                "%(theater)s closed from %(first)s to %(last)s",
                theater=localized(theater, "name") if theater else f"#{c['theater']}",
                first=format_date(date.fromisoformat(c["first"]), "medium"),
                last=format_date(date.fromisoformat(c["last"]), "medium"),
            )
        )
    demand = data.get("demand", {})
    if "day" in demand:
        names = get_day_names("abbreviated", locale=get_locale())  # 0 = Monday
        weights = ", ".join(f"{names[i]} {format_decimal(demand['day'][k])}" for i, k in enumerate(WEEKDAYS))
        lines.append(_("Day weights: %(weights)s", weights=weights))
    if "shortfall_cost" in demand:
        lines.append(
            _("Cost of a missing screening: %(cost)s", cost=format_decimal(demand["shortfall_cost"]))
        )
    if "move_cost" in data:
        lines.append(
            _("Cost of moving a published screening: %(cost)s", cost=format_decimal(data["move_cost"]))
        )
    films = data.get("films", {})
    if films.get("add"):
        lines.append(_("Adds %(films)s", films=", ".join(f"“{titles.get(i, i)}”" for i in films["add"])))
    if films.get("drop"):
        lines.append(_("Drops %(films)s", films=", ".join(f"“{titles.get(i, i)}”" for i in films["drop"])))
    return lines
