"""Helpers shared by the WTForms forms of every area."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import FloatField, HiddenField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.widgets import CheckboxInput, ListWidget

from festival import params


def choices(pairs: Iterable[tuple[str, object]], *, group: str | None = None) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs (WTForms 3.3 style, no tuple deprecation), in the
    ``<optgroup>`` labelled ``group`` when one is given."""
    return [SelectChoice(value, label, optgroup=group) for value, label in pairs]


LANGUAGE_CHOICES = (("en", "English"), ("zh", "中文"))

# C0 control characters but tab, newline and carriage return: none belongs in a name, title or
# address, and PostgreSQL refuses to store NUL at all (a 500 instead of a message).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Invisible characters that change how a name reads or hide what it is: bidirectional embeddings,
# overrides and isolates ("Trojan Source": U+202E shows "gnp.exe" as "exe.png"), direction marks,
# zero-width spaces and joiners, the word joiner and invisible operators, the byte order mark, the soft
# hyphen and the Mongolian vowel separator. None belongs in a person's, company's, film's or room's name.
_INVISIBLE_CHARACTERS = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


# Line and paragraph breaks (ASCII and Unicode), tabs and other control characters, with the spaces
# around them: none belongs in a one-line text such as a name, a title or a mail header.
_BREAKS = re.compile(r"\s*[\x00-\x1f\x7f\x85\u2028\u2029]+\s*")


def single_line(value, limit: int | None = None):
    """Text as one line: every line break, tab and control character (with the spaces around it) becomes
    one space and the ends are trimmed; at most ``limit`` characters (the last an ellipsis when cut).
    Other values unchanged. A mail subject built from what people typed can never add a header."""
    if not isinstance(value, str):
        return value
    line = _BREAKS.sub(" ", value).strip()
    if limit is not None and len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def strip_control_characters(value):
    """Text without control characters; other values unchanged."""
    return _CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


def strip_invisible_characters(value):
    """Text without direction overrides, zero-width and other invisible characters; others unchanged."""
    return _INVISIBLE_CHARACTERS.sub("", value) if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NameField(StringField):
    """A one-line name or title (a person, a company, a film, a panel, a room): CleanForm drops the
    invisible characters that could make it read as something else, and makes it one line (a line break
    posted in it becomes a space: a title ends up in mail subjects and calendar files)."""


class CleanForm(FlaskForm):
    """A FlaskForm whose text fields (StringField and its subclasses) drop control characters, and
    whose names and titles (NameField) drop invisible characters too."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                filters = list(unbound_field.kwargs.get("filters") or ())
                if issubclass(unbound_field.field_class, NameField):
                    filters[:0] = [single_line, strip_invisible_characters]
                options["filters"] = [strip_control_characters, *filters]
            return unbound_field.bind(form=form, **options)

        def get_translations(self, form):
            """WTForms' own messages in the visitor's language, loaded once per language and process
            (Flask-WTF would load them from disk again in every request)."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return None
            return _wtforms_translations(str(get_locale()))


class FiniteFloatField(FloatField):
    """A decimal number field that takes finite numbers only: "nan" and "inf" are refused like any other
    text that is not a number (``festival.params.decimal``)."""

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        self.data = params.decimal(valuelist[0], low=-params.MAX_DECIMAL, high=params.MAX_DECIMAL)
        if self.data is None:
            raise ValueError(self.gettext("Not a valid float value."))


class VersionField(HiddenField):
    """The version of the record a form edits, sent back as the page was rendered (optimistic locking).

    ``data`` is the number, or None when the request had none or a garbled one (``params.version_number``:
    "²" or 5,000 digits are no version)."""

    def process_formdata(self, valuelist) -> None:
        # called for a submitted form only: what was posted counts, never a default
        self.data = params.version_number(valuelist[0]) if valuelist else None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


@functools.lru_cache(maxsize=8)
def _wtforms_translations(locale: str):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")
