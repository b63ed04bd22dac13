"""Fixtures of the event tests: an edition with one venue (two theaters), an accepted film, staff."""

from __future__ import annotations

from datetime import date

import pytest

from festival.extensions import db
from festival.models.enums import EditionStatus, EntryStatus, FilmFormat, Role


def _setting(make):
    edition = make.edition(
        status=EditionStatus.CLOSED, first_day=date(2031, 4, 1), last_day=date(2031, 4, 14)
    )
    venue = make.venue(edition, code="cstm", name="Museum")
    dome = make.theater(venue, code="dome", name="Dome", formats=["dome"], seats=300, position=0)
    giant = make.theater(venue, code="giant", name="Giant", formats=["giant_screen"], seats=500, position=1)
    staff = make.user(role=Role.STAFF)
    owner = make.user(role=Role.FILMMAKER)
    film = make.entry(
        edition,
        owner,
        EntryStatus.SUBMITTED,
        title_en="Dome Dreams",
        format=FilmFormat.DOME,
        runtime_minutes=40,
    )
    make.accepted(film, min_screenings=1, max_screenings=3)
    db.session.commit()
    return {"edition": edition, "venue": venue, "dome": dome, "giant": giant, "staff": staff, "film": film}


@pytest.fixture
def place(app, make):
    return _setting(make)


@pytest.fixture
def csrf_place(csrf_app, make):
    return _setting(make)


@pytest.fixture
def published_place(place, make):
    """The place's edition with a published timetable version (the public programme exists)."""
    from festival.models import TimetableVersion
    from festival.models.enums import VersionStatus
    from festival.models.types import utcnow

    version = TimetableVersion(
        edition_id=place["edition"].id, status=VersionStatus.PUBLISHED, number=1, published_at=utcnow()
    )
    db.session.add(version)
    db.session.commit()
    return version
