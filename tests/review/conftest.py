"""A small review world: an edition with the default rubric, two panels, curators, staff and entries."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from festival.extensions import db
from festival.models import Edition, Entry, Panel, User
from festival.models.enums import EntryStatus, FilmFormat, Role
from festival.review import services
from festival.review.services import save_review

SCORES = {"scientific_accuracy": 8, "artistic_quality": 7, "technical_quality": 9, "audience_appeal": 6}


@dataclass
class World:
    edition: Edition
    staff: User
    lead: User
    curator: User
    outsider: User
    filmmaker: User
    dome: Panel
    general: Panel
    e1: Entry
    e2: Entry
    e3: Entry


@pytest.fixture
def world(app, make) -> World:
    return _build_world(make)


@pytest.fixture
def csrf_world(csrf_app, make) -> World:
    """The same world inside the CSRF-protected app (never mix ``app`` and ``csrf_app`` in one test)."""
    return _build_world(make)


def _build_world(make) -> World:
    staff = make.user(role=Role.STAFF, name="Li Ming")
    lead = make.user(role=Role.CURATOR, name="Wang Fang")
    curator = make.user(role=Role.CURATOR, name="Daniel Ortiz")
    outsider = make.user(role=Role.CURATOR, name="Outside Curator")
    filmmaker = make.user(role=Role.FILMMAKER, name="Lena Fischer")
    edition = make.edition(contact_email="film@cstm.example.cn", name_zh="第十一届科技单元")
    services.add_default_rubric(edition, actor=staff)
    e1 = make.entry(
        edition, filmmaker, status=EntryStatus.SUBMITTED, title_en="Northern Lights Above Us",
        title_zh="我们头顶的北极光", format=FilmFormat.DOME, production_company="Polaris Dome Studios",
        country="Germany", screener_url="https://vimeo.example/123", screener_password="aurora-2021",
        trailer_url="https://video.example/trailer",
    )  # fmt: skip
    e2 = make.entry(
        edition, filmmaker, status=EntryStatus.SUBMITTED, title_en="Voyage to the Ice Moons",
        format=FilmFormat.GIANT_SCREEN, production_company="Giant Frame Pictures", country="China",
        language="zh", title_zh="冰卫星之旅",
    )  # fmt: skip
    e3 = make.entry(
        edition, filmmaker, status=EntryStatus.SUBMITTED, title_en="Ride the Solar Wind",
        format=FilmFormat.DOME, production_company="Starlight Fulldome", country="Japan",
    )  # fmt: skip
    dome = services.create_panel(edition, name="Dome panel", film_format=FilmFormat.DOME, actor=staff)
    general = services.create_panel(edition, name="General panel", film_format=None, actor=staff)
    services.add_member(dome, lead, is_lead=True, actor=staff)
    services.add_member(dome, curator, is_lead=False, actor=staff)
    services.add_member(general, curator, is_lead=True, actor=staff)
    db.session.commit()
    return World(edition, staff, lead, curator, outsider, filmmaker, dome, general, e1, e2, e3)


def submit(entry: Entry, curator: User, scores: dict | None = None, comment: str | None = None):
    """A curator's submitted review (committed)."""
    review = save_review(
        entry,
        curator=curator,
        scores=scores or SCORES,
        comment=comment,
        private_note=None,
        submit=True,
        expected_version=None,
    )
    db.session.commit()
    return review
