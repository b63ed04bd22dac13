"""Manual edits of a draft: pin, move, add and remove screenings, each checked against every hard rule.

Every edit is checked before it is kept: the draft's screenings with the edit applied are run
through the solver's own validator (``scheduler.check_json``) against the edition's instance
(``festival.schedule.adapter``). An edit that would break a hard rule raises ``EditRejected`` with
the validator's messages in words, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

import scheduler
from festival import audit
from festival.editions import out_of_reach
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import (
    Decision,
    Edition,
    Entry,
    Screening,
    ShortsProgramme,
    Theater,
    TimetableVersion,
    User,
)
from festival.schedule import adapter, suggest
from festival.schedule.problems import Namer, Problem
from festival.schedule.versions import EditRejected, check_editable, touch
from scheduler import parse_time

# ---------------------------------------------------------------- edits


@dataclass(frozen=True)
class Placement:
    """Where a screening would go: the film (or, with ``programme_id``, the shorts programme), the theater,
    the aware start and, for a touring film in a room, the print it uses."""

    entry_id: int | None
    theater_id: int
    start: datetime
    print_number: int | None = None
    programme_id: int | None = None

    @classmethod
    def of(cls, s: Screening, theater_id: int | None = None, start: datetime | None = None) -> Placement:
        """Where a screening row is (with its print), or, given a theater and a start, would be (the print
        to be chosen)."""
        if theater_id is None and start is None:
            return cls(s.entry_id, s.theater_id, s.start, s.print_number, s.programme_id)
        return cls(s.entry_id, theater_id or s.theater_id, start or s.start, None, s.programme_id)

    @property
    def film(self) -> str:
        """The instance film id: ``e<entry>`` or ``p<programme>``."""
        return adapter.item_film_id(self)


@dataclass
class EditCheck:
    """The validator's verdict on a draft with an edit applied."""

    instance: scheduler.Instance
    theater_ids: dict[int, str]
    new_problems: list[Problem] = field(default_factory=list)
    others: list[scheduler.Screening] = field(default_factory=list)  # the draft without the edit's screening

    def value(self, p: Placement, edition: Edition) -> int:
        """Expected attendance of a placement (the objective's value of the screening)."""
        film = self.instance.film_by_id.get(p.film)
        theater = self.instance.theater_by_id.get(self.theater_ids.get(p.theater_id, ""))
        if film is None or theater is None:
            return 0
        return self.instance.value(film, theater, parse_time(adapter.local_text(p.start, edition)))


def _spec(p: Placement, edition: Edition, tids: dict[int, str]) -> dict:
    out = {
        "film": p.film,
        "theater": tids.get(p.theater_id, f"#{p.theater_id}"),
        "start": adapter.local_text(p.start, edition),
    }
    if p.print_number is not None:
        out["print"] = p.print_number
    return out


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
    Raises InvalidInput when the edition's data cannot form an instance."""
    edition = db.session.get(Edition, version.edition_id)
    rows = list(db.session.scalars(sa.select(Screening).where(Screening.timetable_id == version.id)))
    pinned = pins if pins is not None else {s.id for s in rows if s.pinned}
    try:
        data = adapter.build_instance(edition, base_version=version, keep_pins=False)
        theaters = adapter.edition_theaters(edition)
    except adapter.InstanceBuildError as exc:
        raise InvalidInput(
            _l("The festival data cannot be checked: %(errors)s", errors="; ".join(exc.messages))
        ) from None
    tids = adapter.theater_ids(theaters)
    current = {s.id: Placement.of(s) for s in rows}
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
    others = [scheduler.Screening(parse_time(x["start"]), x["theater"], x["film"], x.get("print"))
              for x in after_list]  # fmt: skip
    return EditCheck(instance, tids, problems, others[: len(after)])


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
    """Refuse an edit that breaks a rule."""
    if check.new_problems:
        raise _rejection(check)


def _rejection(check: EditCheck, edition: Edition | None = None, want: Placement | None = None,
               moving: Screening | None = None) -> EditRejected:  # fmt: skip
    """The refusal of an edit that breaks a rule; for a move or an addition (``want``), with the nearest
    valid starts (none for a pinned screening: it must be unpinned before it moves)."""
    suggestions = []
    if want is not None and not (moving is not None and moving.pinned):
        now = _instance_screening(moving, edition, check.theater_ids) if moving is not None else None
        suggestions = suggest.nearest_starts(
            edition, check.instance, check.theater_ids, check.others, film_id=want.film,
            theater=db.session.get(Theater, want.theater_id), start=want.start, exclude=now,
        )  # fmt: skip
    return EditRejected(
        _l("This change would break the timetable's rules, so nothing was saved."),
        check.new_problems,
        suggestions,
    )


def _instance_screening(s: Screening, edition: Edition, tids: dict[int, str]) -> scheduler.Screening:
    spec = _spec(Placement.of(s), edition, tids)
    return scheduler.Screening(parse_time(spec["start"]), spec["theater"], spec["film"])


def _describe(s: Screening | Placement, edition: Edition) -> dict:
    described = {"film": s.entry_id, "theater": s.theater_id, "start": adapter.local_text(s.start, edition)}
    if s.programme_id is not None:
        described["programme"] = s.programme_id
    return described


def _runtime(item) -> int:
    """The running time of what a screening shows (an entry, or a shorts programme with its gaps)."""
    if item is None or not item.runtime_minutes:
        raise InvalidInput(_l("This film has no running time, so it cannot be scheduled."))
    return item.runtime_minutes


def _ensure_within_reach(start: datetime, edition: Edition) -> None:
    """A start more than a year from the window is a typing error, refused next to the date (9999-12-31
    would overflow the rules' arithmetic); a nearer one outside the window is the validator's to explain."""
    if message := out_of_reach(edition, start):
        raise InvalidInput(errors={"day": [message]})


def _placement_checked(
    version: TimetableVersion,
    lock: int | None,
    target: Placement,
    *,
    remove: Screening | None = None,
    add_pinned: bool = False,
) -> tuple[Edition, EditCheck, Placement]:
    """Before a screening is placed (moved: ``remove`` is the screening; or added): the draft may change,
    the start is within reach, and every hard rule holds with the edit (else EditRejected with the nearest
    valid starts). A touring film's screening in a room takes a print whose tour can have it (the one it
    had first, then the others in turn; ``print_choices``); when none can, the refusal says the tour the
    first one would break. Returns the edition, the check (its values give the placement's expected
    attendance) and the placement with its print."""
    check_editable(version, lock)
    edition = db.session.get(Edition, version.edition_id)
    _ensure_within_reach(target.start, edition)
    refused: list[EditCheck] = []
    for number in print_choices(target, remove):
        placed = replace(target, print_number=number)
        check = check_edit(version, remove=remove, add=placed, add_pinned=add_pinned)
        if not check.new_problems:
            return edition, check, placed
        refused.append(check)
        if not any(p.rule == "prints" for p in check.new_problems):
            break  # another print would not mend a rule that is not the prints'
    raise _rejection(refused[0], edition, target, remove)


def print_choices(target: Placement, moving: Screening | None) -> list[int | None]:
    """The prints a placement may use, in the order they are tried: none for a digital film or an online
    channel; else the moved screening's own print first, then every other one."""
    decision = db.session.scalar(sa.select(Decision).where(Decision.entry_id == target.entry_id))
    theater = db.session.get(Theater, target.theater_id)
    if decision is None or not decision.prints or theater is None or theater.online:
        return [None]
    numbers = list(range(1, decision.prints + 1))
    own = moving.print_number if moving is not None else None
    return [own, *(k for k in numbers if k != own)] if own in numbers else numbers


def occupied_until(theater: Theater, start: datetime, item) -> datetime:
    """When a screening of ``item`` (a film, or a shorts programme) starting at ``start`` frees its theater:
    its end, or a channel's window."""
    if theater.online and theater.window_minutes:
        return start + timedelta(minutes=theater.window_minutes)
    return start + timedelta(minutes=_runtime(item))


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
    touch(version)
    edition = db.session.get(Edition, version.edition_id)
    audit.record(
        version, actor=actor, action="screening.pinned" if pinned else "screening.unpinned",
        new=_describe(screening, edition),
    )  # fmt: skip
    return screening


def move_screening(
    screening: Screening, *, theater: Theater, start: datetime, actor: User | None, lock: int | None
) -> Screening:
    """Move a draft's screening to another theater and/or start time, if every hard rule still holds.

    Raises VersionFrozen, StaleVersion, InvalidInput (a day a year away from the window), EditRejected."""
    version = screening.timetable
    target = Placement.of(screening, theater.id, start)
    edition, check, target = _placement_checked(version, lock, target, remove=screening)
    before = _describe(screening, edition)
    screening.theater_id = theater.id
    screening.start = start
    screening.end = occupied_until(theater, start, screening.item)
    screening.print_number = target.print_number
    screening.expected_attendance = check.value(target, edition)
    touch(version)
    audit.record(version, actor=actor, action="screening.moved", old=before, new=_describe(target, edition))
    return screening


def add_screening(
    version: TimetableVersion,
    *,
    entry: Entry | None = None,
    programme: ShortsProgramme | None = None,
    theater: Theater,
    start: datetime,
    actor: User | None,
    lock: int | None,
    pinned: bool = False,
) -> Screening:
    """Add a screening of an accepted film, or of a shorts programme (one screening of all its films, as the
    solver schedules it), to a draft, if every hard rule still holds.

    Raises VersionFrozen, StaleVersion, InvalidInput (a day a year away from the window; not one film or
    programme of the draft's edition), EditRejected."""
    item = programme if programme is not None else entry
    if item is None or (entry is not None and programme is not None) or item.edition_id != version.edition_id:
        raise InvalidInput(errors={"entry": [_l("Choose a film or a shorts programme of this edition.")]})
    if programme is not None:
        target = Placement(None, theater.id, start, programme_id=programme.id)
    else:
        target = Placement(entry.id, theater.id, start)
    edition, check, target = _placement_checked(version, lock, target, add_pinned=pinned)
    screening = Screening(
        timetable_id=version.id,
        entry_id=target.entry_id,
        programme_id=target.programme_id,
        theater_id=theater.id,
        start=start,
        end=occupied_until(theater, start, item),
        print_number=target.print_number,
        pinned=pinned,
        expected_attendance=check.value(target, edition),
    )
    db.session.add(screening)
    touch(version)
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
    touch(version)
