"""Shorts programmes (issue 18): the edition's accepted short films grouped into programmes that screen as
one. The engine proposes the grouping (``scheduler.propose_programmes``); staff edit it here, and every
edit keeps a programme showable (one format, one room with every feature its films require, one
audience) and within the edition's length, or is refused in words.

A short film is an accepted film of at most ``Edition.shorts_threshold_minutes``; a programme runs its
films plus ``Edition.programme_gap_minutes`` between two films, between ``programme_min_minutes`` and
``programme_max_minutes``. Services flush, never commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

import scheduler
from festival import audit
from festival.errors import InvalidInput, InvalidTransition
from festival.extensions import db, job_queue
from festival.jobs import worker_id, worker_is_gone
from festival.labels import AUDIENCE_LABELS, FORMAT_LABELS, film_title, label_of
from festival.models import (
    Decision,
    Edition,
    Entry,
    Screening,
    ShortsProgramme,
    ShortsProgrammeEntry,
    ShortsProposal,
    TimetableVersion,
    User,
)
from festival.models.enums import VersionStatus
from festival.models.types import utcnow
from festival.schedule.adapter import accepted_entries, edition_theaters
from scheduler import shorts as rules

# how long the proposer may think (seconds); it is proven best well before on a festival's shorts
PROPOSE_SECONDS = 5
PROPOSE_SEED = 2026
PROPOSE_TASK = "propose_shorts"  # the job queue's task (festival.schedule.tasks)

log = logging.getLogger("festival.shorts")


class ShortsRefused(InvalidInput):
    """An edit of a programme that would break its rules; the message says which and why."""

    default = _l("This change would break the programme's rules; nothing was saved.")


class ProgrammeScreened(InvalidTransition):
    default = _l(
        "This programme has screenings in a published timetable; its films cannot change. Copy the "
        "timetable into a new draft and remove them there first."
    )


# ---------------------------------------------------------------- reads


def lengths_of(edition: Edition) -> scheduler.Lengths:
    return scheduler.Lengths(
        edition.programme_min_minutes, edition.programme_max_minutes, edition.programme_gap_minutes
    )


def rooms_of(edition: Edition) -> list[scheduler.Room]:
    return [
        scheduler.Room(frozenset(t.formats or ()), frozenset(t.features or ()))
        for t in edition_theaters(edition)
    ]


def short_entries(edition: Edition) -> list[tuple[Entry, Decision]]:
    """The edition's accepted films that are short films (a running time within the threshold)."""
    limit = edition.shorts_threshold_minutes
    return [(e, d) for e, d in accepted_entries(edition) if e.runtime_minutes and e.runtime_minutes <= limit]


def short_film(entry: Entry, decision: Decision | None) -> scheduler.ShortFilm:
    """An entry as the proposer sees it (its id is the entry's id as text)."""
    return scheduler.ShortFilm(
        id=str(entry.id),
        runtime=entry.runtime_minutes or 0,
        format=entry.format.value if entry.format is not None else "",
        requires=frozenset(decision.requires or ()) if decision is not None else frozenset(),
        audiences=frozenset(entry.audiences or ()),
        popularity=(decision.popularity or 0) if decision is not None else 0,
    )


def programmes_of(edition: Edition) -> list[ShortsProgramme]:
    stmt = (
        sa.select(ShortsProgramme)
        .where(ShortsProgramme.edition_id == edition.id)
        .options(selectinload(ShortsProgramme.entries).selectinload(ShortsProgrammeEntry.entry))
        .order_by(ShortsProgramme.id)
    )
    return list(db.session.scalars(stmt))


def member_ids(edition: Edition) -> set[int]:
    """The entries of the edition that are in a programme."""
    stmt = (
        sa.select(ShortsProgrammeEntry.entry_id)
        .join(ShortsProgramme, ShortsProgramme.id == ShortsProgrammeEntry.programme_id)
        .where(ShortsProgramme.edition_id == edition.id)
    )
    return set(db.session.scalars(stmt))


def minutes_of(programme: ShortsProgramme, edition: Edition) -> int:
    """How long a programme runs: its films and a gap between two films."""
    return lengths_of(edition).of(e.runtime_minutes or 0 for e in programme.films)


def _decisions(entries: Sequence[Entry]) -> dict[int, Decision]:
    ids = [e.id for e in entries]
    if not ids:
        return {}
    return {d.entry_id: d for d in db.session.scalars(sa.select(Decision).where(Decision.entry_id.in_(ids)))}


# ---------------------------------------------------------------- the rules, in words


def _film_list(entries: Sequence[Entry], films: Sequence[scheduler.ShortFilm], what) -> str:
    return "; ".join(f"“{film_title(e)}”: {what(f)}" for e, f in zip(entries, films, strict=True) if what(f))


def problems_of(entries: Sequence[Entry], edition: Edition) -> list[tuple[str, str]]:
    """What stops these films from being one programme of the edition: (code of
    ``scheduler.programme_faults``, words) pairs; empty when they can be."""
    decisions = _decisions(entries)
    films = [short_film(e, decisions.get(e.id)) for e in entries]
    lengths = lengths_of(edition)
    minutes = lengths.of(f.runtime for f in films)
    out = []
    for code in scheduler.programme_faults(films, rooms_of(edition), lengths):
        if code == rules.MIXED_FORMATS:
            named = _film_list(entries, films, lambda f: label_of(FORMAT_LABELS, f.format))
            words = _l("A programme screens in one format (%(films)s).", films=named)
        elif code == rules.NO_COMMON_ROOM:
            words = _l(
                "No theater shows %(format)s films with every feature these films need (%(features)s).",
                format=label_of(FORMAT_LABELS, films[0].format),
                features=", ".join(sorted({word for f in films for word in f.requires})) or "—",
            )
        elif code == rules.NO_COMMON_AUDIENCE:
            named = _film_list(
                entries,
                films,
                lambda f: ", ".join(str(label_of(AUDIENCE_LABELS, a)) for a in sorted(f.audiences)),
            )
            words = _l("The films have no audience in common (%(films)s).", films=named)
        elif code == rules.PROGRAMME_TOO_LONG:
            words = _l(
                "The programme would run %(minutes)s minutes (films and %(gap)s-minute gaps), longer "
                "than the %(maximum)s-minute maximum.",
                minutes=minutes,
                gap=lengths.gap,
                maximum=lengths.maximum,
            )
        else:
            words = _l(
                "The programme would run %(minutes)s minutes (films and %(gap)s-minute gaps), shorter "
                "than the %(minimum)s-minute minimum.",
                minutes=minutes,
                gap=lengths.gap,
                minimum=lengths.minimum,
            )
        out.append((code, str(words)))
    return out


def reason_words(unplaced: scheduler.Unplaced, edition: Edition) -> str:
    """Why the proposer left a film out, in words."""
    lengths = lengths_of(edition)
    if unplaced.reason == rules.TOO_LONG:
        return str(
            _l(
                "It runs %(minutes)s minutes, longer than a whole programme may (%(maximum)s).",
                minutes=unplaced.minutes,
                maximum=lengths.maximum,
            )
        )
    if unplaced.reason == rules.NO_ROOM:
        return str(_l("No theater shows its format with the features it requires."))
    if unplaced.reason == rules.TOO_FEW:
        return str(
            _l(
                "The short films it can share a programme with (same format, a room for all, a common "
                "audience) run %(minutes)s minutes together, less than the %(minimum)s-minute minimum.",
                minutes=unplaced.minutes,
                minimum=lengths.minimum,
            )
        )
    assert unplaced.reason == rules.NO_FIT
    return str(_l("No programme within the length limits had room for it beside compatible films."))


# ---------------------------------------------------------------- proposing


@dataclass(frozen=True)
class Proposal:
    """What a proposal made: the new programmes, and each short film left out with why (in words)."""

    programmes: list[ShortsProgramme]
    left_out: list[tuple[Entry, str]]
    optimal: bool


def grouping(
    edition: Edition,
    *,
    seed: int = PROPOSE_SEED,
    time_limit: float = PROPOSE_SECONDS,
    release: Callable[[], object] = lambda: None,
) -> scheduler.Grouping:
    """The engine's grouping (``scheduler.propose_programmes``) of the edition's accepted short films that
    are in no programme yet; ``release()`` is called once the films are read, before the engine works (a
    background task ends its transaction there)."""
    taken = member_ids(edition)
    films = [short_film(e, d) for e, d in short_entries(edition) if e.id not in taken]
    rooms, lengths = rooms_of(edition), lengths_of(edition)
    release()
    return scheduler.propose_programmes(films, rooms, lengths, seed=seed, time_limit=time_limit)


def store_grouping(edition: Edition, grouping: scheduler.Grouping) -> Proposal:
    """The grouping's programmes as new programmes of the edition, titled "Shorts programme N" (flushes;
    IntegrityError when one of the films went into a programme meanwhile)."""
    number = len(programmes_of(edition))
    made = []
    for ids in grouping.programmes:
        number += 1
        programme = ShortsProgramme(
            edition_id=edition.id, title_en=f"Shorts programme {number}", title_zh=f"短片单元 {number}"
        )
        programme.entries = [ShortsProgrammeEntry(entry_id=int(fid), position=i) for i, fid in enumerate(ids)]
        db.session.add(programme)
        made.append(programme)
    db.session.flush()
    left_out = [(db.session.get(Entry, int(u.film)), reason_words(u, edition)) for u in grouping.unplaced]
    return Proposal(made, left_out, grouping.optimal)


def propose(edition: Edition, *, seed: int = PROPOSE_SEED, time_limit: float = PROPOSE_SECONDS) -> Proposal:
    """Group the edition's accepted short films that are in no programme yet into new programmes, here and
    now (staff start it in the background: ``start_proposal``)."""
    return store_grouping(edition, grouping(edition, seed=seed, time_limit=time_limit))


# ---------------------------------------------------------------- proposing in the background


class ProposalActive(InvalidTransition):
    """A proposal of the edition is queued or being made; a second would group the same films."""

    default = _l(
        "Programmes are being proposed for this edition already; the page shows when they are ready."
    )


def latest_proposal(edition: Edition) -> ShortsProposal | None:
    """The edition's newest proposal, freshly read (a worker changes it)."""
    stmt = (
        sa.select(ShortsProposal)
        .where(ShortsProposal.edition_id == edition.id)
        .order_by(ShortsProposal.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(stmt)


def start_proposal(edition: Edition, *, actor: User | None) -> ShortsProposal:
    """A queued proposal of programmes for the edition (flushes; the view enqueues it after the commit).
    Raises ProposalActive while another is queued or running (the database's partial unique index decides
    between two presses at once)."""
    current = latest_proposal(edition)
    if current is not None and current.active:
        raise ProposalActive()
    proposal = ShortsProposal(edition_id=edition.id, created_by_id=actor.id if actor else None)
    db.session.add(proposal)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ProposalActive() from None
    audit.record(edition, actor=actor, action="shorts.propose")
    return proposal


def enqueue_proposal(proposal: ShortsProposal) -> bool:
    """Hand a committed queued proposal to the job queue; when the queue refuses, mark it failed."""
    refused = job_queue.offer(PROPOSE_TASK, proposal.id)
    if refused is not None:
        _set_status(proposal.id, "failed", ("queued",), error=f"Could not queue the proposal: {refused}")
    return refused is None


def _set_status(proposal_id: int, to: str, allowed: tuple[str, ...], **values) -> bool:
    """Move a proposal to ``to`` when its status is one of ``allowed``, in a short transaction of its own
    (visible to every process at once); whether it moved."""
    if to in ("finished", "failed"):
        values.setdefault("finished_at", utcnow())
    stmt = (
        sa.update(ShortsProposal)
        .where(ShortsProposal.id == proposal_id, ShortsProposal.status.in_(allowed))
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    with db.engine.begin() as conn:
        return conn.execute(stmt).rowcount == 1


def execute_proposal(proposal_id: int) -> str | None:
    """The job: make a queued proposal's programmes and keep what it made and left out on the proposal.
    Commits (it is the command). Every exception ends the proposal as failed with its text, nothing of it
    kept; returns the final status (None when it was not queued any more)."""
    if not _set_status(proposal_id, "running", ("queued",), started_at=utcnow(), worker=worker_id()):
        return None
    try:
        proposal = db.session.get(ShortsProposal, proposal_id)
        edition = db.session.get(Edition, proposal.edition_id)
        found = grouping(edition, release=db.session.rollback)  # no transaction held while it thinks
        made = store_grouping(edition, found)
        proposal = db.session.get(ShortsProposal, proposal_id)
        proposal.result = {
            "programmes": [p.id for p in made.programmes],
            "left_out": [
                {"entry": int(u.film), "reason": u.reason, "minutes": u.minutes} for u in found.unplaced
            ],
            "optimal": found.optimal,
        }
        proposal.status, proposal.finished_at = "finished", utcnow()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        error = "A film went into a programme while the proposal was being made; nothing was kept."
        _set_status(proposal_id, "failed", ("running",), error=error)
        return "failed"
    except Exception as exc:
        db.session.rollback()
        log.exception("shorts proposal %s failed", proposal_id)
        _set_status(proposal_id, "failed", ("running",), error=f"{type(exc).__name__}: {exc}")
        return "failed"
    return "finished"


def reap_stale_proposals() -> int:
    """Mark failed the running proposals whose worker process is gone (crashed or killed); how many.
    Called when a worker starts and when the programmes page is shown."""
    stmt = sa.select(ShortsProposal.id, ShortsProposal.worker).where(ShortsProposal.status == "running")
    reaped = 0
    for proposal_id, worker in db.session.execute(stmt).all():
        if worker_is_gone(worker):
            error = f"The worker process {worker} is gone: it crashed or was killed. Nothing was kept."
            reaped += _set_status(proposal_id, "failed", ("running",), error=error)
    return reaped


@dataclass(frozen=True)
class ProposalOutcome:
    """A finished proposal as the programmes page shows it: the programmes it made that still exist, and
    each film it left out with why, in the reader's language."""

    made: int
    programmes: list[ShortsProgramme]
    left_out: list[tuple[Entry, str]]


def outcome_of(proposal: ShortsProposal) -> ProposalOutcome | None:
    """What a finished proposal made and left out (None until it has finished)."""
    if proposal.status != "finished":
        return None
    edition = db.session.get(Edition, proposal.edition_id)
    result = proposal.result or {}
    ids = result.get("programmes", [])
    programmes = [p for p in (db.session.get(ShortsProgramme, i) for i in ids) if p is not None]
    left_out = []
    for item in result.get("left_out", []):
        entry = db.session.get(Entry, item["entry"])
        if entry is not None:
            unplaced = scheduler.Unplaced(str(item["entry"]), item["reason"], item.get("minutes", 0))
            left_out.append((entry, reason_words(unplaced, edition)))
    return ProposalOutcome(len(ids), programmes, left_out)


def waiting_shorts(edition: Edition) -> list[tuple[Entry, str]]:
    """The accepted short films in no programme, each with what stops it (in words) or an empty string
    when nothing does (a proposal may place it)."""
    taken = member_ids(edition)
    shorts = [(e, d) for e, d in short_entries(edition) if e.id not in taken]
    kinds, lengths = rules.room_kinds(rooms_of(edition)), lengths_of(edition)
    films = [short_film(e, d) for e, d in shorts]
    out = []
    for (entry, _decision), film in zip(shorts, films, strict=True):
        reason = scheduler.why_alone(film, films, kinds, lengths)
        out.append((entry, reason_words(reason, edition) if reason is not None else ""))
    return out


# ---------------------------------------------------------------- editing


def _published_screenings(programme: ShortsProgramme) -> int:
    stmt = (
        sa.select(sa.func.count(Screening.id))
        .join(TimetableVersion, TimetableVersion.id == Screening.timetable_id)
        .where(Screening.programme_id == programme.id, TimetableVersion.status != VersionStatus.DRAFT)
    )
    return db.session.scalar(stmt) or 0


def _refuse_unless_valid(
    entries: Sequence[Entry], edition: Edition, *, field: str = "films", allow: frozenset[str] = frozenset()
) -> None:
    """Refuse, in words, films that cannot be one programme (problems of the kinds in ``allow`` aside)."""
    problems = [words for kind, words in problems_of(entries, edition) if kind not in allow]
    if problems:
        raise ShortsRefused(" ".join(problems), errors={field: problems})


def _check_candidate(entry: Entry, edition: Edition, programme: ShortsProgramme | None = None) -> None:
    shorts = {e.id for e, _ in short_entries(edition)}
    if entry.edition_id != edition.id or entry.id not in shorts:
        raise ShortsRefused(
            _l(
                "“%(title)s” is not an accepted short film of this edition (at most %(minutes)s minutes).",
                title=film_title(entry),
                minutes=edition.shorts_threshold_minutes,
            )
        )
    member = db.session.scalar(
        sa.select(ShortsProgrammeEntry).where(ShortsProgrammeEntry.entry_id == entry.id)
    )
    if member is not None and (programme is None or member.programme_id != programme.id):
        raise ShortsRefused(
            _l(
                "“%(title)s” is already in the programme “%(programme)s”.",
                title=film_title(entry),
                programme=member.programme.display_title,
            )
        )
    if member is not None:
        raise ShortsRefused(_l("“%(title)s” is already in this programme.", title=film_title(entry)))


def _set_films(programme: ShortsProgramme, entries: Sequence[Entry]) -> None:
    if _published_screenings(programme):
        raise ProgrammeScreened()
    current = {m.entry_id: m for m in programme.entries}
    programme.entries = [current.get(e.id) or ShortsProgrammeEntry(entry_id=e.id, entry=e) for e in entries]
    for position, member in enumerate(programme.entries):
        member.position = position
    db.session.flush()
    # its screenings in drafts keep their starts and take the new length (a check before publishing,
    # or the next edit, says whether it still fits there)
    length = timedelta(minutes=minutes_of(programme, programme.edition))
    drafts = sa.select(TimetableVersion.id).where(TimetableVersion.status == VersionStatus.DRAFT)
    stmt = sa.select(Screening).where(
        Screening.programme_id == programme.id, Screening.timetable_id.in_(drafts)
    )
    for screening in db.session.scalars(stmt):
        screening.end = screening.start + length
    db.session.flush()


def create_programme(
    edition: Edition,
    *,
    title_en: str,
    title_zh: str | None,
    entries: Sequence[Entry],
    note_en: str | None = None,
    note_zh: str | None = None,
) -> ShortsProgramme:
    """A programme of these films in this order, checked whole."""
    if not entries:
        message = _l("Choose the programme's films.")
        raise ShortsRefused(message, errors={"films": [message]})
    for entry in entries:
        _check_candidate(entry, edition)
    if len({e.id for e in entries}) != len(entries):
        raise ShortsRefused(_l("A film is listed twice."), errors={"films": [_l("A film is listed twice.")]})
    _refuse_unless_valid(entries, edition)
    programme = ShortsProgramme(
        edition_id=edition.id,
        title_en=title_en,
        title_zh=title_zh or None,
        note_en=note_en or None,
        note_zh=note_zh or None,
    )
    db.session.add(programme)
    db.session.flush()
    _set_films(programme, entries)
    return programme


def rename(
    programme: ShortsProgramme,
    *,
    title_en: str,
    title_zh: str | None,
    note_en: str | None,
    note_zh: str | None,
) -> ShortsProgramme:
    programme.title_en = title_en
    programme.title_zh = title_zh or None
    programme.note_en = note_en or None
    programme.note_zh = note_zh or None
    db.session.flush()
    return programme


def add_film(programme: ShortsProgramme, entry: Entry) -> ShortsProgramme:
    """Add a film at the end of the programme, if the programme stays valid."""
    edition = db.session.get(Edition, programme.edition_id)
    _check_candidate(entry, edition, programme)
    films = [*programme.films, entry]
    # a programme being filled may still be short of the minimum: adding never refuses for that
    _refuse_unless_valid(films, edition, field="entry", allow=frozenset({rules.PROGRAMME_TOO_SHORT}))
    _set_films(programme, films)
    return programme


def remove_film(programme: ShortsProgramme, entry: Entry) -> ShortsProgramme:
    """Take a film out of the programme, unless the programme would then run shorter than the minimum
    (delete the programme instead)."""
    edition = db.session.get(Edition, programme.edition_id)
    films = [e for e in programme.films if e.id != entry.id]
    if len(films) == len(programme.films):
        raise ShortsRefused(_l("“%(title)s” is not in this programme.", title=film_title(entry)))
    if not films:
        raise ShortsRefused(_l("A programme keeps at least one film: delete the programme instead."))
    _refuse_unless_valid(films, edition, field="entry")
    _set_films(programme, films)
    return programme


def move_film(programme: ShortsProgramme, entry: Entry, offset: int) -> ShortsProgramme:
    """Move a film earlier (offset -1) or later (+1) in the screening order."""
    films = list(programme.films)
    ids = [e.id for e in films]
    if entry.id not in ids:
        raise ShortsRefused(_l("“%(title)s” is not in this programme.", title=film_title(entry)))
    i = ids.index(entry.id)
    j = min(max(i + offset, 0), len(films) - 1)
    films.insert(j, films.pop(i))
    _set_films(programme, films)
    return programme


def delete_programme(programme: ShortsProgramme) -> None:
    """Delete a programme: its films become single films again. Refused while a published timetable screens
    it; its screenings in drafts are removed with it."""
    if _published_screenings(programme):
        raise ProgrammeScreened()
    db.session.execute(sa.delete(Screening).where(Screening.programme_id == programme.id))
    db.session.delete(programme)
    db.session.flush()


# ---------------------------------------------------------------- settings


def update_settings(edition: Edition, *, threshold: int, minimum: int, maximum: int, gap: int) -> Edition:
    """The edition's shorts settings: what a short film is and how long a programme runs."""
    if minimum > maximum:
        message = _l(
            "The maximum (%(maximum)s) is below the minimum (%(minimum)s).", maximum=maximum, minimum=minimum
        )
        raise InvalidInput(errors={"maximum": [message]})
    edition.shorts_threshold_minutes = threshold
    edition.programme_min_minutes = minimum
    edition.programme_max_minutes = maximum
    edition.programme_gap_minutes = gap
    db.session.flush()
    return edition
