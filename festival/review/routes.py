"""Views curators use (queue, entry and review, conflicts) and the ranking and decisions they share
with staff. Every entry is loaded through ``queries.entry_in_review_or_404``: a conflicted curator gets
404."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from festival import params
from festival.errors import InvalidInput
from festival.extensions import db
from festival.handlers import Render, attachment, post_button, submit_form
from festival.history import trail
from festival.models import Edition, Entry, Panel
from festival.models.enums import ConflictKind, DecisionOutcome, FilmFormat, Role
from festival.review import bp, decisions, permissions, queries, services
from festival.review.export import ranking_csv
from festival.review.forms import (
    BulkDecisionForm,
    ConflictForm,
    DecisionForm,
    DiscardDecisionForm,
    EntryConflictForm,
    ManualAssignForm,
    MoveEntryForm,
    review_form,
)
from festival.review.viewtools import criterion_label, edition_from_args
from festival.schedule import capacity as screen_time
from festival.security import roles_required
from festival.submissions.display import entry_rows

REVIEWERS = (Role.CURATOR, Role.STAFF)
MAX_STAGED = 1000  # entries one capacity request may stage (a ranking page ticked whole)


@bp.route("/")
@roles_required(*REVIEWERS)
def my_queue():
    if current_user.is_staff and not current_user.has_role(Role.CURATOR):
        return redirect(url_for(".staff_overview", **request.args))
    edition = edition_from_args()
    text = request.args.get("q", "")[:100]
    items = queries.my_queue(current_user, edition, text)
    return render_template(
        "review/my_queue.html",
        edition=edition,
        items=items,
        q=text,
        panels=queries.panels_of(current_user, edition),
        leads=queries.panels_of(current_user, edition, lead_only=True),
    )


def _review_data(review) -> dict:
    if review is None:
        return {"version": 0}
    data = {f"score_{k}": v for k, v in (review.scores or {}).items()}
    data.update(comment=review.comment, private_note=review.private_note, version=review.version)
    return data


def _criteria_names(edition: Edition) -> dict[str, str]:
    """The rubric's criteria by key, in the visitor's language (the history names scores by them)."""
    return {c.key: criterion_label(c) for c in edition.criteria}


def _entry_page(entry: Entry, form, *, status: int = 200, unsaved: dict | None = None):
    edition = db.session.get(Edition, entry.edition_id)
    own = queries.review_of(entry, current_user)
    see_all = permissions.can_see_all_reviews(current_user, own)
    reviews = queries.submitted_reviews(entry) if see_all else []
    decision = queries.decision_of(entry)
    staff = current_user.is_staff
    events = (
        trail([entry, *reviews, decision], edition=edition, names=_criteria_names(edition)) if staff else []
    )
    return render_template(
        "review/entry.html",
        entry=entry,
        edition=edition,
        criteria=list(edition.criteria),
        form=form if permissions.can_review(current_user, entry) else None,
        own=own,
        unsaved=unsaved,
        see_all=see_all,
        reviews=reviews,
        weighted=lambda r: queries.weighted_score(r.scores or {}, edition.criteria),
        decision=decision,
        can_decide=permissions.can_decide(current_user, entry),
        panel=queries.panel_of(entry),
        conflict_form=EntryConflictForm() if permissions.is_curator(current_user) else None,
        assignments=queries.assignments_for(entry) if staff else [],
        assign_form=_manual_assign_form() if staff else None,
        move_form=_move_form(entry, edition) if staff else None,
        events=events,
        images=entry.images if "submissions.image_file" in current_app.view_functions else [],
        details=entry_rows(entry),
    ), status


def _manual_assign_form() -> ManualAssignForm:
    form = ManualAssignForm()
    form.curator.choices = [(u.id, f"{u.name} <{u.email}>") for u in queries.curators()]
    return form


def _move_form(entry: Entry, edition: Edition) -> MoveEntryForm:
    form = MoveEntryForm()
    automatic = _("Automatic (by format)")
    form.panel.choices = [("", automatic)] + [(str(p.id), p.name) for p in queries.panels(edition)]
    override = queries.panel_override(entry)
    form.panel.data = str(override.panel_id) if override else ""
    return form


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def entry(entry_id: int):
    entry = queries.entry_in_review_or_404(current_user, entry_id)
    if request.method == "POST" and not permissions.can_review(current_user, entry):
        abort(403)
    criteria = list(db.session.get(Edition, entry.edition_id).criteria)
    form = review_form(criteria, criterion_label, data=_review_data(queries.review_of(entry, current_user)))
    submit = bool(form.submit_review.data)
    outcome = submit_form(
        form,
        lambda: services.save_review(
            entry,
            curator=current_user,
            scores=form.scores(),
            comment=form.comment.data,
            private_note=form.private_note.data,
            submit=submit,
            expected_version=form.version.data,
        ),
        success=_("Your review was submitted.") if submit else _("Your draft was saved."),
        target=url_for(".entry", entry_id=entry.id),
        field_names={c.key: f"score_{c.key}" for c in criteria},
    )
    if not isinstance(outcome, Render):
        return outcome
    unsaved = None
    if outcome.stale:
        unsaved = {
            "scores": form.scores(),
            "comment": form.comment.data,
            "private_note": form.private_note.data,
        }
        form = review_form(
            criteria,
            criterion_label,
            formdata=None,
            data=_review_data(queries.review_of(entry, current_user)),
        )
    return _entry_page(entry, form, status=outcome.status, unsaved=unsaved)


@bp.route("/entries/<int:entry_id>/conflict", methods=["POST"])
@roles_required(Role.CURATOR)
def declare_entry_conflict(entry_id: int):
    entry = queries.entry_in_review_or_404(current_user, entry_id)
    form = EntryConflictForm()
    edition = db.session.get(Edition, entry.edition_id)
    return post_button(
        form,
        lambda: services.declare_conflict(
            edition, curator=current_user, kind=ConflictKind.ENTRY, entry=entry, reason=form.reason.data
        ),
        success=_("Your conflict of interest is recorded; this entry is no longer shown to you."),
        back=url_for(".my_queue", edition=edition.id),
    )


@bp.route("/conflicts", methods=["GET", "POST"])
@roles_required(Role.CURATOR)
def conflicts():
    edition = edition_from_args()
    form = ConflictForm()
    outcome = submit_form(
        form,
        lambda: services.declare_conflict(
            edition,
            curator=current_user,
            kind=ConflictKind(form.kind.data),
            value=form.value.data,
            reason=form.reason.data,
        ),
        success=_("Your conflict of interest is recorded."),
        target=url_for(".conflicts", edition=edition.id),
    )
    if not isinstance(outcome, Render):
        return outcome
    own = queries.conflicts_of(current_user, edition)
    entry_ids = [c.entry_id for c in own if c.entry_id]
    titles = {
        e.id: e
        for e in db.session.scalars(queries.reviewable_entries(edition).where(Entry.id.in_(entry_ids)))
    }
    return render_template(
        "review/conflicts.html", edition=edition, form=form, conflicts=own, entries=titles
    ), outcome.status


# -- ranking and decisions ----------------------------------------------------------------------------


def _ranking_scope(edition: Edition) -> tuple[Panel | None, FilmFormat | None]:
    panel_id = params.record_id(request.args.get("panel"))
    panel = db.session.get(Panel, panel_id) if panel_id else None
    if panel_id and (panel is None or panel.edition_id != edition.id):
        abort(404)
    try:
        film_format = FilmFormat(request.args["format"]) if request.args.get("format") else None
    except ValueError:
        abort(404)
    return panel, film_format


def _threshold() -> float:
    value = params.decimal(request.args.get("spread"), low=0, high=100)
    return value if value is not None else queries.DEFAULT_DISAGREEMENT


def _ranking_rows(edition: Edition):
    panel, film_format = _ranking_scope(edition)
    sort = request.args.get("sort", "score")
    descending = request.args.get("dir", "desc") != "asc"
    rows = queries.ranking(
        current_user, edition, panel=panel, film_format=film_format, sort=sort, descending=descending
    )
    return rows, panel, film_format, sort, descending


def _can_bulk_decide(panel: Panel | None) -> bool:
    if current_user.is_staff:
        return True
    return panel is not None and any(m.user_id == current_user.id and m.is_lead for m in panel.members)


@bp.route("/ranking")
@roles_required(*REVIEWERS)
def ranking():
    edition = edition_from_args()
    rows, panel, film_format, sort, descending = _ranking_rows(edition)
    bulk = _can_bulk_decide(panel)
    panels = queries.panels(edition) if current_user.is_staff else queries.panels_of(current_user, edition)
    return render_template(
        "review/ranking.html",
        edition=edition,
        rows=rows,
        panel=panel,
        film_format=film_format,
        sort=sort,
        descending=descending,
        threshold=_threshold(),
        panels=panels,
        formats=list(FilmFormat),
        bulk_form=BulkDecisionForm() if bulk else None,
        capacity=screen_time.selection(edition) if bulk else None,
    )


@bp.route("/ranking.csv")
@roles_required(*REVIEWERS)
def ranking_export():
    edition = edition_from_args()
    rows = _ranking_rows(edition)[0]
    body = ranking_csv(rows, threshold=_threshold())
    name = f"ranking-{edition.slug}.csv"
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": attachment(name), "Cache-Control": "no-store"},
    )


@bp.route("/ranking/decide", methods=["POST"])
@roles_required(*REVIEWERS)
def bulk_decide():
    edition = edition_from_args()
    panel = _ranking_scope(edition)[0]
    if not _can_bulk_decide(panel):
        abort(403)
    ids = params.record_ids(request.form.getlist("entry_ids"))
    entries = [queries.entry_in_review_or_404(current_user, i) for i in ids]
    if not all(permissions.can_decide(current_user, e) for e in entries):
        abort(403)
    form = BulkDecisionForm()

    def decide():
        if not entries:
            raise InvalidInput(_("Select at least one entry."))
        return decisions.bulk_decide(
            entries,
            outcome=DecisionOutcome(form.outcome.data),
            min_screenings=form.min_screenings.data,
            max_screenings=form.max_screenings.data,
            popularity=form.popularity.data,
            actor=current_user,
            expected_versions={i: params.version_number(request.form.get(f"version_{i}")) or 0 for i in ids},
        )

    def saved(result: decisions.BulkResult) -> None:
        flash(
            ngettext("%(num)d draft decision saved.", "%(num)d draft decisions saved.", len(result.saved)),
            "success",
        )
        for entry, reason in result.skipped:
            flash(_("%(ref)s skipped: %(reason)s", ref=entry.reference, reason=reason), "warning")

    return post_button(form, decide, success=saved, back=url_for(".ranking", **request.args))


def _decision_data(decision) -> dict:
    if decision is None:
        return {"version": 0, "outcome": DecisionOutcome.ACCEPTED.value, "max_per_day": 1, "copies": 1}
    values = decisions.DecisionInput.from_decision(decision)
    data = vars(values) | {"outcome": decision.outcome.value, "version": decision.version}
    data["requires"] = ", ".join(decision.requires or [])
    return data


def _decision_input(form: DecisionForm) -> decisions.DecisionInput:
    return decisions.DecisionInput(
        outcome=DecisionOutcome(form.outcome.data),
        min_screenings=form.min_screenings.data,
        max_screenings=form.max_screenings.data,
        max_per_day=form.max_per_day.data,
        copies=form.copies.data,
        requires=form.requires_list(),
        popularity=form.popularity.data,
        not_before=form.not_before.data,
        not_after=form.not_after.data,
        note=form.note.data,
    )


def _decision_page(entry: Entry, form: DecisionForm, status: int = 200):
    decision = queries.decision_of(entry)
    edition = db.session.get(Edition, entry.edition_id)
    try:
        staged = _decision_input(form)
    except ValueError:  # an outcome that is none of ours (the form says so next to the field)
        staged = None
    return render_template(
        "review/decision.html",
        entry=entry,
        edition=edition,
        form=form,
        decision=decision,
        discard_form=DiscardDecisionForm(data={"version": decision.version}) if decision else None,
        events=trail([decision], edition=edition) if current_user.is_staff else [],
        capacity=_capacity(edition, {entry: staged}),
    ), status


@bp.route("/entries/<int:entry_id>/decision", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def decision(entry_id: int):
    entry = queries.entry_in_review_or_404(current_user, entry_id)
    if not permissions.can_decide(current_user, entry):
        abort(403)
    form = DecisionForm(data=_decision_data(queries.decision_of(entry)))
    outcome = submit_form(
        form,
        lambda: decisions.save_decision(
            entry, _decision_input(form), actor=current_user, expected_version=form.version.data
        ),
        success=_("The decision is saved as a draft until staff release it."),
        target=url_for(".entry", entry_id=entry.id),
    )
    if not isinstance(outcome, Render):
        return outcome
    if outcome.stale:
        form = DecisionForm(formdata=None, data=_decision_data(queries.decision_of(entry)))
    return _decision_page(entry, form, outcome.status)


@bp.route("/entries/<int:entry_id>/decision/discard", methods=["POST"])
@roles_required(*REVIEWERS)
def discard_decision(entry_id: int):
    entry = queries.entry_in_review_or_404(current_user, entry_id)
    decision = queries.decision_of(entry)
    if decision is None:
        abort(404)
    if not permissions.can_decide(current_user, entry):
        abort(403)
    form = DiscardDecisionForm()
    return post_button(
        form,
        lambda: decisions.discard_decision(decision, actor=current_user, expected_version=form.version.data),
        success=_("The draft decision was deleted."),
        back=url_for(".entry", entry_id=entry.id),
    )


# -- screen time while selecting ----------------------------------------------------------------------


def _capacity(edition: Edition, staged: dict[Entry, decisions.DecisionInput | None]):
    """The capacity figures with these decisions staged, the accepted ones in focus."""
    accepted = {
        e: v if v is not None and v.outcome == DecisionOutcome.ACCEPTED else None for e, v in staged.items()
    }
    return screen_time.selection(edition, accepted, focus=[e for e, v in accepted.items() if v is not None])


def _staged_from_args(entries: list[Entry]) -> dict[Entry, decisions.DecisionInput | None]:
    """The values a page is staging, read from the query string: the decision form of one entry
    (``form=decision``) or the ranking's bulk form over the ticked entries. Numbers that are not numbers
    count as not given: the figures follow what the form holds, its checks come when it is saved."""
    if request.args.get("form") == "decision" and len(entries) == 1:
        form = DecisionForm(formdata=request.args, meta={"csrf": False})
        try:
            return {entries[0]: _decision_input(form)}
        except ValueError:  # an outcome that is none of ours
            abort(400)
    if not entries:  # nothing ticked: the selection as it stands
        return {}
    form = BulkDecisionForm(formdata=request.args, meta={"csrf": False})
    try:
        outcome = DecisionOutcome(form.outcome.data)
    except ValueError:
        abort(400)
    numbers = {
        "min_screenings": form.min_screenings.data,
        "max_screenings": form.max_screenings.data,
        "popularity": form.popularity.data,
    }
    staged = {e: decisions.bulk_values(e, outcome, **numbers) for e in entries}
    return {e: v for e, v in staged.items() if v is not None}


@bp.route("/capacity.json")
@roles_required(*REVIEWERS)
def capacity():
    """Screen time by theater group with the decisions a page is staging (its decision form, or the
    entries ticked in the ranking and the bulk form's values), as JSON with the panel's HTML."""
    edition = edition_from_args()
    ids = params.record_ids(request.args.getlist("entry_ids"))
    if len(ids) > MAX_STAGED:
        abort(400)
    entries = [queries.entry_in_review_or_404(current_user, i) for i in ids]
    if any(e.edition_id != edition.id for e in entries):
        abort(404)
    if not all(permissions.can_decide(current_user, e) for e in entries):
        abort(403)
    if not entries and not (
        current_user.is_staff or queries.panels_of(current_user, edition, lead_only=True)
    ):
        abort(403)
    figures = _capacity(edition, _staged_from_args(entries))
    body = figures.as_json()
    body["html"] = render_template("review/_capacity.html", capacity=figures)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
