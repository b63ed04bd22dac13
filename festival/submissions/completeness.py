"""What a submission needs: the form's steps, the required fields, and the problems that stop it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from festival.models import Entry
from festival.models.enums import Audience, ImageKind
from festival.submissions.techspec import DELIVERY_LABELS, SOUND_LABELS, tech_fields
from festival.submissions.validation import (
    SYNOPSIS_LONG_MAX,
    email_problem,
    runtime_problem,
    url_problem,
    year_problem,
)
from festival.submissions.window import resolve

MAX_STILLS = 6
AUDIENCE_VALUES = tuple(a.value for a in Audience)

STEPS = ("film", "people", "technical", "links", "review")
STEP_LABELS = {
    "film": _l("Film"),
    "people": _l("People & rights"),
    "technical": _l("Technical"),
    "links": _l("Links & images"),
    "review": _l("Review & submit"),
}
# The entry columns each step writes; "tech_spec" is merged key by key.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "film": (
        "title_original", "title_en", "title_zh", "format", "runtime_minutes", "year", "country",
        "languages", "subtitles", "synopsis_short", "synopsis_long", "audiences", "premiere_status",
    ),
    "people": (
        "director", "production_company", "rights_holder", "contact_name", "contact_email",
        "contact_phone", "language",
    ),
    "technical": ("delivery", "sound_format", "tech_spec"),
    "links": ("trailer_url", "screener_url", "screener_password"),
    "review": (),
}  # fmt: skip
# Problems that are not about a column, and the step where they are fixed.
EXTRA_PROBLEM_STEPS = {"poster": "links", "stills": "links", "terms": "review"}


REQUIRED_TEXT = (
    ("title_original", _l("Give the original title.")),
    ("title_en", _l("Give the English title.")),
    ("country", _l("Give the country of production.")),
    ("languages", _l("Give the language(s) of the film.")),
    ("synopsis_short", _l("Give a short synopsis.")),
    ("director", _l("Give the director.")),
    ("production_company", _l("Give the production company.")),
    ("rights_holder", _l("Give the rights holder.")),
    ("contact_name", _l("Give a contact person.")),
    ("contact_email", _l("Give a contact e-mail address.")),
    ("screener_url", _l("Give a screener link so that the curators can watch the film.")),
)


def _column_length(name: str) -> int | None:
    return getattr(Entry.__table__.c[name].type, "length", None)


def submission_problems(entry: Entry, now: datetime | None = None) -> list[tuple[str, str]]:
    """What stops this entry from being submitted, as (field, message) pairs; empty when complete.

    Checks the required fields (and those of the chosen format), ranges (runtime 1-600, year
    1950..next year), http(s) links, text lengths, the poster, the number of stills and the terms.
    """
    now = resolve(now)
    problems: list[tuple[str, str]] = []
    for name, message in REQUIRED_TEXT:
        if not (getattr(entry, name) or "").strip():
            problems.append((name, str(message)))
    for name in (
        STEP_FIELDS["film"] + STEP_FIELDS["people"] + STEP_FIELDS["links"] + ("delivery", "sound_format")
    ):
        value, limit = getattr(entry, name), _column_length(name)
        if isinstance(value, str) and limit and len(value) > limit:
            problems.append((name, _("Use at most %(n)d characters.", n=limit)))
    if entry.synopsis_long and len(entry.synopsis_long) > SYNOPSIS_LONG_MAX:
        problems.append(("synopsis_long", _("Use at most %(n)d characters.", n=SYNOPSIS_LONG_MAX)))
    if entry.format is None:
        problems.append(("format", _("Choose the film's format.")))
    if entry.runtime_minutes is None:
        problems.append(("runtime_minutes", _("Give the running time in minutes.")))
    elif message := runtime_problem(entry.runtime_minutes):
        problems.append(("runtime_minutes", message))
    if entry.year is None:
        problems.append(("year", _("Give the year of completion.")))
    elif message := year_problem(entry.year, now):
        problems.append(("year", message))
    audiences = entry.audiences or []
    if not audiences or any(a not in AUDIENCE_VALUES for a in audiences):
        problems.append(("audiences", _("Choose at least one target audience.")))
    if entry.premiere_status is None:
        problems.append(("premiere_status", _("Choose the premiere status.")))
    if entry.delivery not in DELIVERY_LABELS:
        problems.append(("delivery", _("Choose how the screening copy will be delivered.")))
    if entry.sound_format not in SOUND_LABELS:
        problems.append(("sound_format", _("Choose the sound format.")))
    problems += _tech_problems(entry)
    for name in ("trailer_url", "screener_url"):
        if message := url_problem(getattr(entry, name)):
            problems.append((name, message))
    if message := email_problem(entry.contact_email):
        problems.append(("contact_email", message))
    images = list(entry.images)
    if not any(image.kind == ImageKind.POSTER for image in images):
        problems.append(("poster", _("Upload a poster.")))
    if sum(image.kind == ImageKind.STILL for image in images) > MAX_STILLS:
        problems.append(
            ("stills", ngettext("Keep at most %(num)d still.", "Keep at most %(num)d stills.", MAX_STILLS))
        )
    if entry.terms_accepted_at is None:
        problems.append(("terms", _("Accept the festival's terms.")))
    return problems


def _tech_problems(entry: Entry) -> list[tuple[str, str]]:
    spec = entry.tech_spec or {}
    problems = []
    for field in tech_fields(entry.format):
        value = spec.get(field.key)
        missing = value is None or value == ""
        if missing and field.required:
            problems.append((f"tech_{field.key}", _("Answer this for the chosen format.")))
        elif not missing and field.kind == "choice" and value not in field.options:
            problems.append((f"tech_{field.key}", _("Choose one of the listed values.")))
        elif not missing and field.kind == "text" and len(str(value)) > field.max_length:
            problems.append((f"tech_{field.key}", _("Use at most %(n)d characters.", n=field.max_length)))
    return problems


def step_of(field: str) -> str:
    """The form step where a problem's field is filled in."""
    if field.startswith("tech_"):
        return "technical"
    for step, fields in STEP_FIELDS.items():
        if field in fields:
            return step
    return EXTRA_PROBLEM_STEPS.get(field, "review")


def problems_by_step(problems: Iterable[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Problems grouped by the step that fixes them, in step order."""
    grouped: dict[str, list[tuple[str, str]]] = {step: [] for step in STEPS}
    for field, message in problems:
        grouped[step_of(field)].append((field, message))
    return grouped
