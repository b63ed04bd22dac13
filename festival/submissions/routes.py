"""Views of the submissions area: a filmmaker's entries and multi-step form, images, and staff pages.

Every view loads (404 for entries that are not the visitor's), authorises, then hands the action to
festival.handlers: a refusal becomes a message and a redirect back, or the page again with its status.
A step page's script saves in place: the same POST with ``Accept: application/json`` gets a JSON answer
(``_saved_json``) instead of a redirect and a new page.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from PIL import Image

from festival import localtime, params, readonly
from festival.editions import open_editions
from festival.errors import DomainError, InvalidInput, StaleEdit, refusal_json, wants_json
from festival.extensions import db
from festival.handlers import (
    REDIRECT,
    Render,
    attachment,
    go_back,
    perform,
    post_button,
    stale_as,
    submit_form,
)
from festival.history import trail
from festival.labels import PREMIERE_LABELS, label_of
from festival.models import Edition, Entry, EntryImage
from festival.models.enums import Role
from festival.security import roles_required
from festival.submissions import (
    bp,
    completeness,
    display,
    errors,
    export,
    forms,
    images,
    queries,
    services,
    uploads,
    window,
)
from festival.submissions.permissions import can_view_images

TEMPLATE_GLOBALS = {
    "status_label": display.status_label,
    "premiere_label": lambda value: label_of(PREMIERE_LABELS, value),
    "step_labels": completeness.STEP_LABELS,
}


@bp.record_once
def _set_up(state) -> None:
    """When the blueprint is registered: template helpers, and files tied to transactions."""
    state.app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    uploads.install_file_hooks()
    # Pillow's own guard against decompression bombs, for every image this process opens
    Image.MAX_IMAGE_PIXELS = state.app.config["UPLOAD_MAX_PIXELS"]


UPLOAD_RETRY_SECONDS = 5
PER_PAGE = 50
# Database ids are 32-bit integers; a longer number in an address is simply not found (never a 500).
ID = "int(max=2147483647)"


def _user():
    return current_user._get_current_object()


# ------------------------------------------------------------------ the filmmaker's pages

READ_ONLY_PAGES = {"submissions.edit_step"}  # their GET only reads (the page before every save)


@bp.before_request
def _read_only_pages() -> None:
    """A step page's GET only reads: in autocommit, two round trips fewer (festival.readonly)."""
    if request.method == "GET" and request.endpoint in READ_ONLY_PAGES:
        readonly.read_without_transaction()


bp.teardown_request(readonly.end_read)


@bp.route("/")
@login_required
def my_entries():
    entries = queries.entries_of(_user())
    return render_template(
        "submissions/my_entries.html",
        entries=entries,
        states={entry.id: window.entry_state(entry) for entry in entries},
        open_editions=open_editions(),
        new_form=forms.NewEntryForm(formdata=None),
        may_enter=current_user.has_role(Role.FILMMAKER),
    )


@bp.route("/new", methods=["POST"])
@roles_required(Role.FILMMAKER)
def new_entry():
    form = forms.NewEntryForm()
    if not form.validate_on_submit():
        abort(400)
    edition = db.get_or_404(Edition, form.edition_id.data)
    return perform(
        lambda: services.create_entry(edition, owner=_user()),
        success=lambda entry: flash(
            _("Your draft is saved at every step; you can come back to it at any time."), "info"
        ),
        target=lambda entry: url_for(".edit_step", entry_id=entry.id, step="film"),
        back=url_for(".my_entries"),
    )


@bp.route(f"/<{ID}:entry_id>/withdraw-from-programme", methods=["POST"])
@roles_required(Role.STAFF)
def withdraw_from_programme(entry_id: int):
    entry = db.get_or_404(Entry, entry_id)
    return post_button(
        forms.ConfirmForm(),
        lambda: services.withdraw_from_programme(entry, actor=_user()),
        success=_("The film is withdrawn; the next timetable leaves it out."),
        back=url_for(".entry_detail", entry_id=entry.id),
    )


@bp.route(f"/<{ID}:entry_id>")
@login_required
def entry_detail(entry_id: int):
    entry = queries.entry_for_owner_or_staff_or_404(_user(), entry_id)
    return _render_detail(entry)


def _render_detail(entry: Entry, reopen_form: forms.ReopenForm | None = None, status: int = 200):
    staff_view = current_user.is_staff and not entry.is_owned_by(_user())
    events = trail([entry], edition=entry.edition) if staff_view else []
    if reopen_form is None and staff_view:
        until = localtime.wall_clock(entry.reopened_until, entry.edition)
        reopen_form = forms.ReopenForm(formdata=None, data={"until": until})
    return (
        render_template(
            "submissions/entry.html",
            entry=entry,
            state=window.entry_state(entry),
            rows=display.entry_rows(entry),
            staff_view=staff_view,
            reopen_form=reopen_form,
            events=events,
        ),
        status,
    )


@bp.route(f"/<{ID}:entry_id>/edit/<step>", methods=["GET", "POST"])
@login_required
def edit_step(entry_id: int, step: str):
    entry = queries.owned_entry_or_404(_user(), entry_id)
    if step not in completeness.STEPS:
        abort(404)
    if step == "review":
        return _render_review(entry, forms.SubmitForm(formdata=None, data={"version": entry.version}))
    form = forms.step_form(step, entry, submitted=request.method == "POST")
    if request.method == "GET":
        return _render_step(entry, step, form)
    form.validate()
    in_place = wants_json()
    try:
        with stale_as(errors.StaleEntry):
            services.save_step(
                entry,
                step,
                form.values(),
                rejected=form.rejected(),
                actor=_user(),
                expected_version=form.version_number(),
            )
            answer = _saved_json(entry, form) if in_place else None  # before the commit expires entry
            db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if in_place:  # the message and the fields that stopped it; nothing was saved
            body, status = refusal_json(exc)
            return {**body, "errors": _problems(exc, form)}, status
        if not isinstance(exc, StaleEdit | InvalidInput):  # closed, or not in a state to change
            return go_back(exc, url_for(".entry_detail", entry_id=entry_id))
        flash(str(exc), "error")
        leftovers = form.add_problems(getattr(exc, "problems", []))
        return _render_step(entry, step, form, leftovers), exc.status
    if in_place:
        return answer, 422 if form.rejected() else 200
    if form.rejected():
        flash(PARTLY_SAVED, "warning")
        return _render_step(entry, step, form), 422
    flash(_("Saved."), "success")
    following = completeness.STEPS[completeness.STEPS.index(step) + 1]
    # entry_id, not entry.id: the commit expired the entry, and reading it back costs a query
    return redirect(
        url_for(".edit_step", entry_id=entry_id, step=following if "next" in request.form else step), REDIRECT
    )


PARTLY_SAVED = _l("The other fields are saved; correct the fields marked below and save again.")


def _saved_json(entry: Entry, form: forms.StepForm) -> dict:
    """The answer to a save in place: the entry's new version (the next save must send it), the
    time, and the fields that were not saved with their messages."""
    when = localtime.format_local(localtime.now(), entry.edition, "HH:mm")
    zone = localtime.timezone_label(entry.edition)
    message = (
        str(PARTLY_SAVED) if form.rejected() else _("Saved at %(time)s (%(zone)s).", time=when, zone=zone)
    )
    return {"saved": True, "version": entry.version, "message": message, "errors": _field_errors(form)}


def _field_errors(form: forms.StepForm) -> dict[str, list[str]]:
    return {name: [str(e) for e in form[name].errors] for name in form.rejected()}


def _problems(exc: DomainError, form: forms.StepForm) -> dict[str, list[str]]:
    """The fields that stopped a save, with their messages: the form's and the service's (a
    submitted entry that would no longer be complete)."""
    errors = _field_errors(form)
    for name, message in getattr(exc, "problems", []):
        errors.setdefault(name, []).append(str(message))
    return errors


def _render_step(entry: Entry, step: str, form: forms.StepForm, leftovers=(), upload_form=None):
    form.version.data = entry.version
    if upload_form is None and step == "links":  # only the links step shows the upload form
        upload_form = forms.ImageUploadForm(formdata=None, kind=images.next_image_kind(entry))
    problems = completeness.problems_by_step(completeness.submission_problems(entry))
    return render_template(
        "submissions/edit_step.html",
        entry=entry,
        step=step,
        form=form,
        leftovers=leftovers,
        state=window.entry_state(entry),
        nav_problems=problems,
        upload_form=upload_form,
        max_stills=completeness.MAX_STILLS,
        max_megabytes=uploads.megabytes(current_app.config["UPLOAD_MAX_BYTES"]),
    )


def _render_review(entry: Entry, form: forms.SubmitForm, problems=None, status: int = 200):
    form.version.data = entry.version
    if problems is None:
        problems = [p for p in completeness.submission_problems(entry) if p[0] != "terms"]
    terms = [message for field, message in problems if field == "terms"]
    form.accept_terms.errors = terms
    return (
        render_template(
            "submissions/review.html",
            entry=entry,
            step="review",
            form=form,
            rows=display.entry_rows(entry),
            state=window.entry_state(entry),
            problems=completeness.problems_by_step(p for p in problems if p[0] != "terms"),
            nav_problems=completeness.problems_by_step(completeness.submission_problems(entry)),
        ),
        status,
    )


@bp.route(f"/<{ID}:entry_id>/submit", methods=["POST"])
@login_required
def submit(entry_id: int):
    entry = queries.owned_entry_or_404(_user(), entry_id)
    form = forms.SubmitForm()
    detail = url_for(".entry_detail", entry_id=entry_id)
    try:
        with stale_as(errors.StaleEntry):
            submitted = services.submit_entry(
                entry,
                actor=_user(),
                accept_terms=form.accept_terms.data,
                expected_version=form.version_number(),
            )
            reference, email = entry.reference, entry.owner.email  # read before the commit expires them
            db.session.commit()
    except errors.IncompleteEntry as exc:  # the review page again, each problem where it is fixed
        db.session.rollback()
        flash(_("The entry is not complete yet: see the points below."), "error")
        return _render_review(entry, form, exc.problems, exc.status)
    except DomainError as exc:
        return go_back(exc, detail)
    if submitted:
        flash(
            _(
                "Thank you: your entry is submitted with the reference %(reference)s. "
                "A receipt is on its way to %(email)s.",
                reference=reference,
                email=email,
            ),
            "success",
        )
    else:
        flash(_("This entry was already submitted (%(reference)s).", reference=reference), "info")
    return redirect(detail, REDIRECT)


@bp.route(f"/<{ID}:entry_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(entry_id: int):
    entry = queries.owned_entry_or_404(_user(), entry_id)
    form = forms.ConfirmForm()
    detail = url_for(".entry_detail", entry_id=entry.id)
    reference = entry.reference
    outcome = submit_form(
        form,
        lambda: services.withdraw_entry(entry, actor=_user()),
        success=_("The entry %(reference)s is withdrawn.", reference=reference),
        target=detail,
        stale=errors.StaleEntry,
        back=detail,
    )
    if not isinstance(outcome, Render):
        return outcome
    return render_template("submissions/confirm.html", entry=entry, action="withdraw", form=form)


@bp.route(f"/<{ID}:entry_id>/delete", methods=["GET", "POST"])
@login_required
def delete_draft(entry_id: int):
    entry = queries.owned_entry_or_404(_user(), entry_id)
    form = forms.ConfirmForm()
    outcome = submit_form(
        form,
        lambda: services.delete_draft(entry, actor=_user()),
        success=_("The draft is deleted."),
        target=url_for(".my_entries"),
        stale=errors.StaleEntry,
        back=url_for(".entry_detail", entry_id=entry.id),
    )
    if not isinstance(outcome, Render):
        return outcome
    return render_template("submissions/confirm.html", entry=entry, action="delete", form=form)


# ------------------------------------------------------------------ images


@bp.route(f"/<{ID}:entry_id>/images", methods=["POST"])
@login_required
def upload_image(entry_id: int):
    entry = queries.owned_entry_or_404(_user(), entry_id)
    upload_form = forms.ImageUploadForm()
    outcome = submit_form(
        upload_form,
        lambda: images.add_image(
            entry, actor=_user(), kind=upload_form.kind.data, upload=upload_form.image.data
        ),
        success=_("The image is uploaded."),
        target=url_for(".edit_step", entry_id=entry.id, step="links"),
        stale=errors.StaleEntry,
    )
    if not isinstance(outcome, Render):
        return outcome
    form = forms.step_form("links", entry, submitted=False)
    page = _render_step(entry, "links", form, upload_form=upload_form)
    if isinstance(outcome.error, errors.UploadBusy):  # nothing wrong with the file: later it goes through
        return page, outcome.status, {"Retry-After": str(UPLOAD_RETRY_SECONDS)}
    return page, max(outcome.status, 422)


def _entry_image_or_404(entry: Entry, image_id: int) -> EntryImage:
    image = db.session.get(EntryImage, image_id)
    if image is None or image.entry_id != entry.id:
        abort(404)
    return image


@bp.route(f"/<{ID}:entry_id>/images/<{ID}:image_id>/delete", methods=["POST"])
@login_required
def delete_image(entry_id: int, image_id: int):
    entry = queries.owned_entry_or_404(_user(), entry_id)
    image = _entry_image_or_404(entry, image_id)
    return post_button(
        forms.ConfirmForm(),
        lambda: images.delete_image(entry, image, actor=_user()),
        success=_("The image is deleted."),
        back=url_for(".edit_step", entry_id=entry.id, step="links"),
    )


@bp.route(f"/<{ID}:entry_id>/images/<{ID}:image_id>/move", methods=["POST"])
@login_required
def move_image(entry_id: int, image_id: int):
    entry = queries.owned_entry_or_404(_user(), entry_id)
    image = _entry_image_or_404(entry, image_id)
    form = forms.ImageMoveForm()
    return post_button(
        form,
        lambda: images.move_image(entry, image, actor=_user(), offset=int(form.offset.data)),
        success=None,
        back=url_for(".edit_step", entry_id=entry.id, step="links"),
    )


@bp.route(f"/<{ID}:entry_id>/images/<{ID}:image_id>/<any(full, thumb):variant>")
@login_required
def image_file(entry_id: int, image_id: int, variant: str):
    entry = db.session.get(Entry, entry_id)
    if entry is None or not can_view_images(_user(), entry):
        abort(404)
    image = _entry_image_or_404(entry, image_id)
    return uploads.image_response(image, variant, public=False)


# ------------------------------------------------------------------ staff


@bp.route(f"/<{ID}:entry_id>/reopen", methods=["POST"])
@roles_required(Role.STAFF)
def reopen(entry_id: int):
    entry = db.get_or_404(Entry, entry_id)
    form = forms.ReopenForm()
    edition = entry.edition
    until = (
        localtime.from_local(form.until.data, edition)
        if form.action.data == "reopen" and form.until.data
        else None
    )

    def reopened(_result) -> None:
        if until is None:
            flash(_("The entry follows the edition's deadline again."), "success")
            return
        message = _(
            "The entry is open for its filmmaker until %(until)s (%(tz)s); they were told by e-mail.",
            until=localtime.format_local(until, edition),
            tz=localtime.timezone_label(edition),
        )
        flash(message, "success")

    outcome = submit_form(
        form,
        lambda: services.reopen_entry(entry, actor=_user(), until=until),
        success=reopened,
        target=url_for(".entry_detail", entry_id=entry.id),
        stale=errors.StaleEntry,
    )
    if not isinstance(outcome, Render):
        return outcome
    return _render_detail(entry, form, outcome.status)


def _staff_filter() -> tuple[forms.EntryFilterForm, queries.EntryFilter]:
    form = forms.EntryFilterForm(formdata=request.args)
    editions = queries.all_editions()
    edition_arg = request.args.get("edition")
    if edition_arg is None and editions:
        form.edition.data = str(editions[0].id)
    entry_filter = form.to_filter()
    form.fill_choices(editions, queries.countries(entry_filter.edition_id), display.status_label)
    return form, entry_filter


@bp.route("/staff")
@roles_required(Role.STAFF)
def staff_entries():
    form, entry_filter = _staff_filter()
    page = params.page_number(request.args.get("page"))
    pagination = db.paginate(entry_filter.statement(), page=page, per_page=PER_PAGE, error_out=False)
    args = {key: value for key, value in request.args.items() if key != "page"}
    args.setdefault("edition", form.edition.data or "")

    def sort_url(key: str) -> str:
        descending = entry_filter.sort == key and not entry_filter.descending
        return url_for(".staff_entries", **{**args, "sort": key, "dir": "desc" if descending else "asc"})

    return render_template(
        "submissions/staff_entries.html",
        form=form,
        entry_filter=entry_filter,
        pagination=pagination,
        sort_url=sort_url,
        page_url=lambda page: url_for(".staff_entries", **{**args, "page": page}),
        export_url=url_for(".staff_export", **args),
    )


@bp.route("/staff/entries.csv")
@roles_required(Role.STAFF)
def staff_export():
    _form, entry_filter = _staff_filter()
    text = export.entries_csv(db.session.scalars(entry_filter.statement()))
    return Response(
        text.encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": attachment("entries.csv"), "Cache-Control": "no-store"},
    )
