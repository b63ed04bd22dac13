"""Requests that only read: their queries run in autocommit, without the BEGIN and ROLLBACK round trips
a transaction costs."""

from __future__ import annotations

from flask import g

from festival.extensions import db


def read_without_transaction() -> None:
    """From here on, this request's queries run in autocommit. Only for a session that has not started
    yet (as each request's has not before its first query); call it before anything reads."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        g.read_without_transaction = True


def end_read(exc: BaseException | None = None) -> None:
    """Hand the autocommit connection back (its isolation level is reset on the way to the pool)."""
    if g.pop("read_without_transaction", False):
        db.session.rollback()
