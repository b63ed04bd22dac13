"""The change log between two timetable versions: screenings added, removed and moved."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from festival import paging
from festival.extensions import db
from festival.models import Edition, Entry, Screening, ShortsProgrammeEntry, Theater, TimetableVersion
from festival.schedule import adapter

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
    # the shorts programme whose screening changed (its screening is a change for each of its films)
    programme_id: int | None = None

    @property
    def screening_key(self) -> tuple:
        """What tells the changed screenings apart: a programme's screening once for all its films."""
        slot = self.before or self.after
        film = ("p", self.programme_id) if self.programme_id is not None else ("e", self.entry.id)
        return (self.kind, film, slot.theater.id, slot.start)

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

    def screenings(self, kind: str) -> int:
        """How many screenings changed in this way: a shorts programme's screening counts once, however
        many films it holds (the changes list it once per film)."""
        return len({c.screening_key for c in self.of_kind(kind)})

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
    programme_id: int | None = None


def _rows(version: TimetableVersion | None) -> dict[tuple[int, int, datetime], _Row]:
    """A version's screenings keyed by (film, theater, start), read as plain columns (fast for thousands).
    A shorts programme's screening is a row for each of its films: a change to it is a change to each."""
    if version is None:
        return {}
    film = sa.func.coalesce(Screening.entry_id, ShortsProgrammeEntry.entry_id)
    stmt = (
        sa.select(film, Screening.theater_id, Screening.start, Screening.end, Screening.programme_id)
        .outerjoin(ShortsProgrammeEntry, ShortsProgrammeEntry.programme_id == Screening.programme_id)
        .where(Screening.timetable_id == version.id)
    )
    return {(r[0], r.theater_id, r.start): _Row(*r) for r in db.session.execute(stmt)}


def films_of(version: TimetableVersion) -> set[int]:
    """The entries a version screens, a shorts programme's films included (as ``_rows`` counts them)."""
    return {row.entry_id for row in _rows(version).values()}


@dataclass(frozen=True)
class Counts:
    """How many screenings a version adds, removes and moves against another."""

    added: int = 0
    removed: int = 0
    moved: int = 0

    @property
    def total(self) -> int:
        return self.added + self.removed + self.moved


def _pairs(old: dict, new: dict) -> dict[int, tuple[list[_Row], list[_Row], list[tuple[_Row, _Row]]]]:
    """Per film: its screenings only in ``old`` (removed), only in ``new`` (added), and the pairs of the two
    taken as moves, nearest in time first (same theater breaking ties)."""
    gone: dict[int, list[_Row]] = defaultdict(list)
    came: dict[int, list[_Row]] = defaultdict(list)
    for key, row in old.items():
        if key not in new:
            gone[row.entry_id].append(row)
    for key, row in new.items():
        if key not in old:
            came[row.entry_id].append(row)
    out = {}
    for entry_id in set(gone) | set(came):
        before, after = gone.get(entry_id, []), came.get(entry_id, [])
        pairs = sorted(
            (abs((a.start - b.start).total_seconds()), a.theater_id != b.theater_id, i, j)
            for i, b in enumerate(before)
            for j, a in enumerate(after)
        )
        used_b, used_a, moves = set(), set(), []
        for _d, _t, i, j in pairs:
            if i in used_b or j in used_a:
                continue
            used_b.add(i)
            used_a.add(j)
            moves.append((before[i], after[j]))
        removed = [b for i, b in enumerate(before) if i not in used_b]
        added = [a for j, a in enumerate(after) if j not in used_a]
        out[entry_id] = (removed, added, moves)
    return out


def change_counts(base: TimetableVersion | None, target: TimetableVersion) -> Counts:
    """How many screenings ``target`` adds, removes and moves against ``base`` (as diff_versions counts
    them, without loading films and theaters)."""
    if base is None:
        return Counts()
    per_film = _pairs(_rows(base), _rows(target)).values()
    return Counts(
        added=sum(len(a) for _r, a, _m in per_film),
        removed=sum(len(r) for r, _a, _m in per_film),
        moved=sum(len(m) for _r, _a, m in per_film),
    )


def diff_versions(base: TimetableVersion | None, target: TimetableVersion) -> Diff:
    """Screenings added, removed and moved from ``base`` to ``target``.

    A film's screenings that are in only one of the two versions are paired as moves, nearest in
    time first (same theater breaking ties); what is left over is added or removed."""
    old, new = _rows(base), _rows(target)
    per_film = _pairs(old, new)
    rows = [
        r
        for removed, added, moves in per_film.values()
        for r in (*removed, *added, *(x for m in moves for x in m))
    ]
    entries = _by_id(Entry, set(per_film))
    theaters = _by_id(Theater, {r.theater_id for r in rows})

    def slot(row: _Row) -> Slot:
        return Slot(theaters[row.theater_id], row.start, row.end)

    changes: list[Change] = []
    for entry_id, (removed, added, moves) in per_film.items():
        entry = entries[entry_id]
        changes += [Change("moved", entry, slot(b), slot(a), b.programme_id) for b, a in moves]
        changes += [Change("removed", entry, slot(b), None, b.programme_id) for b in removed]
        changes += [Change("added", entry, None, slot(a), a.programme_id) for a in added]
    changes.sort(key=lambda c: c.sort_key)
    return Diff(base, target, changes, sum(1 for key in new if key in old))


KINDS = ("added", "removed", "moved")


def matching(changes: list[Change], query: str, kind: str = "") -> list[Change]:
    """The changes of ``kind`` (any when empty or unknown) whose film (any of its titles) or theater
    (before or after) contains every word of ``query``."""

    def names(c: Change) -> list[str | None]:
        e = c.entry
        out = [e.display_title, e.title_zh, e.title_original]
        for slot in (c.before, c.after):
            if slot is not None:
                out += [slot.theater.name, slot.theater.name_zh]
        return out

    return [c for c in changes if (kind not in KINDS or c.kind == kind) and paging.matches(query, names(c))]


def _by_id(model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {obj.id: obj for obj in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}
