"""Optimistic locking: a save names the version it started from; a concurrent save makes it fail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from festival.errors import StaleEdit
from festival.extensions import db


@contextmanager
def optimistic(obj, expected_version: int | None) -> Iterator[None]:
    """Refuse (StaleEdit) when the form's version is not the stored one (0 for a record that does not
    exist yet), or when a concurrent save wins between our read and our write: SQLAlchemy's version
    counter then raises StaleDataError on flush, and a concurrent insert breaks a unique constraint.
    The caller must roll the session back after StaleEdit."""
    current = obj.version if obj is not None and obj.id is not None else 0
    if expected_version is not None and expected_version != current:
        raise StaleEdit()
    try:
        # No autoflush while the caller fills a new row: it is flushed once, complete.
        with db.session.no_autoflush:
            yield
        db.session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise StaleEdit() from exc
