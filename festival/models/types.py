"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class AwareDateTime(TypeDecorator):
    """A timezone-aware datetime stored as UTC on every database (SQLite keeps no offset)."""

    impl = sa.DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a timezone first")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current moment as an aware UTC datetime."""
    return datetime.now(UTC)


# queued or running: the background jobs (solver runs, shorts proposals) of which an edition has one at most
ACTIVE_JOB = "status IN ('queued', 'running')"


def one_active_per_edition(name: str) -> sa.Index:
    """A partial unique index: at most one row of the table per edition while queued or running. Two
    starts at the same moment cannot both insert one; the service turns the second insert's
    IntegrityError into "already in progress"."""
    where = sa.text(ACTIVE_JOB)
    return sa.Index(name, "edition_id", unique=True, sqlite_where=where, postgresql_where=where)
