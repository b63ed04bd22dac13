"""The SQL statements a piece of test code sends to the test database."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db


def sent_while(fn):
    """Run ``fn()``; return its result and the statements it sent, in order."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        return fn(), statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
