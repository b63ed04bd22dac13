"""Put values at places of a decoded JSON document (fuzz tests: any value anywhere)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def put_at(data: Any, changes: Iterable[tuple[tuple, Any]]) -> Any:
    """``data`` with each ``(path, value)`` of ``changes`` written at its path (a tuple of keys and indexes);
    a path that no longer exists (an earlier change replaced a parent) is skipped. Changes ``data``."""
    for path, value in changes:
        target = data
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return data
