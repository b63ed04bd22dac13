"""Small factories for test data; each flushes so ids exist and returns the model."""

from __future__ import annotations

import io
import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image

from festival.auth.passwords import hash_password
from festival.extensions import db
from festival.models import Decision, Edition, Entry, Theater, User, Venue
from festival.models.enums import DecisionOutcome, EditionStatus, EntryStatus, FilmFormat, Role
from festival.models.types import utcnow

PASSWORD = "Correct-Horse-Battery-9"
TZ = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)
_HASH = hash_password(PASSWORD)


def user(
    role: Role | str = Role.FILMMAKER,
    email: str | None = None,
    name: str | None = None,
    roles=None,
    **kw,
) -> User:
    """An account holding ``role`` (or the set ``roles``; empty: no role at all)."""
    n = next(_seq)
    obj = User(
        email=email or f"user{n}@example.org",
        name=name or f"User {n}",
        password_hash=_HASH,
        roles={Role(r) for r in roles} if roles is not None else {Role(role)},
        email_confirmed_at=utcnow(),
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def edition(deadline: datetime | None = None, status=EditionStatus.OPEN, **kw) -> Edition:
    n = next(_seq)
    values = {
        "slug": f"ed-{n}",
        "name": f"Edition {n}",
        "section": "Science & Technology Section",
        "reference_prefix": f"ED{n}-ST",
        "timezone": "Asia/Shanghai",
        "entry_deadline": deadline or (utcnow() + timedelta(days=30)),
        "first_day": date(2031, 4, 1),
        "last_day": date(2031, 5, 31),
        "status": status,
    }
    values.update(kw)
    obj = Edition(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def entry(edition: Edition, owner: User, status=EntryStatus.DRAFT, **kw) -> Entry:
    n = next(_seq)
    values = {
        "edition_id": edition.id,
        "owner_id": owner.id,
        "title_original": f"Film {n}",
        "title_en": f"Film {n}",
        "format": FilmFormat.DOME,
        "runtime_minutes": 30,
        "status": status,
    }
    if status != EntryStatus.DRAFT:
        values.update(number=n, reference=f"{edition.reference_prefix}-{n:04d}", submitted_at=utcnow())
    values.update(kw)
    obj = Entry(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def accepted(entry: Entry, min_screenings=2, max_screenings=4, popularity=100, **kw) -> Decision:
    entry.status = EntryStatus.ACCEPTED
    obj = Decision(
        entry_id=entry.id,
        outcome=DecisionOutcome.ACCEPTED,
        min_screenings=min_screenings,
        max_screenings=max_screenings,
        popularity=popularity,
        released_at=utcnow(),
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def venue(edition: Edition, **kw) -> Venue:
    n = next(_seq)
    hours = {d: [["09:30", "17:00"]] for d in ("tue", "wed", "thu", "fri", "sat", "sun")}
    values = {"edition_id": edition.id, "code": f"v{n}", "name": f"Venue {n}", "hours": hours}
    values.update(kw)
    obj = Venue(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def theater(venue: Venue, **kw) -> Theater:
    n = next(_seq)
    values = {
        "venue_id": venue.id,
        "code": f"t{n}",
        "name": f"Theater {n}",
        "seats": 200,
        "formats": ["dome"],
        "features": [],
        "changeover_minutes": 15,
        "start_step_minutes": 15,
    }
    values.update(kw)
    obj = Theater(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def image_bytes(fmt: str = "JPEG", size=(640, 480), color=(30, 90, 160), **save_options) -> bytes:
    """A small image file in the given format."""
    mode = "RGBA" if fmt == "PNG" and save_options.pop("alpha", False) else "RGB"
    image = Image.new(mode, size, color if mode == "RGB" else (*color, 128))
    out = io.BytesIO()
    image.save(out, fmt, **save_options)
    return out.getvalue()
