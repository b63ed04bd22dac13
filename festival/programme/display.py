"""How films appear on timetable and programme pages, in the visitor's language."""

from __future__ import annotations

from flask_babel import get_locale

from festival.models import Entry


def film_title(entry: Entry) -> str:
    """The film's Chinese title for Chinese visitors when it has one, else its display title."""
    if str(get_locale()) == "zh" and entry.title_zh:
        return entry.title_zh
    return entry.display_title


def other_title(entry: Entry) -> str | None:
    """The title in the other language, when it differs (shown under the main one)."""
    other = entry.display_title if str(get_locale()) == "zh" else entry.title_zh
    return other if other and other != film_title(entry) else None
