"""The search box's one rule: case-insensitive "contains", with LIKE's wildcards taken literally."""

from __future__ import annotations

import sqlalchemy as sa


def contains(text: str, *columns) -> sa.ColumnElement[bool]:
    """True for rows where one of ``columns`` contains ``text`` (any case; ``%`` and ``_`` are plain
    characters, not wildcards)."""
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return sa.or_(*(sa.func.lower(column).like(pattern, escape="\\") for column in columns))
