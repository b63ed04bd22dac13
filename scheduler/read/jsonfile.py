"""JSON files in: the boundary where a file that cannot be read or decoded becomes a problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .problems import FormatError, Problem


def load_json(path: str | Path, error: type[FormatError] = FormatError) -> Any:
    """The decoded JSON of a file; raises ``error`` (an InstanceError, a ScheduleError...) with one
    problem placed at the file's path when it cannot be read or is not JSON."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error([Problem(where, "unreadable", {"reason": str(exc)})]) from None
    return decode_json(text, where, error)


def decode_json(text: str, where: str = "", error: type[FormatError] = FormatError) -> Any:
    """Decoded JSON text; raises ``error`` with one problem at ``where`` when it is not JSON, nests deeper
    than Python's parser can follow, or holds an integer of more digits than Python converts."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            [Problem(where, "not_json", {"line": exc.lineno, "column": exc.colno, "reason": exc.msg})]
        ) from None
    except RecursionError:
        raise error([Problem(where, "too_deep")]) from None
    except ValueError as exc:  # int("9" * 5000) refuses: the limit of integer string conversion
        raise error([Problem(where, "number_too_long", {"reason": str(exc)})]) from None
