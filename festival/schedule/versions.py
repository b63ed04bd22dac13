"""Timetable versions: drafts, manual edits checked against the hard rules, diffs and publishing.

The model follows pretalx: drafts are working copies that staff edit and solver runs produce;
publishing freezes a draft as the next numbered public version, with a change log against the
version it replaces, which becomes ``superseded`` (still readable). A published or superseded
version is never edited: to change the programme, copy it into a new draft and publish that.

Every edit is checked before it is kept: the draft's screenings with the edit applied are run
through the solver's own validator (``scheduler.check_json``) against the edition's instance
(``festival.schedule.adapter``). An edit that would break a hard rule raises ``EditRejected`` with
the validator's messages in words, and nothing is written. Drafts carry an optimistic lock
(``TimetableVersion.version``): a form sends the number it was rendered with, and a draft changed
meanwhile by someone else raises ``StaleVersion`` instead of being silently overwritten.

Services flush, never commit; views commit once and roll back on a ``TimetableError``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

import scheduler
from festival import audit
from festival.extensions import db
from festival.models import Edition, Entry, Screening, Theater, TimetableVersion, User
from festival.models.enums import VersionStatus
from festival.models.types import utcnow
from festival.schedule import adapter
from scheduler import parse_time

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
}
BLOCKING = "hard_rule"
SHORTFALL = "shortfall"


# ---------------------------------------------------------------- errors


class TimetableError(Exception):
    """A timetable operation that cannot be done; ``str(error)`` is a message for the user."""


class VersionFrozen(TimetableError):
    """The version is published or superseded and can no longer change."""


class StaleVersion(TimetableError):
    """The draft changed since the form was rendered (someone else edited it)."""


class EditRejected(TimetableError):
    """The edit would break hard rules; ``problems`` explains each in words."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


class PublishBlocked(TimetableError):
    """Publishing is refused: hard-rule problems, or warnings not acknowledged."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


# ---------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One problem of a draft: ``kind`` is ``hard_rule`` (blocks publishing) or ``shortfall`` (warns)."""

    kind: str
    message: str
    refs: tuple[str, ...] = ()
    rule: str | None = None

    @property
    def blocking(self) -> bool:
        return self.kind == BLOCKING

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS.get(self.rule or "", self.rule or ""))

    def as_dict(self) -> dict:
        return {"kind": self.kind, "rule": self.rule, "message": str(self.message), "refs": list(self.refs)}


class Namer:
    """Turns the validator's ids (``e12``, ``dome``) into titles and theater names in its messages."""

    _FILM = re.compile(r"\be(\d+)\b")
    _TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})")

    def __init__(self, titles: dict[int, str], places: dict[str, str]):
        self.titles = titles
        self.places = places
        ids = "|".join(re.escape(t) for t in sorted(places, key=len, reverse=True)) or r"(?!)"
        # theater and venue ids only where the validator writes them, never inside other words
        self._place = re.compile(
            rf"(?<=\bin )(?:{ids})(?= at )|(?<=: )(?:{ids})(?= (?:cannot show|lacks feature))"
            rf"|(?<=overlaps )(?:{ids})(?= unavailable)|(?<=venue )(?:{ids})(?= on )"
        )

    @classmethod
    def for_edition(cls, edition: Edition) -> Namer:
        """A namer knowing the edition's films, theaters and venues."""
        theaters = adapter.edition_theaters(edition)
        ids = adapter.theater_ids(theaters)
        places = {t.venue.code: t.venue.name for t in theaters}
        places.update({ids[t.id]: t.name for t in theaters})
        stmt = sa.select(Entry.id, Entry.title_en, Entry.title_original, Entry.title_zh).where(
            Entry.edition_id == edition.id
        )
        titles = {i: en or orig or zh or f"#{i}" for i, en, orig, zh in db.session.execute(stmt)}
        return cls(titles, places)

    def refs(self, message: str) -> tuple[str, ...]:
        """``film:<entry id>`` for every film the message names."""
        found = dict.fromkeys(int(m) for m in self._FILM.findall(message))
        return tuple(f"film:{i}" for i in found if i in self.titles)

    def words(self, message: str) -> str:
        """The message with titles, theater names and readable times."""

        def film(m: re.Match) -> str:
            title = self.titles.get(int(m.group(1)))
            return f"“{title}”" if title else m.group(0)

        text = self._place.sub(lambda m: self.places[m.group(0)], message)
        text = self._FILM.sub(film, text)
        return self._TIME.sub(r"\1 \2", text)

    def problem(self, violation: scheduler.Violation) -> Problem:
        """A blocking problem for one of the validator's violations."""
        return Problem(BLOCKING, self.words(violation.message), self.refs(violation.message), violation.rule)


# ---------------------------------------------------------------- reads


def versions_of(edition: Edition) -> list[TimetableVersion]:
    """Every version of the edition: published first, then superseded by number, then drafts newest first."""
    stmt = sa.select(TimetableVersion).where(TimetableVersion.edition_id == edition.id)
    versions = list(db.session.scalars(stmt))
    order = {VersionStatus.PUBLISHED: 0, VersionStatus.DRAFT: 1, VersionStatus.SUPERSEDED: 2}
    return sorted(versions, key=lambda v: (order[v.status], -(v.number or 0), -v.id))


def published_version(edition: Edition) -> TimetableVersion | None:
    """The edition's public version, if any."""
    return adapter.latest_published(edition)


def current_draft(edition: Edition) -> TimetableVersion | None:
    """The newest draft of the edition, if any."""
    return adapter.current_draft(edition)


def screening_counts(versions: Iterable[TimetableVersion]) -> dict[int, int]:
    """Number of screenings of each version (one grouped query)."""
    ids = [v.id for v in versions]
    if not ids:
        return {}
    stmt = (
        sa.select(Screening.timetable_id, sa.func.count())
        .where(Screening.timetable_id.in_(ids))
        .group_by(Screening.timetable_id)
    )
    return {row[0]: row[1] for row in db.session.execute(stmt)}


# ---------------------------------------------------------------- drafts


def create_draft(
    edition: Edition,
    *,
    actor: User | None,
    based_on: TimetableVersion | None = None,
    label: str | None = None,
) -> TimetableVersion:
    """A new draft of the edition: empty, or a copy of ``based_on`` (screenings, pins, attendance)."""
    if based_on is not None and based_on.edition_id != edition.id:
        raise TimetableError(_l("That version belongs to another edition."))
    draft = TimetableVersion(
        edition_id=edition.id,
        status=VersionStatus.DRAFT,
        label=label or None,
        based_on_id=based_on.id if based_on is not None else None,
        created_by_id=actor.id if actor else None,
        changelog=[],
    )
    db.session.add(draft)
    db.session.flush()
    if based_on is not None:
        rows = db.session.scalars(sa.select(Screening).where(Screening.timetable_id == based_on.id))
        db.session.add_all(
            Screening(
                timetable_id=draft.id,
                entry_id=s.entry_id,
                theater_id=s.theater_id,
                start=s.start,
                end=s.end,
                pinned=s.pinned,
                expected_attendance=s.expected_attendance,
            )
            for s in rows
        )
        db.session.flush()
    audit.record(draft, actor=actor, action="timetable.draft_created", new={"based_on": draft.based_on_id})
    return draft


def check_editable(version: TimetableVersion, lock: int | None) -> None:
    """Raise VersionFrozen for a published/superseded version, StaleVersion when ``lock`` is outdated."""
    if version.status != VersionStatus.DRAFT:
        raise VersionFrozen(
            _l(
                "Version %(number)s is published and frozen; copy it into a new draft to change it.",
                number=version.number,
            )
        )
    if lock is not None and lock != version.version:
        raise StaleVersion(
            _l(
                "Someone else changed this draft since you opened it. "
                "Nothing was saved; please look again and redo your change."
            )
        )


def _touch(version: TimetableVersion) -> None:
    """Bump the draft's lock so that concurrent edits of the same draft conflict."""
    flag_modified(version, "changelog")
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(
            _l("Someone else changed this draft at the same moment. Nothing was saved; please look again.")
        ) from None


# ---------------------------------------------------------------- edits


@dataclass(frozen=True)
class Placement:
    """Where a screening would go: the film, the theater and the aware start."""

    entry_id: int
    theater_id: int
    start: datetime


@dataclass
class EditCheck:
    """The validator's verdict on a draft with an edit applied."""

    instance: scheduler.Instance
    theater_ids: dict[int, str]
    new_problems: list[Problem] = field(default_factory=list)

    def value(self, p: Placement, edition: Edition) -> int:
        """Expected attendance of a placement (the objective's value of the screening)."""
        film = self.instance.film_by_id.get(adapter.film_id(p.entry_id))
        theater = self.instance.theater_by_id.get(self.theater_ids.get(p.theater_id, ""))
        if film is None or theater is None:
            return 0
        return self.instance.value(film, theater, parse_time(adapter.local_text(p.start, edition)))


def _spec(p: Placement, edition: Edition, tids: dict[int, str]) -> dict:
    return {
        "film": adapter.film_id(p.entry_id),
        "theater": tids.get(p.theater_id, f"#{p.theater_id}"),
        "start": adapter.local_text(p.start, edition),
    }


def check_edit(
    version: TimetableVersion,
    *,
    remove: Screening | None = None,
    add: Placement | None = None,
    pins: set[int] | None = None,
    add_pinned: bool = False,
) -> EditCheck:
    """Validate the draft with one screening removed and/or one added, against every hard rule.

    ``pins`` are the screening ids that stay pinned (default: the draft's current pins); pins of a
    removed or moved screening still count, so moving a pinned screening breaks the "pinned" rule.
    Only violations the edit introduces are reported: a draft's older problems (say, a block added
    after the draft was solved) do not stop unrelated edits, but are listed before publishing.
    Raises TimetableError when the edition's data cannot form an instance."""
    edition = db.session.get(Edition, version.edition_id)
    rows = list(db.session.scalars(sa.select(Screening).where(Screening.timetable_id == version.id)))
    pinned = pins if pins is not None else {s.id for s in rows if s.pinned}
    try:
        data = adapter.build_instance(edition, base_version=version, keep_pins=False)
        theaters = adapter.edition_theaters(edition)
    except adapter.InstanceBuildError as exc:
        raise TimetableError(
            _l("The festival data cannot be checked: %(errors)s", errors="; ".join(exc.errors))
        ) from None
    tids = adapter.theater_ids(theaters)
    current = {s.id: Placement(s.entry_id, s.theater_id, s.start) for s in rows}
    after = dict(current)
    if remove is not None:
        after.pop(remove.id, None)
    after_list = [_spec(p, edition, tids) for p in after.values()]
    if add is not None:
        after_list.append(_spec(add, edition, tids))
    fixed_before = [_spec(current[i], edition, tids) for i in sorted(s.id for s in rows if s.pinned)]
    fixed_after = [_spec(current[i], edition, tids) for i in sorted(pinned) if i in current]
    if add is not None and add_pinned:
        fixed_after.append(_spec(add, edition, tids))
    films = {f["id"] for f in data["films"]}
    data["previous"] = []
    data["fixed"] = _unique(f for f in fixed_before if f["film"] in films)
    before = _validate(data, [_spec(p, edition, tids) for p in current.values()])
    data["fixed"] = _unique(f for f in fixed_after if f["film"] in films)
    instance = adapter.parse(data)
    report = scheduler.check_json(instance, {"screenings": after_list})
    seen = set(before.violations)
    namer = Namer.for_edition(edition)
    problems = [namer.problem(v) for v in report.violations if v not in seen]
    return EditCheck(instance, tids, problems)


def _unique(items: Iterable[dict]) -> list[dict]:
    out, seen = [], set()
    for item in items:
        key = (item["film"], item["theater"], item["start"])
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _validate(data: dict, screenings: list[dict]) -> scheduler.Report:
    return scheduler.check_json(adapter.parse(data), {"screenings": screenings})


def _reject_if(check: EditCheck) -> None:
    if check.new_problems:
        raise EditRejected(
            _l("This change would break the timetable's rules, so nothing was saved."), check.new_problems
        )


def _describe(s: Screening | Placement, edition: Edition) -> dict:
    return {"film": s.entry_id, "theater": s.theater_id, "start": adapter.local_text(s.start, edition)}


def _runtime(entry_id: int) -> int:
    entry = db.session.get(Entry, entry_id)
    if entry is None or not entry.runtime_minutes:
        raise TimetableError(_l("This film has no running time, so it cannot be scheduled."))
    return entry.runtime_minutes


def set_pinned(screening: Screening, pinned: bool, *, actor: User | None, lock: int | None) -> Screening:
    """Pin or unpin a screening of a draft (a pin must stay exactly where it is in every re-solve)."""
    version = screening.timetable
    check_editable(version, lock)
    if screening.pinned == pinned:
        return screening
    pins = {s.id for s in version.screenings if s.pinned}
    pins = pins | {screening.id} if pinned else pins - {screening.id}
    _reject_if(check_edit(version, pins=pins))
    screening.pinned = pinned
    _touch(version)
    edition = db.session.get(Edition, version.edition_id)
    audit.record(
        version, actor=actor, action="screening.pinned" if pinned else "screening.unpinned",
        new=_describe(screening, edition),
    )  # fmt: skip
    return screening


def move_screening(
    screening: Screening, *, theater: Theater, start: datetime, actor: User | None, lock: int | None
) -> Screening:
    """Move a draft's screening to another theater and/or start time, if every hard rule still holds."""
    version = screening.timetable
    check_editable(version, lock)
    edition = db.session.get(Edition, version.edition_id)
    target = Placement(screening.entry_id, theater.id, start)
    check = check_edit(version, remove=screening, add=target)
    _reject_if(check)
    before = _describe(screening, edition)
    screening.theater_id = theater.id
    screening.start = start
    screening.end = start + timedelta(minutes=_runtime(screening.entry_id))
    screening.expected_attendance = check.value(target, edition)
    _touch(version)
    audit.record(version, actor=actor, action="screening.moved", old=before, new=_describe(target, edition))
    return screening


def add_screening(
    version: TimetableVersion,
    *,
    entry: Entry,
    theater: Theater,
    start: datetime,
    actor: User | None,
    lock: int | None,
    pinned: bool = False,
) -> Screening:
    """Add a screening of an accepted film to a draft, if every hard rule still holds."""
    check_editable(version, lock)
    edition = db.session.get(Edition, version.edition_id)
    target = Placement(entry.id, theater.id, start)
    check = check_edit(version, add=target, add_pinned=pinned)
    _reject_if(check)
    screening = Screening(
        timetable_id=version.id,
        entry_id=entry.id,
        theater_id=theater.id,
        start=start,
        end=start + timedelta(minutes=_runtime(entry.id)),
        pinned=pinned,
        expected_attendance=check.value(target, edition),
    )
    db.session.add(screening)
    _touch(version)
    audit.record(version, actor=actor, action="screening.added", new=_describe(target, edition))
    return screening


def remove_screening(screening: Screening, *, actor: User | None, lock: int | None) -> None:
    """Remove a screening from a draft (a pinned one must be unpinned first)."""
    version = screening.timetable
    check_editable(version, lock)
    _reject_if(check_edit(version, remove=screening))
    edition = db.session.get(Edition, version.edition_id)
    audit.record(version, actor=actor, action="screening.removed", old=_describe(screening, edition))
    db.session.delete(screening)
    _touch(version)


# ---------------------------------------------------------------- diff


@dataclass(frozen=True)
class Slot:
    theater: Theater
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | moved
    entry: Entry
    before: Slot | None
    after: Slot | None

    @property
    def sort_key(self):
        slot = self.after or self.before
        return (slot.start, self.entry.display_title.casefold())

    def as_log(self, edition: Edition) -> dict:
        """The change as a change-log entry: {kind, film, title, from, to}."""

        def slot(s: Slot | None) -> dict | None:
            if s is None:
                return None
            return {
                "theater": s.theater.id,
                "theater_name": s.theater.name,
                "theater_name_zh": s.theater.name_zh,
                "start": adapter.local_text(s.start, edition),
                "end": adapter.local_text(s.end, edition),
            }

        return {
            "kind": self.kind,
            "film": self.entry.id,
            "title": self.entry.display_title,
            "title_zh": self.entry.title_zh,
            "from": slot(self.before),
            "to": slot(self.after),
        }


@dataclass
class Diff:
    base: TimetableVersion | None
    target: TimetableVersion
    changes: list[Change]
    unchanged: int

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def added(self) -> list[Change]:
        return self.of_kind("added")

    @property
    def removed(self) -> list[Change]:
        return self.of_kind("removed")

    @property
    def moved(self) -> list[Change]:
        return self.of_kind("moved")

    @property
    def empty(self) -> bool:
        return not self.changes


@dataclass(frozen=True)
class _Row:
    entry_id: int
    theater_id: int
    start: datetime
    end: datetime


def _rows(version: TimetableVersion | None) -> dict[tuple[int, int, datetime], _Row]:
    """A version's screenings keyed by (film, theater, start), read as plain columns (fast for thousands)."""
    if version is None:
        return {}
    stmt = sa.select(Screening.entry_id, Screening.theater_id, Screening.start, Screening.end).where(
        Screening.timetable_id == version.id
    )
    return {(r.entry_id, r.theater_id, r.start): _Row(*r) for r in db.session.execute(stmt)}


def diff_versions(base: TimetableVersion | None, target: TimetableVersion) -> Diff:
    """Screenings added, removed and moved from ``base`` to ``target``.

    A film's screenings that are in only one of the two versions are paired as moves, nearest in
    time first (same theater breaking ties); what is left over is added or removed."""
    old, new = _rows(base), _rows(target)
    gone: dict[int, list[_Row]] = defaultdict(list)
    came: dict[int, list[_Row]] = defaultdict(list)
    for key, row in old.items():
        if key not in new:
            gone[row.entry_id].append(row)
    for key, row in new.items():
        if key not in old:
            came[row.entry_id].append(row)
    entries = _by_id(Entry, set(gone) | set(came))
    theaters = _by_id(Theater, {r.theater_id for rows in (*gone.values(), *came.values()) for r in rows})

    def slot(row: _Row) -> Slot:
        return Slot(theaters[row.theater_id], row.start, row.end)

    changes: list[Change] = []
    for entry_id in set(gone) | set(came):
        before, after, entry = gone.get(entry_id, []), came.get(entry_id, []), entries[entry_id]
        pairs = sorted(
            (abs((a.start - b.start).total_seconds()), a.theater_id != b.theater_id, i, j)
            for i, b in enumerate(before)
            for j, a in enumerate(after)
        )
        used_b, used_a = set(), set()
        for _d, _t, i, j in pairs:
            if i in used_b or j in used_a:
                continue
            used_b.add(i)
            used_a.add(j)
            changes.append(Change("moved", entry, slot(before[i]), slot(after[j])))
        changes += [Change("removed", entry, slot(b), None) for i, b in enumerate(before) if i not in used_b]
        changes += [Change("added", entry, None, slot(a)) for j, a in enumerate(after) if j not in used_a]
    changes.sort(key=lambda c: c.sort_key)
    return Diff(base, target, changes, sum(1 for key in new if key in old))


def _by_id(model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {obj.id: obj for obj in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}


# ---------------------------------------------------------------- publishing


def publish_problems(version: TimetableVersion) -> list[Problem]:
    """What stands between a draft and publication: hard-rule problems block, shortfalls warn."""
    edition = db.session.get(Edition, version.edition_id)
    if not db.session.scalar(sa.select(sa.func.count()).where(Screening.timetable_id == version.id)):
        return [Problem(BLOCKING, _l("The timetable has no screenings."), rule="counts")]
    try:
        data, instance = adapter.instance_for(edition, base_version=version)
    except adapter.InstanceBuildError as exc:
        return [Problem(BLOCKING, message, rule="format") for message in exc.errors]
    report = adapter.check_version(version, instance=instance)
    namer = Namer.for_edition(edition)
    problems = [namer.problem(v) for v in report.violations]
    for film in instance.films:
        count = report.counts.get(film.id, 0)
        if count < film.min_screenings:
            entry_id = adapter.entry_id_of(film.id)
            problems.append(
                Problem(
                    SHORTFALL,
                    _l(
                        "“%(title)s” has %(count)s of its minimum %(minimum)s screenings.",
                        title=namer.titles.get(entry_id, film.title),
                        count=count,
                        minimum=film.min_screenings,
                    ),
                    (f"film:{entry_id}",),
                )
            )
    return problems


def next_number(edition: Edition) -> int:
    """The number the next published version of the edition gets."""
    stmt = sa.select(sa.func.max(TimetableVersion.number)).where(TimetableVersion.edition_id == edition.id)
    return (db.session.scalar(stmt) or 0) + 1


def publish(
    version: TimetableVersion, *, actor: User | None, lock: int | None, accept_warnings: bool = False
) -> TimetableVersion:
    """Make a draft the edition's public version.

    Side effects: the draft gets the next number, ``published`` status, ``published_by/at`` and a
    change log against the previous public version, which becomes ``superseded`` (still readable);
    an audit event is recorded. Raises VersionFrozen/StaleVersion (see check_editable) and
    PublishBlocked when a hard rule is broken or when warnings exist and are not accepted."""
    check_editable(version, lock)
    edition = db.session.get(Edition, version.edition_id)
    problems = publish_problems(version)
    blocking = [p for p in problems if p.blocking]
    if blocking:
        raise PublishBlocked(_l("The draft breaks hard rules and cannot be published."), blocking)
    if problems and not accept_warnings:
        raise PublishBlocked(
            _l("Please confirm that you have read the warnings before publishing."), problems
        )
    previous = published_version(edition)
    diff = diff_versions(previous, version)
    number = next_number(edition)
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
    version.number = number
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    version.published_by_id = actor.id if actor else None
    # the first public version has nothing to be compared with: its change log is empty
    version.changelog = [c.as_log(edition) for c in diff.changes] if previous is not None else []
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(
            _l("Someone else changed this draft at the same moment. Nothing was published.")
        ) from None
    summary = {"number": version.number, "changes": len(diff.changes), "previous": previous and previous.id}
    audit.record(version, actor=actor, action="timetable.published", new=summary)
    return version
