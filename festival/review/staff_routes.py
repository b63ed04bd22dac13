"""Staff views of the review area: panels, assignment, release of decisions, letters, rubric, conflicts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from festival import params
from festival.errors import DomainError, InvalidInput
from festival.extensions import db
from festival.handlers import REDIRECT, Render, commit, flash_form_errors, post_button, refuse, submit_form
from festival.models import (
    Assignment,
    Conflict,
    Edition,
    Entry,
    Panel,
    PanelMember,
    Review,
    RubricCriterion,
    User,
)
from festival.models.enums import FilmFormat, ReviewStatus, Role
from festival.review import bp, decisions, letters, queries, services
from festival.review.forms import (
    AssignForm,
    ConflictLinkForm,
    CriterionForm,
    ManualAssignForm,
    MemberForm,
    MoveEntryForm,
    PanelForm,
    PostForm,
    ReleaseForm,
    TemplateForm,
)
from festival.review.viewtools import edition_from_args
from festival.security import roles_required

staff_only = roles_required(Role.STAFF)


def _get_or_404(model, ident: int):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def _count(stmt) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0


@bp.route("/staff")
@staff_only
def staff_overview():
    edition = edition_from_args()
    entries = queries.reviewable_entries(edition)
    entry_ids = entries.with_only_columns(Entry.id)
    panel_rows = []
    for panel in queries.panels(edition):
        in_panel = queries.entries_in_panel(panel).with_only_columns(Entry.id)
        panel_rows.append(
            {
                "panel": panel,
                "entries": _count(in_panel),
                "assigned": _count(sa.select(Assignment.id).where(Assignment.entry_id.in_(in_panel))),
                "submitted": _count(
                    sa.select(Review.id).where(
                        Review.entry_id.in_(in_panel), Review.status == ReviewStatus.SUBMITTED
                    )
                ),
            }
        )
    unpanelled = list(db.session.scalars(entries.where(queries.effective_panel_id().is_(None))))
    drafts = queries.decisions(edition, released=False)
    return render_template(
        "review/staff_overview.html",
        edition=edition,
        entry_count=_count(entries),
        assigned=_count(sa.select(Assignment.id).where(Assignment.entry_id.in_(entry_ids))),
        submitted=_count(
            sa.select(Review.id).where(
                Review.entry_id.in_(entry_ids), Review.status == ReviewStatus.SUBMITTED
            )
        ),
        panel_rows=panel_rows,
        unpanelled=unpanelled,
        drafts=len(drafts),
        released=len(queries.decisions(edition, released=True)),
        conflicts=_count(sa.select(Conflict.id).where(Conflict.edition_id == edition.id)),
        withdrawals=queries.conflict_withdrawals(edition),
        criteria=list(edition.criteria),
        panel_form=PanelForm(),
        formats=list(FilmFormat),
    )


# -- panels -------------------------------------------------------------------------------------------


def _format_value(form: PanelForm) -> FilmFormat | None:
    return FilmFormat(form.format.data) if form.format.data else None


@bp.route("/staff/panels", methods=["POST"])
@staff_only
def create_panel():
    edition = edition_from_args()
    form = PanelForm()
    outcome = submit_form(
        form,
        lambda: services.create_panel(
            edition, name=form.name.data, film_format=_format_value(form), actor=current_user
        ),
        success=_("Panel created."),
        target=lambda panel: url_for(".panel", panel_id=panel.id),
    )
    if isinstance(outcome, Render):  # the form sits on the overview page: its messages go there
        flash_form_errors(form)
        return redirect(url_for(".staff_overview", edition=edition.id), REDIRECT)
    return outcome


def _member_form() -> MemberForm:
    form = MemberForm()
    form.curator.choices = [(u.id, f"{u.name} <{u.email}>") for u in queries.curators()]
    return form


@bp.route("/staff/panels/<int:panel_id>", methods=["GET", "POST"])
@staff_only
def panel(panel_id: int):
    panel = _get_or_404(Panel, panel_id)
    edition = db.session.get(Edition, panel.edition_id)
    form = PanelForm(data={"name": panel.name, "format": panel.format.value if panel.format else ""})
    outcome = submit_form(
        form,
        lambda: services.update_panel(
            panel, name=form.name.data, film_format=_format_value(form), actor=current_user
        ),
        success=_("Panel saved."),
        target=url_for(".panel", panel_id=panel.id),
    )
    if not isinstance(outcome, Render):
        return outcome
    return render_template(
        "review/panel.html",
        panel=panel,
        edition=edition,
        form=form,
        member_form=_member_form(),
        entries=list(db.session.scalars(queries.entries_in_panel(panel).order_by(Entry.reference))),
        loads=queries.load_counts(edition, [m.user_id for m in panel.members]),
    ), outcome.status


@bp.route("/staff/panels/<int:panel_id>/members", methods=["POST"])
@staff_only
def add_member(panel_id: int):
    panel = _get_or_404(Panel, panel_id)
    form = _member_form()
    return post_button(
        form,
        lambda: services.add_member(
            panel, _get_or_404(User, form.curator.data), is_lead=form.is_lead.data, actor=current_user
        ),
        success=_("Panel saved."),
        back=url_for(".panel", panel_id=panel.id),
    )


def _member_action(member_id: int, action):
    member = _get_or_404(PanelMember, member_id)
    back = url_for(".panel", panel_id=member.panel_id)
    return post_button(
        PostForm(), lambda: action(member, actor=current_user), success=_("Panel saved."), back=back
    )


@bp.route("/staff/members/<int:member_id>/lead", methods=["POST"])
@staff_only
def member_lead(member_id: int):
    return _member_action(member_id, services.set_lead)


@bp.route("/staff/members/<int:member_id>/remove", methods=["POST"])
@staff_only
def remove_member(member_id: int):
    return _member_action(member_id, services.remove_member)


@bp.route("/staff/panels/<int:panel_id>/delete", methods=["POST"])
@staff_only
def delete_panel(panel_id: int):
    panel = _get_or_404(Panel, panel_id)
    return post_button(
        PostForm(),
        lambda: services.delete_panel(panel, actor=current_user),
        success=_("The panel was deleted; its entries went back to the panel of their format."),
        back=url_for(".staff_overview", edition=panel.edition_id),
    )


@bp.route("/staff/entries/<int:entry_id>/panel", methods=["POST"])
@staff_only
def move_entry(entry_id: int):
    entry = queries.entry_in_review_or_404(current_user, entry_id)
    form = MoveEntryForm()
    form.panel.choices = [("", "")] + [(str(p.id), p.name) for p in queries.panels(entry.edition)]
    return post_button(
        form,
        lambda: services.move_entry(
            entry, _get_or_404(Panel, int(form.panel.data)) if form.panel.data else None, actor=current_user
        ),
        success=_("The entry's panel was changed."),
        back=url_for(".entry", entry_id=entry.id),
    )


# -- assignments --------------------------------------------------------------------------------------


@bp.route("/staff/entries/<int:entry_id>/assignments", methods=["POST"])
@staff_only
def add_assignment(entry_id: int):
    entry = queries.entry_in_review_or_404(current_user, entry_id)
    form = ManualAssignForm()
    form.curator.choices = [(u.id, u.name) for u in queries.curators()]
    return post_button(
        form,
        lambda: services.assign(entry, _get_or_404(User, form.curator.data), actor=current_user),
        success=_("The entry was assigned."),
        back=url_for(".entry", entry_id=entry.id),
    )


@bp.route("/staff/assignments/<int:assignment_id>/remove", methods=["POST"])
@staff_only
def remove_assignment(assignment_id: int):
    assignment = _get_or_404(Assignment, assignment_id)
    return post_button(
        PostForm(),
        lambda: services.unassign(assignment, actor=current_user),
        success=_("The assignment was removed."),
        back=url_for(".entry", entry_id=assignment.entry_id),
    )


@bp.route("/staff/assign", methods=["GET", "POST"])
@staff_only
def assign():
    edition = edition_from_args()
    form = AssignForm()
    all_panels = queries.panels(edition)
    form.panel.choices = [("", _("The whole edition: all entries, all curators"))] + [
        (str(p.id), p.name) for p in all_panels
    ]
    run, status = None, 200
    if form.validate_on_submit():
        panel = _get_or_404(Panel, int(form.panel.data)) if form.panel.data else None
        if panel is not None and panel.edition_id != edition.id:
            abort(404)
        try:
            run = services.balanced_assignment(
                edition, k=form.k.data, panel=panel, actor=current_user, apply=bool(form.apply.data)
            )
        except DomainError as exc:
            status = refuse(exc, form).status
        else:
            if run.applied:
                commit()
                flash(
                    ngettext("%(num)d assignment added.", "%(num)d assignments added.", len(run.plan.new)),
                    "success",
                )
            else:  # a preview: nothing is kept
                db.session.rollback()
    elif form.is_submitted():
        status = 422
    return render_template("review/assign.html", edition=edition, form=form, run=run), status


# -- release ------------------------------------------------------------------------------------------


@bp.route("/staff/release", methods=["GET", "POST"])
@staff_only
def release():
    edition = edition_from_args()
    form = ReleaseForm()
    back = url_for(".release", edition=edition.id)
    ids = params.record_ids(request.form.getlist("decision_ids"))

    def release_them():
        if not ids:
            raise InvalidInput(_("Select at least one decision to release."))
        return decisions.release_decisions(edition, ids, actor=current_user)

    def released(report: decisions.ReleaseReport) -> None:
        flash(
            ngettext(
                "%(num)d decision released; the filmmaker was e-mailed.",
                "%(num)d decisions released; the filmmakers were e-mailed.",
                len(report.released),
            ),
            "success",
        )
        for decision, reason in report.skipped:
            flash(
                _("%(ref)s not released: %(reason)s", ref=decision.entry.reference, reason=reason), "warning"
            )

    outcome = submit_form(form, release_them, success=released, target=back)
    if not isinstance(outcome, Render):
        return outcome
    if outcome.error is not None:  # refused (none ticked, or released elsewhere meanwhile): the list again
        return redirect(back, REDIRECT)
    drafts = queries.decisions(edition, released=False)
    return render_template(
        "review/release.html",
        edition=edition,
        form=form,
        drafts=[(d, e, letters.compose(d)) for d, e in drafts],
        released=queries.decisions(edition, released=True),
    ), outcome.status


# -- letters ------------------------------------------------------------------------------------------


@bp.route("/staff/letters")
@staff_only
def letter_templates():
    edition = edition_from_args()
    rows = [
        (kind, language, letters.stored_template(edition, kind, language))
        for kind in letters.KIND_LABELS
        for language in letters.LANGUAGES
    ]
    return render_template("review/letters.html", edition=edition, rows=rows)


SAMPLE_VALUES = {
    "filmmaker": "Lena Fischer",
    "title": "Northern Lights Above Us",
    "reference": "BJIFF11-ST-0042",
    "screenings": "2–4",
    "contact": "film@cstm.example.cn",
    "status_url": "https://festival.example/entries",
}


@bp.route("/staff/letters/<kind>/<language>", methods=["GET", "POST"])
@staff_only
def letter_template(kind: str, language: str):
    edition = edition_from_args()
    if kind not in letters.KIND_LABELS or language not in letters.LANGUAGES:
        abort(404)
    form = TemplateForm(data=_letter_data(edition, kind, language))
    outcome = submit_form(
        form,
        lambda: letters.save_template(
            edition,
            kind=kind,
            language=language,
            subject=form.subject.data,
            body=form.body.data,
            actor=current_user,
            expected_version=form.version.data,
        ),
        success=_("The letter was saved."),
        target=url_for(".letter_template", kind=kind, language=language, edition=edition.id),
    )
    if not isinstance(outcome, Render):
        return outcome
    if outcome.stale:
        form = TemplateForm(formdata=None, data=_letter_data(edition, kind, language))
    values = SAMPLE_VALUES | {
        "title": "我们头顶的北极光" if language == "zh" else SAMPLE_VALUES["title"],
        "edition": edition.name_zh if language == "zh" and edition.name_zh else edition.name,
        "first_day": edition.first_day.isoformat(),
        "last_day": edition.last_day.isoformat(),
    }
    return render_template(
        "review/letter.html",
        edition=edition,
        kind=kind,
        language=language,
        form=form,
        placeholders=letters.PLACEHOLDERS,
        preview_subject=letters.fill(form.subject.data or "", values),
        preview_body=letters.fill(form.body.data or "", values),
    ), outcome.status


def _letter_data(edition: Edition, kind: str, language: str) -> dict:
    stored = letters.stored_template(edition, kind, language)
    subject, body = letters.template_text(edition, kind, language)
    return {"subject": subject, "body": body, "version": stored.version if stored else 0}


# -- rubric -------------------------------------------------------------------------------------------


def _criterion_values(form: CriterionForm) -> dict:
    return {
        "key": form.key.data,
        "label": form.label.data,
        "label_zh": form.label_zh.data,
        "weight": form.weight.data,
        "min_score": form.min_score.data,
        "max_score": form.max_score.data,
    }


@bp.route("/staff/rubric", methods=["GET", "POST"])
@staff_only
def rubric():
    edition = edition_from_args()
    form = CriterionForm()
    outcome = submit_form(
        form,
        lambda: services.save_criterion(edition, None, actor=current_user, **_criterion_values(form)),
        success=_("Criterion added."),
        target=url_for(".rubric", edition=edition.id),
    )
    if not isinstance(outcome, Render):
        return outcome
    return render_template(
        "review/rubric.html", edition=edition, form=form, criteria=list(edition.criteria)
    ), outcome.status


@bp.route("/staff/rubric/default", methods=["POST"])
@staff_only
def default_rubric():
    edition = edition_from_args()
    return post_button(
        PostForm(),
        lambda: services.add_default_rubric(edition, actor=current_user),
        success=_("The default rubric was added."),
        back=url_for(".rubric", edition=edition.id),
    )


@bp.route("/staff/rubric/<int:criterion_id>", methods=["GET", "POST"])
@staff_only
def criterion(criterion_id: int):
    item = _get_or_404(RubricCriterion, criterion_id)
    edition = item.edition
    form = CriterionForm(obj=item)
    outcome = submit_form(
        form,
        lambda: services.save_criterion(edition, item, actor=current_user, **_criterion_values(form)),
        success=_("Criterion saved."),
        target=url_for(".rubric", edition=edition.id),
    )
    if not isinstance(outcome, Render):
        return outcome
    return render_template(
        "review/criterion.html", edition=edition, form=form, criterion=item
    ), outcome.status


@bp.route("/staff/rubric/<int:criterion_id>/delete", methods=["POST"])
@staff_only
def delete_criterion(criterion_id: int):
    item = _get_or_404(RubricCriterion, criterion_id)
    return post_button(
        PostForm(),
        lambda: services.delete_criterion(item, actor=current_user),
        success=_("Criterion removed."),
        back=url_for(".rubric", edition=item.edition_id),
    )


# -- conflicts ----------------------------------------------------------------------------------------


def _link_form(rows) -> ConflictLinkForm:
    form = ConflictLinkForm()
    form.conflict.choices = [(c.id, f"{user.name} · {c.value}") for c, user, e in rows if c.value]
    return form


@bp.route("/staff/conflicts")
@staff_only
def staff_conflicts():
    edition = edition_from_args()
    rows = queries.all_conflicts(edition)
    return _render_conflicts(edition, rows, _link_form(rows))


def _render_conflicts(edition: Edition, rows, form: ConflictLinkForm, status: int = 200):
    return render_template("review/staff_conflicts.html", edition=edition, rows=rows, link_form=form), status


@bp.route("/staff/conflicts/link", methods=["POST"])
@staff_only
def link_conflict():
    edition = edition_from_args()
    rows = queries.all_conflicts(edition)
    form = _link_form(rows)
    conflict = next((c for c, _user, _e in rows if c.id == form.conflict.data), None)
    outcome = submit_form(
        form,
        lambda: services.link_entry(conflict, form.reference.data, actor=current_user),
        success=_("The entry is linked to that conflict: the curator no longer sees it."),
        target=url_for(".staff_conflicts", edition=edition.id),
    )
    if not isinstance(outcome, Render):
        return outcome
    return _render_conflicts(edition, rows, form, outcome.status)


@bp.route("/staff/conflicts/<int:conflict_id>/remove", methods=["POST"])
@staff_only
def remove_conflict(conflict_id: int):
    conflict = _get_or_404(Conflict, conflict_id)
    return post_button(
        PostForm(),
        lambda: services.remove_conflict(conflict, actor=current_user),
        success=_("The conflict was removed."),
        back=url_for(".staff_conflicts", edition=conflict.edition_id),
    )
