"""Fixtures of the timetable tests: the demo edition and a tiny edition that solves in a second (solver
runs), a two-week edition with a small draft (versions, edits, publishing), and helpers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import Edition, Event, Screening, TimetableVersion
from festival.models.enums import EditionStatus, EntryStatus, EventKind, FilmFormat, Role, VersionStatus
from tests.factories import TZ


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An aware Beijing time in April 2031 (1 April 2031 is a Tuesday; Mondays are closed)."""
    return datetime(2031, 4, day, hour, minute, tzinfo=TZ)


def screen(
    version: TimetableVersion, entry, theater, start: datetime, *, pinned=False, attendance=0
) -> Screening:
    """Add a screening row directly (no rule checks), as a solver run would."""
    s = Screening(
        timetable_id=version.id,
        entry_id=entry.id,
        theater_id=theater.id,
        start=start,
        end=start + timedelta(minutes=entry.runtime_minutes),
        pinned=pinned,
        expected_attendance=attendance,
    )
    db.session.add(s)
    db.session.flush()
    return s


@pytest.fixture(autouse=True)
def request_context(app):
    """Services word their messages lazily; reading them in a test needs a request (for the language)."""
    with app.test_request_context():
        yield


@pytest.fixture
def fest(app, make):
    """An edition 1-14 April 2031 at one venue (Tue-Sun 09:30-17:00) with three theaters and six films.

    Theaters: ``dome`` and ``dome2`` (dome, changeover 15, step 15), ``giant`` (giant screen and
    documentary, feature 3d, changeover 20, step 15, a forum block on 3 April 09:30-12:00).
    Films (accepted unless said): ``a`` dome 30 min (max 2 a day, 1 copy, at most 3), ``b`` dome 40 min
    (at most 2, 1 a day), ``c`` giant screen 45 min needing 3d, ``d`` documentary 50 min only 5-10 April,
    ``zh`` a dome film with a Chinese title, ``rejected`` a dome film that was not accepted."""
    edition = make.edition(
        status=EditionStatus.PROGRAMMING,
        first_day=date(2031, 4, 1),
        last_day=date(2031, 4, 14),
        schedule_weights={"day": {"sat": 1.5, "sun": 1.5}, "hour": [["14:00", "16:00", 1.2]]},
    )
    venue = make.venue(edition, code="cstm", name="Museum", name_zh="科技馆")
    dome = make.theater(venue, code="dome", name="Dome", name_zh="球幕影院", seats=300, position=0)
    dome2 = make.theater(venue, code="dome2", name="Small Dome", seats=80, position=1)
    giant = make.theater(
        venue, code="giant", name="Giant Screen", name_zh="巨幕影院", seats=500, position=2,
        formats=["giant_screen", "documentary"], features=["3d"], changeover_minutes=20,
    )  # fmt: skip
    giant.events.append(
        Event(
            edition_id=edition.id,
            kind=EventKind.FORUM,
            title="Academic forum",
            start=at(3, 9, 30),
            end=at(3, 12),
        )
    )
    owner = make.user(role=Role.FILMMAKER)
    films = {}

    def counts(lo: int, hi: int, **more) -> dict:
        return {"min_screenings": lo, "max_screenings": hi, **more}

    d_dates = {"not_before": date(2031, 4, 5), "not_after": date(2031, 4, 10)}
    specs = (
        ("a", "Film A", None, FilmFormat.DOME, 30, counts(1, 3, max_per_day=2)),
        ("b", "Film B", None, FilmFormat.DOME, 40, counts(1, 2)),
        ("c", "Film C", None, FilmFormat.GIANT_SCREEN, 45, counts(1, 4, requires=["3d"])),
        ("d", "Film D", None, FilmFormat.DOCUMENTARY, 50, counts(0, 3, **d_dates)),
        ("zh", "Starry Sky", "星空漫游", FilmFormat.DOME, 30, counts(0, 2)),
    )
    for key, title, title_zh, fmt, runtime, decision in specs:
        entry = make.entry(
            edition, owner, EntryStatus.SUBMITTED, title_original=title, title_en=title, title_zh=title_zh,
            format=fmt, runtime_minutes=runtime, audiences=["families"] if key != "d" else ["school_groups"],
            synopsis_short=f"About {title}.",
        )  # fmt: skip
        make.accepted(entry, popularity=120, **decision)
        films[key] = entry
    films["rejected"] = make.entry(
        edition, owner, EntryStatus.REJECTED, title_en="Film R", format=FilmFormat.DOME, runtime_minutes=30
    )
    staff = make.user(role=Role.STAFF, name="Staff One")
    db.session.commit()
    return {
        "edition": edition,
        "venue": venue,
        "dome": dome,
        "dome2": dome2,
        "giant": giant,
        "films": films,
        "staff": staff,
        "owner": owner,
    }


@pytest.fixture
def draft(fest):
    """A valid draft: A in the dome at 10:00 and B at 11:00 on Wed 2 April, C in the giant at 10:00."""
    f = fest["films"]
    version = TimetableVersion(edition_id=fest["edition"].id, status=VersionStatus.DRAFT, label="Working")
    db.session.add(version)
    db.session.flush()
    screen(version, f["a"], fest["dome"], at(2, 10))
    screen(version, f["b"], fest["dome"], at(2, 11))
    screen(version, f["c"], fest["giant"], at(2, 10))
    db.session.commit()
    return version


@pytest.fixture
def demo_edition(app):
    """The 2021 demo edition (48 accepted films, CSTM's five theaters and the partner museums' four, three
    pins)."""
    from festival.demo.services import load_demo

    load_demo(today=date(2030, 1, 1))
    db.session.commit()
    return db.session.scalars(sa.select(Edition).where(Edition.slug == "bjiff-11-st")).one()


@pytest.fixture
def tiny(app, make):
    """A one-week edition: one venue, a dome and a 4D theater, four accepted films, a block."""
    edition = make.edition(
        status=EditionStatus.PROGRAMMING,
        first_day=date(2031, 4, 1),
        last_day=date(2031, 4, 7),
        schedule_weights={"day": {"sat": 1.5, "sun": 1.4}, "shortfall_penalty": 100000},
    )
    venue = make.venue(edition, code="cstm", name="Museum")
    dome = make.theater(venue, code="dome", name="Dome", seats=400, formats=["dome"], position=0)
    fourd = make.theater(
        venue, code="4d", name="4D", seats=120, formats=["4d"], features=["motion_seats"], position=1,
        changeover_minutes=10, start_step_minutes=10,
    )  # fmt: skip
    dome.events.append(
        Event(
            edition_id=edition.id,
            kind=EventKind.MAINTENANCE,
            title="Projector service",
            start=datetime(2031, 4, 2, 9, 30, tzinfo=TZ),
            end=datetime(2031, 4, 2, 12, 0, tzinfo=TZ),
        )
    )
    owner = make.user(role=Role.FILMMAKER)
    films = []
    for title, fmt, runtime, pop in (
        ("星空漫游", FilmFormat.DOME, 30, 300),
        ("Ocean Dome", FilmFormat.DOME, 40, 200),
        ("Ride the Wind", FilmFormat.FOUR_D, 15, 150),
        ("Deep Sea 4D", FilmFormat.FOUR_D, 20, 90),
    ):
        entry = make.entry(
            edition, owner, EntryStatus.SUBMITTED, title_original=title, title_en=title,
            format=fmt, runtime_minutes=runtime,
        )  # fmt: skip
        make.accepted(entry, min_screenings=2, max_screenings=4, popularity=pop)
        films.append(entry)
    staff = make.user(role=Role.STAFF)
    db.session.commit()
    return {"edition": edition, "venue": venue, "dome": dome, "4d": fourd, "films": films, "staff": staff}
