"""Helpers shared by the WTForms forms of every area."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs (WTForms 3.3 style, no tuple deprecation)."""
    return [SelectChoice(value, label) for value, label in pairs]


LANGUAGE_CHOICES = (("en", "English"), ("zh", "中文"))
