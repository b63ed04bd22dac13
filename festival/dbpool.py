"""Pooled database connections checked before use only when they may have gone stale.

SQLAlchemy's ``pool_pre_ping`` sends a round trip at every checkout, i.e. one more in every request. A
connection is checked here only when it may be dead:

- something arrived on its socket while it sat in the pool (a server that restarts or ends the session
  sends a message and closes the socket, which makes it readable), or
- it sat unused longer than ``DATABASE_PING_AFTER_IDLE`` seconds (a network path that drops silently).

The check is the dialect's own ping; a connection that fails it is replaced before the request sees
it (the pool's DisconnectionError protocol). A connection that dies while a request is using it fails
that request (the error page says nothing was saved; the transaction is rolled back) and SQLAlchemy
renews the whole pool, so the next request gets a live connection.
"""

from __future__ import annotations

import select
import time

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

CHECKED_IN = "festival_checked_in"


def may_be_stale(dbapi_connection, checked_in: float | None, idle_limit: float) -> bool:
    """True when a pooled connection needs a ping before use (see the module's docstring); a
    connection never checked in was opened for this checkout."""
    if checked_in is None:
        return False
    if time.monotonic() - checked_in >= idle_limit:
        return True
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:  # SQLite: a file, nothing to lose on the way
        return False
    try:
        readable, _, _ = select.select([fileno()], [], [], 0)
    except Exception:  # noqa: BLE001 (the socket or the driver's connection is already closed)
        return True
    return bool(readable)


def install(engine: sa.Engine, idle_limit: float) -> None:
    """Check the engine's pooled connections at checkout when they may be stale."""

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, record):
        record.info[CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, record, proxy):
        if not may_be_stale(dbapi_connection, record.info.get(CHECKED_IN), idle_limit):
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # noqa: BLE001 (any failure means: use another connection)
            raise DisconnectionError(f"stale pooled connection: {exc}") from exc
        if not alive:
            raise DisconnectionError("stale pooled connection")
