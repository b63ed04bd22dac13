"""Shapes of the review forms (types, lengths, choices); the rules live in the services."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from festival.formtools import CleanForm, FiniteFloatField, NameField, choices
from festival.labels import FORMAT_LABELS
from festival.models import RubricCriterion
from festival.models.enums import ConflictKind, DecisionOutcome

OUTCOME_LABELS = {
    DecisionOutcome.ACCEPTED: _l("Accepted"),
    DecisionOutcome.WAITLISTED: _l("Waitlisted"),
    DecisionOutcome.REJECTED: _l("Rejected"),
}


def _version_field():
    return IntegerField(widget=HiddenInput(), validators=[Optional()], default=0)


class VersionedForm(CleanForm):
    """A form that carries the version of the record it edits (optimistic locking)."""

    version = _version_field()


class ReviewForm(VersionedForm):
    """Scores are added per rubric criterion by ``review_form``."""

    comment = TextAreaField(_l("Comment to the panel"), validators=[Optional(), Length(max=10_000)])
    private_note = TextAreaField(
        _l("Private note (only you see it)"), validators=[Optional(), Length(max=10_000)]
    )
    save_draft = SubmitField(_l("Save draft"))
    submit_review = SubmitField(_l("Submit review"))

    criteria: Sequence[RubricCriterion] = ()

    def score_field(self, criterion: RubricCriterion):
        return self[f"score_{criterion.key}"]

    def scores(self) -> dict[str, int | None]:
        return {c.key: self.score_field(c).data for c in self.criteria}


def review_form(criteria: Sequence[RubricCriterion], label, **kwargs) -> ReviewForm:
    """A review form with one score field per criterion (``label`` localises a criterion's label)."""

    class _Form(ReviewForm):
        pass

    for criterion in criteria:
        field = IntegerField(
            label(criterion),
            validators=[
                Optional(),
                NumberRange(
                    criterion.min_score,
                    criterion.max_score,
                    message=_l("Give a score from %(min)s to %(max)s."),
                ),
            ],
            render_kw={"min": criterion.min_score, "max": criterion.max_score, "inputmode": "numeric"},
        )
        setattr(_Form, f"score_{criterion.key}", field)
    form = _Form(**kwargs)
    form.criteria = tuple(criteria)
    return form


class EntryConflictForm(CleanForm):
    reason = StringField(_l("Reason (optional, seen by staff)"), validators=[Optional(), Length(max=500)])


class ConflictForm(CleanForm):
    kind = SelectField(
        _l("I am connected with"),
        choices=choices(
            (
                (ConflictKind.COMPANY.value, _l("a production company")),
                (ConflictKind.PERSON.value, _l("a person (director or contact)")),
                (ConflictKind.COUNTRY.value, _l("a country")),
            )
        ),
    )
    value = NameField(_l("Company, person or country"), validators=[DataRequired(), Length(max=200)])
    reason = StringField(_l("Reason (optional, seen by staff)"), validators=[Optional(), Length(max=500)])


class ConflictLinkForm(CleanForm):
    conflict = SelectField(_l("Declared conflict"), coerce=int, choices=[])
    reference = StringField(_l("Entry reference"), validators=[DataRequired(), Length(max=40)])


class DecisionForm(VersionedForm):
    outcome = SelectField(
        _l("Outcome"), choices=choices((o.value, label) for o, label in OUTCOME_LABELS.items())
    )
    min_screenings = IntegerField(_l("Minimum screenings"), validators=[Optional()])
    max_screenings = IntegerField(_l("Maximum screenings"), validators=[Optional()])
    max_per_day = IntegerField(_l("At most per day"), validators=[InputRequired()], default=1)
    copies = IntegerField(_l("Copies (screenings at the same time)"), validators=[InputRequired()], default=1)
    popularity = IntegerField(_l("Expected audience per screening (popularity)"), validators=[Optional()])
    requires = StringField(_l("Theater features it needs"), validators=[Optional(), Length(max=300)])
    not_before = DateField(_l("Earliest screening date"), validators=[Optional()])
    not_after = DateField(_l("Latest screening date"), validators=[Optional()])
    note = TextAreaField(_l("Internal note"), validators=[Optional(), Length(max=5000)])

    def requires_list(self) -> list[str]:
        return [
            part.strip() for part in (self.requires.data or "").replace(";", ",").split(",") if part.strip()
        ]


class DiscardDecisionForm(VersionedForm):
    pass


class BulkDecisionForm(CleanForm):
    outcome = SelectField(
        _l("Decide the selected entries"),
        choices=choices((o.value, label) for o, label in OUTCOME_LABELS.items()),
    )
    min_screenings = IntegerField(_l("Minimum screenings"), validators=[Optional()])
    max_screenings = IntegerField(_l("Maximum screenings"), validators=[Optional()])
    popularity = IntegerField(_l("Popularity"), validators=[Optional()])


def format_choices(blank_label) -> list:
    return choices((("", blank_label), *((f.value, label) for f, label in FORMAT_LABELS.items())))


class PanelForm(CleanForm):
    name = NameField(_l("Panel name"), validators=[DataRequired(), Length(max=120)])
    format = SelectField(
        _l("Reviews entries of format"), choices=format_choices(_l("any format not covered"))
    )


class MemberForm(CleanForm):
    curator = SelectField(_l("Curator"), coerce=int, validate_choice=True)
    is_lead = BooleanField(_l("Panel lead (decides)"))


class MoveEntryForm(CleanForm):
    panel = SelectField(_l("Panel"))


class AssignForm(CleanForm):
    panel = SelectField(_l("Entries and curators of"))
    k = IntegerField(_l("Reviews per entry (K)"), validators=[InputRequired(), NumberRange(1, 20)], default=2)
    preview = SubmitField(_l("Preview"))
    apply = SubmitField(_l("Assign"))


class ManualAssignForm(CleanForm):
    curator = SelectField(_l("Curator"), coerce=int, validate_choice=True)


class ReleaseForm(CleanForm):
    confirm = BooleanField(_l("Send the letters now"), validators=[DataRequired()])


class TemplateForm(VersionedForm):
    subject = NameField(_l("Subject"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(_l("Letter"), validators=[DataRequired(), Length(max=20_000)])


class CriterionForm(CleanForm):
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=64)])
    label = NameField(_l("Label (English)"), validators=[DataRequired(), Length(max=120)])
    label_zh = NameField(_l("Label (Chinese)"), validators=[Optional(), Length(max=120)])
    weight = FiniteFloatField(_l("Weight"), validators=[InputRequired()], default=1.0)
    min_score = IntegerField(_l("Lowest score"), validators=[InputRequired()], default=1)
    max_score = IntegerField(_l("Highest score"), validators=[InputRequired()], default=10)


class PostForm(CleanForm):
    """A button that only needs a CSRF token."""

    token = HiddenField()
