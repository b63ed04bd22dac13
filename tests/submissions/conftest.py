"""Fixtures for the submissions tests: a filmmaker, an open edition, complete entries, image files,
and a fixed clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from festival import localtime
from festival.extensions import db
from festival.models import Entry, EntryImage, OutboxMail
from festival.models.enums import EntryStatus, FilmFormat, ImageKind, PremiereStatus, Role

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(*args) -> datetime:
    """An aware datetime in Beijing time: beijing(2021, 3, 14, 23, 58)."""
    return datetime(*args, tzinfo=BEIJING)


COMPLETE = {
    "title_original": "Nordlicht über uns",
    "title_en": "Northern Lights Above Us",
    "title_zh": "我们头顶的北极光",
    "format": FilmFormat.DOME,
    "runtime_minutes": 32,
    "year": 2020,
    "country": "Germany",
    "production_company": "Polaris Dome Studios",
    "director": "Anna Berg",
    "languages": "German, English",
    "subtitles": "Chinese",
    "synopsis_short": "Auroras explained for the dome.",
    "synopsis_long": "A longer synopsis.",
    "audiences": ["families", "general"],
    "premiere_status": PremiereStatus.CHINA,
    "delivery": "file",
    "sound_format": "5.1",
    "tech_spec": {"resolution": "8K", "frame_rate": "30", "fisheye_master": True},
    "trailer_url": "https://vimeo.com/123",
    "screener_url": "https://vimeo.com/456",
    "screener_password": "aurora",
    "rights_holder": "Polaris Dome Studios",
    "contact_name": "Lena Fischer",
    "contact_email": "lena@example.org",
}


def add_poster(entry: Entry) -> EntryImage:
    """A poster row (no file): enough for the completeness check."""
    image = EntryImage(
        kind=ImageKind.POSTER,
        stored_name=f"poster-{entry.id}-{len(entry.images)}.jpg",
        original_name="poster.jpg",
        mime_type="image/jpeg",
        width=800,
        height=1200,
        size_bytes=1000,
    )
    entry.images.append(image)
    db.session.flush()
    return image


@pytest.fixture
def filmmaker(app, make):
    return make.user(role=Role.FILMMAKER, name="Lena Fischer", email="lena@example.org")


@pytest.fixture
def other_filmmaker(app, make):
    return make.user(role=Role.FILMMAKER, name="Otto Other")


@pytest.fixture
def staff(app, make):
    return make.user(role=Role.STAFF, name="Li Ming")


@pytest.fixture
def edition(app, make):
    return make.edition(
        deadline=beijing(2031, 3, 14, 23, 59), reference_prefix="BJIFF21-ST", name="21st BJIFF S&T Section"
    )


@pytest.fixture
def complete_entry(make, edition, filmmaker):
    """A complete draft (poster included) of the filmmaker, committed."""

    def build(owner=None, status=EntryStatus.DRAFT, **overrides):
        entry = make.entry(edition, owner or filmmaker, status=status, **{**COMPLETE, **overrides})
        add_poster(entry)
        db.session.commit()
        return entry

    return build


@pytest.fixture
def clock(monkeypatch):
    """Set the submissions clock: clock(beijing(2031, 3, 14, 23, 58))."""

    def set_now(moment: datetime) -> datetime:
        monkeypatch.setattr(localtime, "now", lambda: moment)
        return moment

    set_now(beijing(2031, 3, 1, 12, 0))
    return set_now


def mails(kind: str | None = None) -> list[OutboxMail]:
    """The outbox, oldest first (optionally one kind)."""
    stmt = sa.select(OutboxMail).order_by(OutboxMail.id)
    if kind:
        stmt = stmt.where(OutboxMail.kind == kind)
    return list(db.session.scalars(stmt))


@pytest.fixture(autouse=True)
def request_context(app):
    """Services write messages and mails in the visitor's language, which needs a request."""
    with app.test_request_context("/"):
        yield
