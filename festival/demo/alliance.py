"""The demo's screening alliance: partner museums in other cities for the 2021 edition, and a venue
manager who looks after one of them.

The partners come from ``data/demo/alliance.json`` (three partner venues of
``data/instances/alliance-tour.json``, trimmed to a theater or two each so the demo's first timetable
stays quick). They are written through the venue services, so the solver's reader checks them as it
checks a form. Each step adds only what is missing, so loading the demo again changes nothing; more of
the alliance (the films' prints, say) slots in as another step of ``add_alliance``.
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from festival.extensions import db
from festival.models import Edition, User, Venue
from festival.venues import managers, services

ALLIANCE_FILE = Path(__file__).resolve().parents[2] / "data" / "demo" / "alliance.json"
# the demo's venue manager (an account of DEMO_ACCOUNTS) and the partner museum they look after
MANAGER, MANAGED_VENUE = "manager@demo.festival", "hefei-stm"
VENUE_KEYS = ("code", "name", "name_zh", "city", "hours", "contact_name", "contact_email", "contact_phone")


def alliance_data() -> dict:
    """The partner museums to add, as the data file has them."""
    return json.loads(ALLIANCE_FILE.read_text(encoding="utf-8"))


def _venues(edition: Edition) -> dict[str, Venue]:
    return {v.code: v for v in db.session.scalars(sa.select(Venue).where(Venue.edition_id == edition.id))}


def add_partners(edition: Edition, data: dict) -> list[Venue]:
    """The edition's own venues go in ``data["own_city"]``; each partner museum of ``data`` that the
    edition lacks is added with its theaters. Returns the partners added."""
    existing = _venues(edition)
    for venue in existing.values():
        venue.city = venue.city or data["own_city"]
    added = []
    for spec in data["venues"]:
        if spec["code"] in existing:
            continue
        values = {key: spec[key] for key in VENUE_KEYS}
        venue = services.create_venue(
            edition, actor=None, closed_dates=[], special_hours={}, is_partner=True, **values
        )
        for theater in spec["theaters"]:
            services.create_theater(venue, actor=None, **theater)
        added.append(venue)
    db.session.flush()
    return added


def add_manager(edition: Edition, users: dict[str, User]) -> None:
    """The demo's venue manager looks after their partner museum (once)."""
    venue = _venues(edition).get(MANAGED_VENUE)
    if venue is not None:
        managers.grant_scope(users[MANAGER], [venue], actor=None)


def add_alliance(edition: Edition, users: dict[str, User]) -> None:
    """Everything of the alliance the demo shows, for the 2021 edition."""
    add_partners(edition, alliance_data())
    add_manager(edition, users)
