"""Fixtures of the solver-run tests: the demo edition and a tiny edition that solves in a second."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import Edition, TheaterBlock
from festival.models.enums import BlockKind, EditionStatus, EntryStatus, FilmFormat, Role
from tests.factories import TZ


@pytest.fixture
def demo_edition(app):
    """The 2021 demo edition (48 accepted films, five theaters, three pins)."""
    from festival.demo.services import load_demo

    load_demo(today=date(2030, 1, 1))
    db.session.commit()
    return db.session.scalars(sa.select(Edition).where(Edition.slug == "bjiff-11-st")).one()


@pytest.fixture
def tiny(app, make):
    """A one-week edition: one venue, a dome and a 4D theater, four accepted films, a block."""
    edition = make.edition(
        status=EditionStatus.CLOSED,
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
    dome.blocks.append(
        TheaterBlock(
            kind=BlockKind.MAINTENANCE,
            label="Projector service",
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
