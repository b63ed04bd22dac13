"""Fixtures of the venue tests: an edition with one venue and two theaters, and a staff member."""

from __future__ import annotations

from datetime import date

import pytest

from festival.extensions import db
from festival.models.enums import EditionStatus, Role


def _setting(make):
    edition = make.edition(
        status=EditionStatus.PROGRAMMING, first_day=date(2031, 4, 1), last_day=date(2031, 5, 31)
    )
    venue = make.venue(edition, code="cstm", name="Museum")
    dome = make.theater(venue, code="dome", name="Dome", formats=["dome"], position=0)
    giant = make.theater(venue, code="giant", name="Giant", formats=["giant_screen", "scifi"], position=1)
    staff = make.user(role=Role.STAFF)
    db.session.commit()
    return {"edition": edition, "venue": venue, "dome": dome, "giant": giant, "staff": staff}


@pytest.fixture
def place(app, make):
    return _setting(make)


@pytest.fixture
def csrf_place(csrf_app, make):
    return _setting(make)
