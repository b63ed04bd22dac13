"""The call for entries is open while ``now < deadline``: one rule, the same in Python and in SQL.

Half-open on purpose: at the deadline instant itself the call is closed. The suite runs these on SQLite
and, in scripts/test, again on PostgreSQL (TEST_DATABASE_URL), so both databases are held to it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from festival import localtime
from festival.editions import open_editions
from festival.extensions import db
from festival.models import Edition
from festival.models.enums import EditionStatus
from festival.submissions.window import window_open

# 23:59 Beijing time on 14 March 2031 is 15:59 UTC
DEADLINE = datetime(2031, 3, 14, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai"))
INSTANTS = {
    "a minute before": (DEADLINE - timedelta(minutes=1), True),
    "a microsecond before": (DEADLINE - timedelta(microseconds=1), True),
    "at the deadline": (DEADLINE, False),
    "at the deadline, said in UTC": (DEADLINE.astimezone(UTC), False),
    "a microsecond after": (DEADLINE + timedelta(microseconds=1), False),
}


def _open_in_sql(edition: Edition, now: datetime) -> bool:
    stmt = sa.select(Edition.id).where(Edition.id == edition.id, Edition.call_open(now))
    return db.session.scalar(stmt) is not None


@pytest.mark.parametrize("name", INSTANTS)
def test_the_call_is_open_before_the_deadline_and_closed_at_it_in_python_and_sql(app, make, name):
    edition = make.edition(deadline=DEADLINE)
    db.session.commit()
    db.session.expire_all()  # the SQL side compares with the stored value, read back from the database
    now, expected = INSTANTS[name]
    assert edition.call_open(now) is expected
    assert _open_in_sql(edition, now) is expected
    assert (edition in open_editions(now)) is expected


@pytest.mark.parametrize("status", [s for s in EditionStatus if s != EditionStatus.CALL_OPEN])
def test_a_call_that_is_not_open_takes_no_entries_whatever_the_time(app, make, status):
    edition = make.edition(deadline=DEADLINE, status=status)
    db.session.commit()
    early = DEADLINE - timedelta(days=30)
    assert not edition.call_open(early)
    assert not _open_in_sql(edition, early)


def test_the_list_of_open_calls_reads_the_same_clock_as_the_entry_form(app, make, monkeypatch):
    edition = make.edition(deadline=DEADLINE)
    entry = make.entry(edition, make.user())
    db.session.commit()
    for moment, expected in ((DEADLINE - timedelta(minutes=1), True), (DEADLINE, False)):
        monkeypatch.setattr(localtime, "now", lambda moment=moment: moment)
        assert (edition in open_editions()) is expected
        assert window_open(entry) is expected
