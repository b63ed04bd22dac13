"""Small helpers the review views share: the edition in the URL, errors onto forms, template labels."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from festival.extensions import db
from festival.models import Edition, RubricCriterion
from festival.models.enums import ReviewStatus
from festival.navigation import localized
from festival.review import bp, queries
from festival.review.errors import ReviewError, StaleEdit
from festival.review.forms import FORMAT_LABELS, OUTCOME_LABELS
from festival.review.letters import KIND_LABELS

REVIEW_STATUS_LABELS = {ReviewStatus.DRAFT: _l("draft"), ReviewStatus.SUBMITTED: _l("submitted")}


class NoEditionYet(Exception):
    """There is no edition to review at all."""


@bp.errorhandler(NoEditionYet)
def no_edition_yet(exc):
    return render_template("review/no_edition.html"), 200


def edition_from_args() -> Edition:
    """The edition named by ``?edition=<id>`` (404 if unknown), else the newest under review."""
    edition = queries.pick_edition(request.args.get("edition", type=int))
    if edition is None:
        raise NoEditionYet()
    return edition


def criterion_label(criterion: RubricCriterion) -> str:
    """A criterion's label in the visitor's language."""
    return localized(criterion, "label")


def show_errors(form, exc: ReviewError, field_names: dict[str, str] | None = None) -> None:
    """Put a domain error's messages next to the form's fields (else in a flash message)."""
    db.session.rollback()
    if exc.message:
        flash(str(exc.message), "error")
    for key, messages in exc.errors.items():
        name = (field_names or {}).get(key, key)
        field = form[name] if form is not None and name in form else None
        if field is not None:
            field.errors = list(field.errors or []) + list(messages)
        else:
            for message in messages:
                flash(str(message), "error")


def flash_form_errors(form) -> None:
    """Show a form's field errors as flash messages (for forms posted from another page)."""
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "error")


def run_form(
    form,
    action: Callable[[], object],
    *,
    success: str,
    target: str | Callable[[object], str],
    field_names: dict[str, str] | None = None,
):
    """Validate a posted form, run the service, commit once and redirect to ``target`` (a URL, or a function
    of the service's result); returns that redirect, or the status the view should render the page with:
    200 (nothing posted), 422 (invalid; messages next to the fields) or 409 (someone else saved first;
    the session was rolled back and a message flashed)."""
    if not form.validate_on_submit():
        return 422 if form.is_submitted() else 200
    try:
        result = action()
        db.session.commit()
    except StaleEdit as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return 409
    except ReviewError as exc:
        show_errors(form, exc, field_names)
        return 422
    flash(success, "success")
    return redirect(target(result) if callable(target) else target)


def run_post(form, action: Callable[[], object], *, success: str, back: str) -> Response:
    """A POST-only button or small form posted from another page: act, commit, flash, and go back."""
    outcome = run_form(form, action, success=success, target=back)
    if isinstance(outcome, int):
        flash_form_errors(form)
        return redirect(back)
    return outcome


def outcome_label(outcome) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome or ""))


def format_label(film_format) -> str:
    return str(FORMAT_LABELS.get(film_format, film_format or _("any format")))


@bp.context_processor
def review_labels() -> dict:
    return {
        "format_label": format_label,
        "outcome_label": outcome_label,
        "review_status_label": lambda s: str(REVIEW_STATUS_LABELS.get(s, s)),
        "letter_kind_label": lambda k: str(KIND_LABELS.get(k, k)),
        "criterion_label": criterion_label,
        "review_editions": queries.review_editions,
    }
