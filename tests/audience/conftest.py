"""The audience tests reuse the timetable tests' two-week edition (fest), its draft and request context."""

from __future__ import annotations

import pytest

from festival.extensions import db
from festival.models.enums import Role
from festival.schedule import publishing
from tests.schedule.conftest import at, draft, fest, request_context, screen  # noqa: F401


@pytest.fixture
def visitor(make):
    user = make.user(role=Role.VISITOR, name="Vera Visitor")
    db.session.commit()
    return user


@pytest.fixture
def published(fest, draft):  # noqa: F811 (fixtures)
    """The draft (A 10:00 and B 11:00 in the dome, C 10:00 in the giant screen on 2 April) published, with
    more screenings: A again at 14:00 on 2 April and 10:00 on 5 April (a Saturday), B at 10:00 on 6 April."""
    screen(draft, fest["films"]["a"], fest["dome2"], at(2, 14))
    screen(draft, fest["films"]["a"], fest["dome"], at(5, 10))
    screen(draft, fest["films"]["b"], fest["dome"], at(6, 10))
    db.session.commit()
    publishing.publish(draft, actor=fest["staff"], lock=None, accept_warnings=True)
    db.session.commit()
    return draft
