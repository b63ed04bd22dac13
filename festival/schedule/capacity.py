"""Screen time while selecting: the engine's capacity by theater group (``scheduler.capacity``) on the films
accepted so far, with what a lead is deciding staged on top.

The films counted are the edition's instance (``adapter.build_instance``: the released accepted films)
plus every draft decision that accepts a film, minus the drafts that reject or waitlist one, then the
values a page is staging (the decision form as it stands, the rows ticked in the ranking). Pins and
published screenings play no part in the figures, so they are left out. The rooms' free time (the
engine's ``scheduler.Supply``) depends on the venues, theaters and their events only: it is kept between
requests (``SUPPLY_CACHE``) under the rooms' own values, so a staged change costs the films' part only.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

import scheduler
from festival.extensions import db
from festival.labels import format_label
from festival.models import Decision, Edition, Entry
from festival.models.enums import DecisionOutcome, EntryStatus
from festival.navigation import localized
from festival.schedule import adapter

SUPPLY_CACHE_SIZE = 32
_supplies: OrderedDict[tuple, scheduler.Supply] = OrderedDict()
_supplies_lock = threading.Lock()
_FILM_PATH = re.compile(r"^films\[(\d+)\]")


def supply_for(instance: scheduler.Instance) -> scheduler.Supply:
    """The rooms' free time of an instance, from the cache when the same rooms were read before."""
    key = scheduler.Supply.key(instance)
    with _supplies_lock:
        found = _supplies.get(key)
        if found is not None:
            _supplies.move_to_end(key)
            return found
    supply = scheduler.Supply(instance)
    with _supplies_lock:
        _supplies[key] = supply
        while len(_supplies) > SUPPLY_CACHE_SIZE:
            _supplies.popitem(last=False)
    return supply


def draft_decisions(edition: Edition) -> list[tuple[Entry, Decision]]:
    """The edition's unreleased decisions on entries still in the running, in entry order."""
    stmt = (
        sa.select(Entry, Decision)
        .join(Decision, Decision.entry_id == Entry.id)
        .where(
            Entry.edition_id == edition.id,
            Entry.status != EntryStatus.WITHDRAWN,
            Decision.released_at.is_(None),
        )
        .order_by(Entry.number, Entry.id)
    )
    return [(e, d) for e, d in db.session.execute(stmt)]


def staged_instance(edition: Edition, staged: Mapping[Entry, Any | None]) -> dict:
    """The edition's instance with the draft decisions and the staged values in place: ``staged`` maps an
    entry to the values a page decides for it (anything ``adapter.film_json`` reads: a ``Decision``, a
    ``DecisionInput``), or to None when it is not accepted."""
    data = adapter.build_instance(edition, keep_pins=False)
    data["fixed"], data["previous"] = [], []
    films = {f["id"]: f for f in data["films"]}
    changes: dict[Entry, Any | None] = {
        e: (d if d.outcome == DecisionOutcome.ACCEPTED else None) for e, d in draft_decisions(edition)
    }
    changes.update(staged)
    for entry, values in changes.items():
        fid = adapter.film_id(entry.id)
        if values is None or entry.status == EntryStatus.WITHDRAWN:
            films.pop(fid, None)
        else:
            films[fid] = adapter.film_json(entry, values)
    data["films"] = list(films.values())
    return data


def read_staged(data: dict) -> tuple[scheduler.Instance, set[str]]:
    """Read a staged instance; films the reader refuses (a form half filled in) are left out and named."""
    refused: set[str] = set()
    while True:
        try:
            return adapter.parse(data), refused
        except adapter.InstanceBuildError as exc:
            bad = {int(m.group(1)) for p in exc.problems if (m := _FILM_PATH.match(p.path))}
            if not bad:
                raise
            refused |= {f.get("id") for i, f in enumerate(data["films"]) if i in bad}
            keep = [f for i, f in enumerate(data["films"]) if i not in bad]
            data = {**data, "films": keep}


# ---------------------------------------------------------------- in words


@dataclass(frozen=True)
class GroupFigure:
    """One theater group (the engine's ``GroupCapacity``) as the pages show it."""

    name: str
    group: scheduler.GroupCapacity

    @property
    def films(self) -> int:
        return len(self.group.films)

    @property
    def needed(self) -> int:
        return self.group.needed

    @property
    def available(self) -> int:
        return self.group.available

    @property
    def remaining(self) -> int:
        return self.group.remaining

    @property
    def short(self) -> bool:
        return self.group.short

    @property
    def first(self) -> date:
        return date.fromordinal(self.group.first)

    @property
    def last(self) -> date:
        return date.fromordinal(self.group.last)

    @property
    def needed_text(self) -> str:
        return duration(self.needed)

    @property
    def available_text(self) -> str:
        return duration(self.available)

    @property
    def used_percent(self) -> int:
        """Share of the free time the films need, in whole per cent (100 and more: short)."""
        return round(100 * self.needed / self.available) if self.available else (100 if self.needed else 0)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "films": self.films,
            "needed": self.needed,
            "available": self.available,
            "remaining": self.remaining,
            "short": self.short,
            "used_percent": self.used_percent,
            "words": self.words(),
        }

    def words(self) -> str:
        text = ngettext(
            "%(group)s: %(num)d film needs %(needed)s of the %(available)s open (%(first)s to %(last)s).",
            "%(group)s: %(num)d films need %(needed)s of the %(available)s open (%(first)s to %(last)s).",
            self.films,
            group=self.name,
            needed=duration(self.needed),
            available=duration(self.available),
            first=self.first.isoformat(),
            last=self.last.isoformat(),
        )
        if self.short:
            return text + " " + _("Short by %(missing)s.", missing=duration(-self.remaining))
        return text + " " + _("%(left)s left.", left=duration(self.remaining))


@dataclass(frozen=True)
class UseFigure:
    """What the staged films take of their group."""

    group: str
    films: int
    uses: int
    before: int
    share: float | None
    more: int
    runtime: int
    screenings: int

    def as_json(self) -> dict:
        return {
            "group": self.group,
            "films": self.films,
            "uses": self.uses,
            "share_percent": None if self.share is None else round(100 * self.share, 1),
            "more": self.more,
            "words": self.words(),
        }

    def words(self) -> str:
        if self.share is None:
            first = ngettext(
                "Accepting it needs %(uses)s of %(group)s time, and none is left.",
                "Accepting them needs %(uses)s of %(group)s time, and none is left.",
                self.films,
                uses=duration(self.uses),
                group=self.group,
            )
        else:
            first = ngettext(
                "Accepting it uses %(share)s %% of the remaining %(group)s time (%(uses)s of %(before)s).",
                "Accepting them uses %(share)s %% of the remaining %(group)s time (%(uses)s of %(before)s).",
                self.films,
                share=_percent(self.share),
                group=self.group,
                uses=duration(self.uses),
                before=duration(self.before),
            )
        if self.share is not None and self.share > 1:
            return first + " " + _("It does not fit with the films accepted so far.")
        more = ngettext(
            "About %(num)d more %(runtime)d-minute film with %(screenings)d screenings fits.",
            "About %(num)d more %(runtime)d-minute films with %(screenings)d screenings fit.",
            self.more,
            runtime=self.runtime,
            screenings=self.screenings,
        )
        return first + " " + more


def _percent(share: float) -> str:
    value = 100 * share
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def duration(minutes: int) -> str:
    """``12 h 05 min`` (``12小时05分``)."""
    hours, rest = divmod(max(0, minutes), 60)
    return _("%(hours)d h %(minutes)02d min", hours=hours, minutes=rest)


def group_name(group: scheduler.GroupCapacity, names: Mapping[str, str]) -> str:
    """A theater group in words: one theater by its name; several by the formats of their films and the
    theaters' names (``4D films: 4D Theater, Motion Theater``)."""
    theaters = [names.get(t, t) for t in group.theaters]
    if len(theaters) == 1:
        return theaters[0]
    formats = ", ".join(format_label(f) for f in group.formats)
    return _("%(formats)s in %(theaters)s", formats=formats, theaters=", ".join(theaters))


@dataclass(frozen=True)
class Selection:
    """The capacity figures of a selection: every group, what the focus films take, films left out."""

    groups: list[GroupFigure]
    uses: list[UseFigure]
    refused: list[str]
    no_theater: bool
    errors: tuple[str, ...] = ()  # the edition's data cannot form an instance: what the reader says

    def as_json(self) -> dict:
        return {
            "groups": [g.as_json() for g in self.groups],
            "uses": [u.as_json() for u in self.uses],
            "refused": self.refused,
            "no_theater": self.no_theater,
            "errors": list(self.errors),
        }


def selection(
    edition: Edition, staged: Mapping[Entry, Any | None] | None = None, focus: Iterable[Entry] = ()
) -> Selection:
    """The capacity by theater group of the edition's selection with ``staged`` in place, and what the
    ``focus`` entries (when accepted) take of their groups."""
    data = staged_instance(edition, staged or {})
    try:
        instance, refused = read_staged(data)
    except adapter.InstanceBuildError as exc:  # venues or theaters the reader refuses: say so, count nothing
        return Selection([], [], [], False, errors=(str(exc.message), *map(str, exc.messages)))
    engine = scheduler.Capacity(instance, supply_for(instance))
    names = {tid: localized(t, "name") for tid, t in adapter.theater_map(edition).items()}
    groups = [GroupFigure(group_name(g, names), g) for g in engine.groups()]
    focus = list(focus)
    film_ids = [adapter.film_id(e.id) for e in focus]
    uses = []
    for use in engine.use(film_ids):
        films = [instance.film_by_id[f] for f in use.films]
        uses.append(
            UseFigure(
                group=group_name(use.group, names),
                films=len(films),
                uses=use.uses,
                before=use.before,
                share=use.share,
                more=use.more,
                runtime=round(sum(f.runtime for f in films) / len(films)),
                screenings=round(sum(f.min_screenings for f in films) / len(films)),
            )
        )
    titles = {adapter.film_id(e.id): e for e in focus}
    no_theater = any(
        fid in instance.film_by_id and not engine.theaters(instance.film_by_id[fid]) for fid in film_ids
    )
    return Selection(
        groups=groups,
        uses=uses,
        refused=[titles[f].reference or titles[f].display_title for f in refused if f in titles],
        no_theater=no_theater,
    )
