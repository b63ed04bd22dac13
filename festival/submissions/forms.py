"""Shapes of the entry forms: types, lengths, choices. Completeness and dates are the services' job."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from festival import localtime, params
from festival.formtools import (
    LANGUAGE_CHOICES,
    CleanForm,
    MultiCheckboxField,
    NameField,
    VersionField,
    choices,
)
from festival.labels import AUDIENCE_LABELS, FORMAT_LABELS, PREMIERE_LABELS
from festival.models import Entry
from festival.models.enums import EntryStatus, ImageKind
from festival.submissions import queries
from festival.submissions.techspec import DELIVERY_LABELS, SOUND_LABELS, YES_NO, tech_fields
from festival.submissions.validation import (
    SYNOPSIS_LONG_MAX,
    SYNOPSIS_SHORT_MAX,
    email_problem,
    runtime_problem,
    url_problem,
    year_problem,
)

MAX_ID = params.MAX_ID
CHOOSE = _l("— choose —")
ANY = _l("any")


def _with_blank(labels: dict, blank=CHOOSE) -> list:
    return choices([("", blank), *((str(value), label) for value, label in labels.items())])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _check(problem):
    """A WTForms validator from a ``value -> message or None`` rule of validation.py."""

    def validator(form, field):
        message = problem(field.data)
        if message:
            raise ValidationError(message)

    return validator


def _year_check(form, field):
    message = year_problem(field.data, localtime.now())
    if message:
        raise ValidationError(message)


class VersionedForm(CleanForm):
    """A form about an entry; ``version`` carries the entry version the page was built from."""

    version = VersionField()

    def version_number(self) -> int | None:
        """The entry version the filmmaker saw, or None when missing or garbled."""
        return self.version.data


class StepForm(VersionedForm):
    """One step of the entry form."""

    def entry_fields(self):
        """The fields that map to entry columns (everything but the CSRF token and the version)."""
        return [f for f in self if f.name not in ("csrf_token", "version")]

    def validate(self, extra_validators=None) -> bool:
        """Check the fields that were sent; a field missing from the request is left as it is.

        (Browsers send every input but unticked checkboxes, which therefore always count as sent.)
        """
        super().validate(extra_validators)
        self._absent = {
            f.name
            for f in self.entry_fields()
            if f.raw_data == [] and not isinstance(f, MultiCheckboxField | BooleanField)
        }
        for f in self.entry_fields():
            if f.name in self._absent:
                f.errors = []
        return not self.errors

    def _sent(self):
        return [f for f in self.entry_fields() if f.name not in getattr(self, "_absent", ())]

    def values(self) -> dict:
        """Valid input by entry column name; fields with errors are left out (kept as they were)."""
        return {f.name: f.data for f in self._sent() if not f.errors}

    def rejected(self) -> list[str]:
        """Names of the fields whose input failed the checks."""
        return [f.name for f in self._sent() if f.errors]

    def add_problems(self, problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Attach service problems to their fields; return those that belong to no field here."""
        rest = []
        for name, message in problems:
            field = self._fields.get(name)
            if field is not None and name not in ("csrf_token", "version"):
                field.errors = [*field.errors, message]
            else:
                rest.append((name, message))
        return rest


class FilmForm(StepForm):
    title_original = NameField(_l("Original title"), validators=[Length(max=300)])
    title_en = NameField(_l("English title"), validators=[Length(max=300)])
    title_zh = NameField(_l("Chinese title (if any)"), validators=[Length(max=300)])
    format = SelectField(_l("Format"), choices=_with_blank(FORMAT_LABELS))
    runtime_minutes = IntegerField(
        _l("Running time (minutes)"), validators=[Optional(), _check(runtime_problem)]
    )
    year = IntegerField(_l("Year of completion"), validators=[Optional(), _year_check])
    country = NameField(_l("Country of production"), validators=[Length(max=100)])
    languages = StringField(_l("Language(s) of the film"), validators=[Length(max=200)])
    subtitles = StringField(_l("Subtitles available"), validators=[Length(max=200)])
    synopsis_short = TextAreaField(_l("Short synopsis"), validators=[Length(max=SYNOPSIS_SHORT_MAX)])
    synopsis_long = TextAreaField(_l("Long synopsis"), validators=[Length(max=SYNOPSIS_LONG_MAX)])
    audiences = MultiCheckboxField(
        _l("Target audiences"), choices=choices((str(k), v) for k, v in AUDIENCE_LABELS.items())
    )
    premiere_status = SelectField(_l("Premiere status"), choices=_with_blank(PREMIERE_LABELS))


class PeopleForm(StepForm):
    director = NameField(_l("Director(s)"), validators=[Length(max=200)])
    production_company = NameField(_l("Production company"), validators=[Length(max=200)])
    rights_holder = NameField(_l("Rights holder"), validators=[Length(max=200)])
    contact_name = NameField(_l("Contact person"), validators=[Length(max=200)])
    contact_email = StringField(
        _l("Contact e-mail"), validators=[Length(max=254), _check(email_problem)], filters=[_strip]
    )
    contact_phone = StringField(_l("Contact phone (with country code)"), validators=[Length(max=60)])
    language = SelectField(
        _l("Language of our e-mails about this entry"), choices=choices(LANGUAGE_CHOICES), default="en"
    )


class TechnicalForm(StepForm):
    """Common technical fields; ``technical_form_class`` adds the questions of the entry's format."""

    delivery = SelectField(_l("Delivery of the screening copy"), choices=_with_blank(DELIVERY_LABELS))
    sound_format = SelectField(_l("Sound format"), choices=_with_blank(SOUND_LABELS))

    yes_no_fields: frozenset[str] = frozenset()

    def values(self) -> dict:
        values = {"tech_spec": {}}
        for field in self._sent():
            if field.errors:
                continue
            if field.name in self.yes_no_fields:
                values["tech_spec"][field.name.removeprefix("tech_")] = YES_NO_VALUES.get(field.data)
            elif field.name.startswith("tech_"):
                values["tech_spec"][field.name.removeprefix("tech_")] = field.data or None
            else:
                values[field.name] = field.data
        return values


YES_NO_VALUES = {"yes": True, "no": False}


def technical_form_class(fmt) -> type[TechnicalForm]:
    """The technical step's form for a format: common fields plus that format's questions."""
    attrs = {}
    for question in tech_fields(fmt):
        name = f"tech_{question.key}"
        if question.kind == "yesno":
            field = SelectField(
                question.label,
                choices=choices([("", CHOOSE), ("yes", YES_NO[True]), ("no", YES_NO[False])]),
                description=question.help or "",
            )
        elif question.kind == "choice":
            field = SelectField(
                question.label, choices=_with_blank(question.options), description=question.help or ""
            )
        else:
            field = StringField(
                question.label, validators=[Length(max=question.max_length)], description=question.help or ""
            )
        attrs[name] = field
    attrs["yes_no_fields"] = frozenset(f"tech_{q.key}" for q in tech_fields(fmt) if q.kind == "yesno")
    return type(f"TechnicalForm_{fmt or 'none'}", (TechnicalForm,), attrs)


def technical_initial(entry: Entry) -> dict:
    """The stored format-specific answers as form data (booleans as yes/no)."""
    data = {}
    for question in tech_fields(entry.format):
        value = (entry.tech_spec or {}).get(question.key)
        if question.kind == "yesno":
            value = "" if value is None else ("yes" if value else "no")
        data[f"tech_{question.key}"] = value
    return data


class LinksForm(StepForm):
    trailer_url = URLField(
        _l("Trailer link"), validators=[Length(max=500), _check(url_problem)], filters=[_strip]
    )
    screener_url = URLField(
        _l("Screener link (full film)"), validators=[Length(max=500), _check(url_problem)], filters=[_strip]
    )
    screener_password = StringField(_l("Screener password"), validators=[Length(max=200)])


STEP_FORMS = {"film": FilmForm, "people": PeopleForm, "links": LinksForm}


def step_form(step: str, entry: Entry, *, submitted: bool) -> StepForm:
    """The form of a step: from the request when ``submitted``, else filled from the entry."""
    form_class = technical_form_class(entry.format) if step == "technical" else STEP_FORMS[step]
    if submitted:
        form = form_class()
    else:
        extra = technical_initial(entry) if step == "technical" else {}
        form = form_class(formdata=None, obj=entry, data=extra)
    offered = entry.edition.formats
    if offered and hasattr(form, "format"):  # only the formats the edition's call takes
        form.format.choices = [c for c in form.format.choices if not c.value or c.value in offered]
    return form


class SubmitForm(VersionedForm):
    accept_terms = BooleanField(
        _l("I accept the festival's terms and confirm that I hold the rights to enter this film.")
    )


class ImageUploadForm(CleanForm):
    kind = SelectField(
        _l("Kind of image"),
        choices=choices([(ImageKind.POSTER.value, _l("Poster")), (ImageKind.STILL.value, _l("Still"))]),
    )
    image = FileField(_l("Image file (JPEG, PNG or WebP)"), validators=[FileRequired(_l("Choose a file."))])


class ImageMoveForm(CleanForm):
    offset = SelectField(choices=choices([("-1", "-1"), ("1", "1")]))


class ConfirmForm(CleanForm):
    """A POST-only button (withdraw, delete, image delete): the CSRF token is the whole form."""


class NewEntryForm(CleanForm):
    edition_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])


class ReopenForm(CleanForm):
    until = DateTimeLocalField(
        _l("Open the form for this entry until"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[Optional()],
    )
    action = SelectField(choices=choices([("reopen", "reopen"), ("close", "close")]), default="reopen")

    def validate(self, extra_validators=None) -> bool:
        """Reopening needs a time (closing does not); Optional() would skip an inline check."""
        valid = super().validate(extra_validators)
        if self.action.data != "close" and self.until.data is None and not self.until.errors:
            self.until.errors = [_l("Give a date and time.")]
            return False
        return valid


SORT_CHOICES = (
    ("reference", _l("Reference")),
    ("title", _l("Title")),
    ("format", _l("Format")),
    ("runtime", _l("Running time")),
    ("country", _l("Country")),
    ("premiere", _l("Premiere")),
    ("status", _l("Status")),
    ("submitted", _l("Submitted")),
    ("updated", _l("Last change")),
)


class EntryFilterForm(CleanForm):
    """The staff table's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    edition = SelectField(_l("Edition"), validate_choice=False)
    format = SelectField(_l("Format"), choices=_with_blank(FORMAT_LABELS, ANY), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)
    premiere = SelectField(_l("Premiere"), choices=_with_blank(PREMIERE_LABELS, ANY), validate_choice=False)
    q = StringField(_l("Search"), validators=[Length(max=100)])
    sort = SelectField(_l("Sort by"), choices=choices(SORT_CHOICES), validate_choice=False)
    dir = SelectField(
        _l("Order"),
        choices=choices([("asc", _l("ascending")), ("desc", _l("descending"))]),
        validate_choice=False,
    )

    def fill_choices(self, editions, countries, status_labels) -> None:
        """Set the choices that come from the database."""
        self.edition.choices = choices([("", ANY), *((str(e.id), e.name) for e in editions)])
        self.country.choices = choices([("", ANY), *((c, c) for c in countries)])
        self.status.choices = choices(
            [
                (queries.NOT_DRAFT, _l("all but drafts")),
                (queries.ALL_STATUSES, _l("all, with drafts")),
                *((s.value, status_labels(s)) for s in EntryStatus),
            ]
        )

    def to_filter(self) -> queries.EntryFilter:
        """The filter these (untrusted) query-string values describe; bad values mean "any"."""
        return queries.EntryFilter(
            edition_id=params.record_id(self.edition.data),
            format=self.format.data or "",
            status=self.status.data or queries.NOT_DRAFT,
            country=self.country.data or "",
            premiere=self.premiere.data or "",
            q=(self.q.data or "").strip()[:100],
            sort=self.sort.data if self.sort.data in dict(SORT_CHOICES) else "reference",
            descending=self.dir.data == "desc",
        )
