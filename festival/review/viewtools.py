"""Small helpers the review views share: the edition in the URL and the template labels."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival import params
from festival.labels import format_label
from festival.models import Edition, RubricCriterion
from festival.models.enums import ReviewStatus
from festival.navigation import localized
from festival.review import bp, queries
from festival.review.forms import OUTCOME_LABELS
from festival.review.letters import KIND_LABELS

REVIEW_STATUS_LABELS = {ReviewStatus.DRAFT: _l("draft"), ReviewStatus.SUBMITTED: _l("submitted")}


class NoEditionYet(Exception):
    """There is no edition to review at all."""


@bp.errorhandler(NoEditionYet)
def no_edition_yet(exc):
    return render_template("review/no_edition.html"), 200


def edition_from_args() -> Edition:
    """The edition named by ``?edition=<id>`` (404 if unknown or not an id), else the newest under review."""
    given = request.args.get("edition") or None
    edition_id = params.record_id(given)
    if given is not None and edition_id is None:
        abort(404)  # no edition can have that id
    edition = queries.pick_edition(edition_id)
    if edition is None:
        raise NoEditionYet()
    return edition


def criterion_label(criterion: RubricCriterion) -> str:
    """A criterion's label in the visitor's language."""
    return localized(criterion, "label")


def outcome_label(outcome) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome or ""))


def panel_format_label(panel) -> str:
    """The format a panel reviews, or "any format" for a panel that takes the entries no other takes."""
    return format_label(panel.format) if panel.format else _("any format")


@bp.context_processor
def review_labels() -> dict:
    return {
        "panel_format_label": panel_format_label,
        "outcome_label": outcome_label,
        "review_status_label": lambda s: str(REVIEW_STATUS_LABELS.get(s, s)),
        "letter_kind_label": lambda k: str(KIND_LABELS.get(k, k)),
        "criterion_label": criterion_label,
        "review_editions": queries.review_editions,
    }
