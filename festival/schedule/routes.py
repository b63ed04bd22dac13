"""Views of the timetable: versions, the grid and lists, manual edits, compare, publish and exports.

Every view is staff/admin only and goes load -> authorise -> act; the rules live in versions.py.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival import localtime, params
from festival.editions import asked_day, staff_edition, staff_editions
from festival.errors import InvalidInput
from festival.extensions import db
from festival.formtools import choices
from festival.handlers import REDIRECT, Render, attachment, perform, post_button, submit_form
from festival.labels import FORMAT_LABELS, film_title, format_label
from festival.models import Edition, Entry, Screening, ShortsProgramme, Theater, TimetableVersion
from festival.models.enums import FilmFormat, Role, VersionStatus
from festival.navigation import item_url, localized
from festival.paging import page_of, search_words
from festival.schedule import (
    adapter,
    bp,
    changelog,
    edits,
    exports,
    grid,
    notices,
    publishing,
    runs,
    tours,
    versions,
    why,
)
from festival.schedule.forms import AddForm, LockForm, MoveForm, NewDraftForm, PublishForm, ResolveForm
from festival.security import roles_required

STAFF = (Role.STAFF,)  # admins hold every staff right


# ---------------------------------------------------------------- loading


def _version(version_id: int) -> TimetableVersion:
    return db.get_or_404(TimetableVersion, version_id)


def _screening(version: TimetableVersion, screening_id: int) -> Screening:
    screening = db.session.get(Screening, screening_id)
    if screening is None or screening.timetable_id != version.id:
        abort(404)
    return screening


def _day(version: TimetableVersion, edition: Edition) -> date:
    """The day asked for (?day=YYYY-MM-DD), else the first day with screenings, else the first day."""
    day = asked_day(edition, request.args.get("day"))
    if day is not None:
        return day
    days = grid.screening_days(version)
    return min(days) if days else edition.first_day


def _theater_choices(edition: Edition) -> list[tuple[int, str]]:
    return [(t.id, localized(t, "name")) for t in grid.edition_theaters(edition)]


def _item_choices(edition: Edition) -> list:
    """What a screening can show, as the solver schedules it: the films that screen on their own, then (in
    their own group) the shorts programmes, each one item in place of its films (value ``p<id>``)."""
    singles, programmes = adapter.schedulable(edition)

    def label(item) -> str:
        return f"{film_title(item)} ({format_label(item.format)}, {item.runtime_minutes} min)"

    films = sorted(((str(e.id), label(e)) for e, _d in singles), key=lambda c: c[1].casefold())
    if not programmes:
        return choices(films)
    units = [(adapter.programme_film_id(p.id), label(p)) for p in programmes]
    return choices(films, group=_("Films")) + choices(units, group=_("Shorts programmes"))


def _chosen_item(value: str) -> dict:
    """The film (``entry``) or shorts programme (``programme``) an add form's value names."""
    programme_id = adapter.programme_id_of(value)
    if programme_id is not None:
        return {"programme": db.session.get(ShortsProgramme, programme_id)}
    return {"entry": db.session.get(Entry, params.record_id(value) or 0)}


def _local(edition: Edition, day: date, clock) -> datetime:
    return localtime.at(day, clock, edition)


def _grid_url(screening_or_version, day: date | None = None) -> str:
    """The grid of a version, on the day of a screening (or the day given)."""
    version = getattr(screening_or_version, "timetable", screening_or_version)
    if day is None and isinstance(screening_or_version, Screening):
        day = localtime.local_day(screening_or_version.start, db.session.get(Edition, version.edition_id))
    return url_for("schedule.version", version_id=version.id, day=day.isoformat() if day else None)


def _common(version: TimetableVersion) -> dict:
    """What every version page shows: the edition, the published version, the tabs."""
    edition = db.session.get(Edition, version.edition_id)
    published = versions.published_version(edition)
    return {"edition": edition, "version": version, "published": published, "format_labels": FORMAT_LABELS}


# ---------------------------------------------------------------- home


DRAFTS_PER_PAGE = 20


@bp.route("/")
@roles_required(*STAFF)
def index():
    edition = staff_edition(request.args.get("edition"))
    drafts = db.paginate(
        versions.drafts_statement(edition),
        page=params.page_number(request.args.get("page")),
        per_page=DRAFTS_PER_PAGE,
        error_out=False,
    )
    published_list = versions.published_versions(edition)
    form = NewDraftForm(formdata=None)
    form.based_on.choices = _based_on_choices(versions.versions_of(edition))
    return render_template(
        "schedule/index.html",
        edition=edition,
        editions=staff_editions(),
        drafts=drafts,
        rows=versions.draft_rows(edition, drafts.items),
        published_list=published_list,
        counts=versions.screening_counts(published_list),
        published=versions.published_version(edition),
        move_cost=adapter.move_cost(edition),
        runs=runs.edition_runs(edition, limit=10),
        form=form,
        discard=LockForm(formdata=None),
        page_url=lambda page: url_for("schedule.index", edition=edition.slug, page=page),
    )


def _based_on_choices(all_versions: list[TimetableVersion]):
    choices = [(0, _("An empty timetable"))]
    for v in all_versions:
        choices.append((v.id, _version_name(v)))
    return choices


def _version_name(v: TimetableVersion) -> str:
    if v.status == VersionStatus.DRAFT:
        return versions.version_name(v)
    return _("%(name)s (%(status)s)", name=versions.version_name(v), status=_status_label(v.status))


def _status_label(status: VersionStatus) -> str:
    return {
        VersionStatus.DRAFT: _("draft"),
        VersionStatus.PUBLISHED: _("published"),
        VersionStatus.SUPERSEDED: _("superseded"),
        VersionStatus.SCENARIO: _("scenario"),
    }[status]


@bp.route("/editions/<int:edition_id>/drafts", methods=["POST"])
@roles_required(*STAFF)
def new_draft(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    form = NewDraftForm()
    form.based_on.choices = _based_on_choices(versions.versions_of(edition))
    back = url_for("schedule.index", edition=edition.slug)
    if not form.validate_on_submit():
        flash(_("Please choose what the new draft starts from."), "error")
        return redirect(back, REDIRECT)
    based_on = db.session.get(TimetableVersion, form.based_on.data) if form.based_on.data else None
    return perform(
        lambda: versions.create_draft(edition, actor=current_user, based_on=based_on, label=form.label.data),
        success=lambda draft: flash(_("%(name)s created.", name=versions.version_name(draft)), "success"),
        target=lambda draft: url_for("schedule.version", version_id=draft.id),
        back=back,
    )


@bp.route("/versions/<int:version_id>/copy", methods=["POST"])
@roles_required(*STAFF)
def copy(version_id: int):
    version = _version(version_id)  # copying changes nothing of it: no lock to check (CSRF is app-wide)
    edition = db.session.get(Edition, version.edition_id)
    return perform(
        lambda: versions.create_draft(edition, actor=current_user, based_on=version),
        success=lambda draft: flash(
            _(
                "%(name)s created as a copy; edit it and publish it when ready.",
                name=versions.version_name(draft),
            ),
            "success",
        ),
        target=lambda draft: url_for("schedule.version", version_id=draft.id),
        back=url_for("schedule.version", version_id=version.id),
    )


@bp.route("/versions/<int:version_id>/discard", methods=["POST"])
@roles_required(*STAFF)
def discard(version_id: int):
    version = _version(version_id)
    edition = db.session.get(Edition, version.edition_id)
    name, form = versions.version_name(version), LockForm()
    return post_button(
        form,
        lambda: versions.discard_draft(version, actor=current_user, lock=form.lock_value()),
        success=_("%(name)s was deleted.", name=name),
        back=url_for("schedule.index", edition=edition.slug),
    )


# ---------------------------------------------------------------- views of a version


@bp.route("/versions/<int:version_id>", endpoint="version")
@roles_required(*STAFF)
def version_grid(version_id: int):
    version = _version(version_id)
    ctx = _common(version)
    day = _day(version, ctx["edition"])
    published = ctx["published"]
    changes = None
    if version.status == VersionStatus.DRAFT and published is not None:
        changes = changelog.diff_versions(published, version)
    return render_template(
        "schedule/version.html", **ctx, grid=grid.day_grid(version, day), changes=changes, tab="grid"
    )


@bp.route("/versions/<int:version_id>/overview")
@roles_required(*STAFF)
def overview(version_id: int):
    version = _version(version_id)
    return render_template(
        "schedule/overview.html", **_common(version), use=grid.usage(version), tab="overview"
    )


FILMS_PER_PAGE = 50
FORMAT_VALUES = tuple(f.value for f in FilmFormat)


@bp.route("/versions/<int:version_id>/films")
@roles_required(*STAFF)
def films(version_id: int):
    version = _version(version_id)
    lines = grid.film_lines(version)
    asked = {
        "q": search_words(request.args.get("q")),
        "status": request.args.get("status", "") if request.args.get("status") in grid.FILM_STATUSES else "",
        "format": request.args.get("format", "") if request.args.get("format") in FORMAT_VALUES else "",
    }
    listed = grid.select_film_lines(lines, query=asked["q"], status=asked["status"], fmt=asked["format"])
    return render_template(
        "schedule/films.html", **_common(version), lines=lines, asked=asked, statuses=grid.FILM_STATUSES,
        listed=page_of(listed, request.args.get("page"), FILMS_PER_PAGE),
        page_url=lambda n: url_for(
            "schedule.films", version_id=version.id, page=n, **{k: v for k, v in asked.items() if v}
        ),
        tab="films",
    )  # fmt: skip


@bp.route("/versions/<int:version_id>/theaters")
@roles_required(*STAFF)
def theaters(version_id: int):
    version = _version(version_id)
    lines = grid.theater_lines(version)
    return render_template("schedule/theaters.html", **_common(version), lines=lines, tab="theaters")


@bp.route("/versions/<int:version_id>/tours")
@roles_required(*STAFF)
def tour_list(version_id: int):
    """Every touring film's prints: their stops and legs."""
    version = _version(version_id)
    return render_template(
        "schedule/tours.html", **_common(version), tours=tours.film_tours(version), tab="tours"
    )


@bp.route("/versions/<int:version_id>/films/<int:entry_id>/tour")
@roles_required(*STAFF)
def tour(version_id: int, entry_id: int):
    """Where each print of one film is on each day of the window."""
    version = _version(version_id)
    edition = db.session.get(Edition, version.edition_id)
    found = [(e, d) for e, d in tours.touring_films(edition) if e.id == entry_id]
    if not found:
        abort(404)
    (film_tour,) = tours.film_tours(version, found)
    return render_template(
        "schedule/tour.html", **_common(version), tour=film_tour, days=tours.tour_days(edition, film_tour),
        tab="tours",
    )  # fmt: skip


@bp.route("/versions/<int:version_id>/stats")
@roles_required(*STAFF)
def stats(version_id: int):
    version = _version(version_id)
    totals = grid.totals(
        grid.usage(version),
        theater_label=lambda t: localized(t, "name"),
        format_label=format_label,
    )
    return render_template("schedule/stats.html", **_common(version), totals=totals, tab="stats")


@bp.route("/versions/<int:version_id>/compare")
@roles_required(*STAFF)
def compare(version_id: int):
    version = _version(version_id)
    ctx = _common(version)
    other_id = params.record_id(request.args.get("with"))
    base = db.session.get(TimetableVersion, other_id) if other_id else ctx["published"]
    if base is not None and base.edition_id != version.edition_id:
        abort(404)
    others = [v for v in versions.versions_of(ctx["edition"]) if v.id != version.id]
    diff = changelog.diff_versions(base, version) if base is not None and base.id != version.id else None
    return render_template(
        "schedule/compare.html", **ctx, base=base, diff=diff, others=others, name=_version_name, tab="compare"
    )


# ---------------------------------------------------------------- manual edits


def _refusal(outcome: Render) -> dict:
    """What a refused edit shows: the problems in words and, for a move or an addition, the nearest valid
    starts (versions.EditRejected)."""
    return {key: getattr(outcome.error, key, ()) for key in ("problems", "suggestions")}


def _edit_page(
    version: TimetableVersion,
    screening: Screening,
    *,
    form: MoveForm | None = None,
    problems=(),
    suggestions=(),
    status=200,
):
    ctx = _common(version)
    if form is None:
        local = localtime.to_local(screening.start, ctx["edition"])
        form = MoveForm(
            formdata=None,
            theater=screening.theater_id,
            day=local.date(),
            start=local.time(),
            lock=version.version,
        )
    form.theater.choices = _theater_choices(ctx["edition"])
    page = render_template(
        "schedule/screening.html", **ctx, screening=screening, form=form, problems=problems,
        suggestions=suggestions, button=LockForm(formdata=None, lock=version.version), tab="grid",
        tie=adapter.screening_tie(screening, ctx["edition"]),
    )  # fmt: skip
    return page, status


@bp.route(
    "/versions/<int:version_id>/screenings/<int:screening_id>", methods=["GET", "POST"], endpoint="screening"
)
@roles_required(*STAFF)
def screening_page(version_id: int, screening_id: int):
    version = _version(version_id)
    screening = _screening(version, screening_id)
    if request.method == "GET":
        return _edit_page(version, screening)
    edition = db.session.get(Edition, version.edition_id)
    form = MoveForm()
    form.theater.choices = _theater_choices(edition)
    outcome = submit_form(
        form,
        lambda: edits.move_screening(
            screening,
            theater=db.session.get(Theater, form.theater.data),
            start=_local(edition, form.day.data, form.start.data),
            actor=current_user,
            lock=form.lock_value(),
        ),  # fmt: skip
        success=_("Screening moved."),
        target=_grid_url,
    )
    if not isinstance(outcome, Render):
        return outcome
    screening = _screening(version, screening_id)
    return _edit_page(version, screening, form=form, status=outcome.status, **_refusal(outcome))


def _button_edit(version_id: int, screening_id: int, action, done: str):
    version = _version(version_id)
    screening = _screening(version, screening_id)
    form = LockForm()
    if not form.validate_on_submit():
        abort(400)
    day = localtime.local_day(screening.start, db.session.get(Edition, version.edition_id))
    outcome = perform(
        lambda: action(screening, actor=current_user, lock=form.lock_value()),
        success=done,
        target=_grid_url(version, day),
    )
    if not isinstance(outcome, Render):
        return outcome
    screening = _screening(version, screening_id)
    return _edit_page(
        version, screening, problems=getattr(outcome.error, "problems", ()), status=outcome.status
    )


@bp.route("/versions/<int:version_id>/screenings/<int:screening_id>/why")
@roles_required(*STAFF)
def why_here(version_id: int, screening_id: int):
    """Why a screening sits where it is: its value, the best other starts and what stops each, and what
    the timetable would lose without it (festival.schedule.why)."""
    version = _version(version_id)
    screening = _screening(version, screening_id)
    try:
        result, error = why.why_here(version, screening), None
    except InvalidInput as exc:
        result, error = None, exc.message
    return render_template(
        "schedule/why_here.html", **_common(version), screening=screening, why=result, error=error, tab="grid"
    )


@bp.route("/versions/<int:version_id>/screenings/<int:screening_id>/pin", methods=["POST"])
@roles_required(*STAFF)
def pin(version_id: int, screening_id: int):
    return _button_edit(
        version_id, screening_id, lambda s, **kw: edits.set_pinned(s, True, **kw), _("Screening pinned.")
    )


@bp.route("/versions/<int:version_id>/screenings/<int:screening_id>/unpin", methods=["POST"])
@roles_required(*STAFF)
def unpin(version_id: int, screening_id: int):
    return _button_edit(
        version_id,
        screening_id,
        lambda s, **kw: edits.set_pinned(s, False, **kw),
        _("Screening unpinned."),
    )


@bp.route("/versions/<int:version_id>/screenings/<int:screening_id>/remove", methods=["POST"])
@roles_required(*STAFF)
def remove(version_id: int, screening_id: int):
    return _button_edit(version_id, screening_id, edits.remove_screening, _("Screening removed."))


@bp.route("/versions/<int:version_id>/screenings/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def add(version_id: int):
    version = _version(version_id)
    ctx = _common(version)
    edition = ctx["edition"]
    form = AddForm(lock=version.version, day=_day(version, edition))
    form.theater.choices = _theater_choices(edition)
    form.entry.choices = _item_choices(edition)
    outcome = submit_form(
        form,
        lambda: edits.add_screening(
            version,
            **_chosen_item(form.entry.data),
            theater=db.session.get(Theater, form.theater.data),
            start=_local(edition, form.day.data, form.start.data),
            actor=current_user,
            lock=form.lock_value(),
            pinned=form.pinned.data,
        ),  # fmt: skip
        success=_("Screening added."),
        target=_grid_url,
    )
    if not isinstance(outcome, Render):
        return outcome
    version = _version(version_id)
    refusal = _refusal(outcome)
    return render_template(
        "schedule/add.html", **_common(version), form=form, tab="grid", **refusal
    ), outcome.status


# ---------------------------------------------------------------- publish and re-solve


CHANGES_PER_PAGE = 50


@bp.route("/versions/<int:version_id>/publish", methods=["GET", "POST"])
@roles_required(*STAFF)
def publish(version_id: int):
    version = _version(version_id)
    form = PublishForm(lock=version.version)
    if version.status != VersionStatus.DRAFT:
        flash(_("Only a draft can be published."), "error")
        return redirect(url_for("schedule.version", version_id=version.id))
    outcome = submit_form(
        form,
        lambda: publishing.publish(
            version,
            actor=current_user,
            lock=form.lock_value(),
            accept_warnings=form.accept_warnings.data,
            confirm_name=form.confirm_name.data,
        ),  # fmt: skip
        success=lambda published: flash(
            _("Version %(number)s is now the public programme.", number=published.number), "success"
        ),
        target=url_for("schedule.version", version_id=version.id),
    )
    if not isinstance(outcome, Render):
        return outcome
    version = _version(version_id)
    ctx = _common(version)
    changes = publishing.summary(version)
    query = search_words(request.args.get("q"))
    kind = request.args.get("kind", "") if request.args.get("kind") in changelog.KINDS else ""
    listed = changelog.matching(changes.diff.changes, query, kind)
    number = publishing.next_number(ctx["edition"])
    page = render_template(
        "schedule/publish.html", **ctx, form=form, problems=publishing.publish_problems(version),
        changes=changes, notices=notices.filmmaker_notices(changes.diff, number), next_number=number,
        query=query, kind=kind, kinds=changelog.KINDS,
        listed=page_of(listed, request.args.get("page"), CHANGES_PER_PAGE),
        page_url=lambda n: url_for(
            "schedule.publish", version_id=version.id, q=query or None, kind=kind or None, page=n
        ),
        tab="publish",
    )  # fmt: skip
    return page, outcome.status


@bp.route("/versions/<int:version_id>/problems.json")
@roles_required(*STAFF)
def problems(version_id: int):
    """The version's problems as JSON: a list of {kind, rule, message, refs} (for scripts and the API)."""
    version = _version(version_id)
    return {"version": version.id, "problems": [p.as_dict() for p in publishing.publish_problems(version)]}


@bp.route("/versions/<int:version_id>/resolve", methods=["POST"])
@roles_required(*STAFF)
def resolve(version_id: int):
    version = _version(version_id)
    edition = db.session.get(Edition, version.edition_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(
            _(
                "The time limit must be between %(lo)s and %(hi)s seconds.",
                lo=runs.TIME_LIMIT_MIN,
                hi=runs.TIME_LIMIT_MAX,
            ),
            "error",
        )
        return redirect(url_for("schedule.version", version_id=version.id), REDIRECT)

    def queued(run) -> None:
        runs.enqueue(run)  # committed: a worker can read it
        flash(
            _("The solver is re-solving around this draft's pins; the result will be a new draft."), "success"
        )

    return perform(
        lambda: runs.start_run(
            edition, actor=current_user, time_limit=form.time_limit.data, keep_pins=True, base_version=version
        ),
        success=queued,
        target=lambda run: url_for("schedule.run_detail", run_id=run.id),
        back=url_for("schedule.version", version_id=version.id),
    )


# ---------------------------------------------------------------- exports


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = attachment(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _file_stem(version: TimetableVersion) -> str:
    edition = db.session.get(Edition, version.edition_id)
    which = f"v{version.number}" if version.number else f"draft{version.id}"
    return f"{edition.slug}-timetable-{which}"


def _calendar(version: TimetableVersion, screenings, name: str) -> bytes:
    edition = db.session.get(Edition, version.edition_id)
    return exports.calendar(
        edition,
        screenings,
        name=name,
        stamp=version.published_at or version.created_at,
        film_url=_film_url(version),
    )


def _film_url(version: TimetableVersion):
    if version.status != VersionStatus.PUBLISHED:
        return None
    return item_url  # a film's page, or a shorts programme's


@bp.route("/versions/<int:version_id>/export.csv")
@roles_required(*STAFF)
def export_csv(version_id: int):
    version = _version(version_id)
    return _download(exports.csv_text(version).encode("utf-8"), "text/csv", f"{_file_stem(version)}.csv")


@bp.route("/versions/<int:version_id>/tours.csv")
@roles_required(*STAFF)
def tours_csv(version_id: int):
    version = _version(version_id)
    body = tours.tours_csv(version).encode("utf-8")
    return _download(body, "text/csv", f"{_file_stem(version)}-print-tours.csv")


@bp.route("/versions/<int:version_id>/export.json")
@roles_required(*STAFF)
def export_json(version_id: int):
    version = _version(version_id)
    body = current_app.json.dumps(exports.schedule_json(version), ensure_ascii=False, indent=2)
    return _download(body, "application/json", f"{_file_stem(version)}.json")


@bp.route("/versions/<int:version_id>/export.ics")
@roles_required(*STAFF)
def export_ics(version_id: int):
    version = _version(version_id)
    body = _calendar(version, grid.version_screenings(version), _file_stem(version))
    return _download(body, "text/calendar", f"{_file_stem(version)}.ics")


@bp.route("/versions/<int:version_id>/theaters/<int:theater_id>.ics")
@roles_required(*STAFF)
def theater_ics(version_id: int, theater_id: int):
    version = _version(version_id)
    theater = db.get_or_404(Theater, theater_id)
    if theater.venue.edition_id != version.edition_id:
        abort(404)
    rows = [s for s in grid.version_screenings(version) if s.theater_id == theater.id]
    name = f"{_file_stem(version)}-{theater.code}"
    return _download(_calendar(version, rows, f"{theater.name} · {name}"), "text/calendar", f"{name}.ics")


@bp.route("/versions/<int:version_id>/films/<int:entry_id>.ics")
@roles_required(*STAFF)
def film_ics(version_id: int, entry_id: int):
    version = _version(version_id)
    entry = db.get_or_404(Entry, entry_id)
    if entry.edition_id != version.edition_id:
        abort(404)
    rows = [s for s in grid.version_screenings(version) if entry in s.films]  # its programme's too
    name = f"{_file_stem(version)}-e{entry.id}"
    return _download(_calendar(version, rows, entry.display_title), "text/calendar", f"{name}.ics")


@bp.route("/versions/<int:version_id>/print")
@roles_required(*STAFF)
def print_programme(version_id: int):
    version = _version(version_id)
    ctx = _common(version)
    days = exports.programme_days(ctx["edition"], grid.version_screenings(version))
    return render_template("schedule/print.html", **ctx, days=days)
