"""The audit trail: who changed what, when, from which value to which."""

from __future__ import annotations

import json

import sqlalchemy as sa

from festival.extensions import db
from festival.models import AuditEvent, User


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def record(
    obj, *, actor: User | None, action: str, field: str | None = None, old=None, new=None
) -> AuditEvent:
    """Add one audit event for a model instance (flushed with the caller's transaction)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        object_type=type(obj).__tablename__,
        object_id=obj.id,
        action=action,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
    )
    db.session.add(event)
    return event


def record_changes(obj, *, actor: User | None, action: str, before: dict, after: dict) -> list[AuditEvent]:
    """One audit event per field whose value differs between two snapshots."""
    return [
        record(obj, actor=actor, action=action, field=key, old=before.get(key), new=after.get(key))
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]


def history(obj) -> list[AuditEvent]:
    """The audit events of one object, oldest first."""
    stmt = (
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == type(obj).__tablename__, AuditEvent.object_id == obj.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return list(db.session.scalars(stmt))
