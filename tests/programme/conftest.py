"""The programme tests reuse the timetable tests' edition, draft and request context, and add a
published programme, a past edition's programme and a private draft of each."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from festival.extensions import db
from festival.models import TimetableVersion
from festival.models.enums import EditionStatus, EntryStatus, FilmFormat, VersionStatus
from festival.schedule import publishing, versions
from tests.factories import TZ
from tests.schedule.conftest import at, draft, fest, request_context, screen  # noqa: F401


@pytest.fixture
def published(fest, draft):  # noqa: F811 (fixtures)
    """Version 1 published; then a new draft with an extra screening that must stay private."""
    publishing.publish(draft, actor=fest["staff"], lock=None, accept_warnings=True)
    db.session.commit()
    private = versions.create_draft(fest["edition"], actor=None, based_on=draft)
    screen(private, fest["films"]["zh"], fest["dome"], at(2, 14))
    db.session.commit()
    return draft


@pytest.fixture
def past(make, fest, published):  # noqa: F811 (fixtures)
    """The year before (1-14 April 2030): "Old Film" twice in its "Old Dome", published as version 1,
    and a private draft that adds "Unreleased" (accepted, never published)."""
    edition = make.edition(
        status=EditionStatus.PROGRAMMING, slug="st-2030", name="Tenth Science Section",
        name_zh="第十届科技单元",
        first_day=date(2030, 4, 1), last_day=date(2030, 4, 14),
    )  # fmt: skip
    venue = make.venue(edition, code="cstm", name="Museum", name_zh="科技馆")
    dome = make.theater(venue, code="dome", name="Old Dome", name_zh="老球幕", seats=250)
    films = {}
    for key, title in (("old", "Old Film"), ("unreleased", "Unreleased")):
        films[key] = make.entry(
            edition, fest["owner"], EntryStatus.SUBMITTED, title_en=title, title_original=title,
            format=FilmFormat.DOME, runtime_minutes=40, director="Ada Lovelace, Li Wei",
            languages="English, 普通话",
            synopsis_short=f"About {title}.", synopsis_long=f"The long story of {title}.",
        )  # fmt: skip
        make.accepted(films[key], min_screenings=1, max_screenings=3)
    version = TimetableVersion(edition_id=edition.id, status=VersionStatus.DRAFT, label="2030")
    db.session.add(version)
    db.session.flush()
    first = screen(version, films["old"], dome, datetime(2030, 4, 2, 10, tzinfo=TZ))
    screen(version, films["old"], dome, datetime(2030, 4, 3, 14, 30, tzinfo=TZ))
    db.session.commit()
    publishing.publish(version, actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    private = versions.create_draft(edition, actor=None, based_on=version)
    screen(private, films["unreleased"], dome, datetime(2030, 4, 4, 10, tzinfo=TZ))
    db.session.commit()
    return {"edition": edition, "dome": dome, "films": films, "version": version, "screening": first}
