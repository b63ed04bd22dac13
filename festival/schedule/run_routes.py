"""Views of solver runs: generate a timetable, watch its progress, stop it, download its files."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.editions import staff_edition, staff_editions
from festival.extensions import db
from festival.formtools import choices
from festival.handlers import REDIRECT, Render, attachment, post_button, submit_form
from festival.models import Edition, SolveRun, TimetableVersion
from festival.models.enums import Role
from festival.schedule import adapter, bp, changelog, runs, versions
from festival.schedule.demand import demand_sources
from festival.schedule.run_forms import StartRunForm
from festival.security import roles_required

# Endpoints of the timetable grid that show one version, tried in order (the versions area owns them).
VERSION_ENDPOINTS = ("schedule.version", "schedule.version_grid", "schedule.grid")


def version_url(version_id: int | None) -> str | None:
    """Where a timetable version is shown (the grid when it exists, else the timetable home)."""
    if version_id is None:
        return None
    for endpoint in VERSION_ENDPOINTS:
        if endpoint in current_app.view_functions:
            return url_for(endpoint, version_id=version_id)
    if "schedule.index" in current_app.view_functions:
        return url_for("schedule.index")
    return None


def _form(edition: Edition) -> StartRunForm:
    form = StartRunForm()
    form.demand.choices = choices([(d.name, d.label) for d in demand_sources()])
    published = versions.published_version(edition)
    source = adapter.pin_source(edition)
    newest = _("The newest: %(name)s", name=versions.version_name(source)) if source else _("None yet")
    options = [(0, newest)]
    if published is not None:
        options.append((published.id, _("%(name)s (public)", name=versions.version_name(published))))
    options += [(v.id, versions.version_name(v)) for v in versions.drafts_of(edition)]
    form.base_version.choices = choices(options)
    return form


def _helpers() -> dict:
    return {
        "version_name": versions.version_name,
        "status_labels": runs.STATUS_LABELS,
        "solver_labels": runs.SOLVER_STATUS_LABELS,
        "gap_of": runs.gap_of,
        "version_url": version_url,
        "min_limit": runs.TIME_LIMIT_MIN,
        "max_limit": runs.TIME_LIMIT_MAX,
    }


def _run_or_404(run_id: int) -> SolveRun:
    runs.reap_stale_runs()
    run = runs.get_run(run_id)
    if run is None:
        abort(404)
    return run


def _render_list(edition: Edition, form: StartRunForm, status: int = 200):
    return (
        render_template(
            "schedule/run_list.html",
            edition=edition,
            editions=staff_editions(),
            form=form,
            runs=runs.edition_runs(edition),
            active=runs.active_run(edition),
            move_cost=adapter.move_cost(edition),
            published=versions.published_version(edition),
            **_helpers(),
        ),
        status,
    )


@bp.get("/runs")
@roles_required(Role.STAFF)
def runs_index():
    """The edition's solver runs and the "Generate timetable" form."""
    edition = staff_edition(request.args.get("edition"))
    runs.reap_stale_runs()
    return _render_list(edition, _form(edition))


@bp.post("/runs")
@roles_required(Role.STAFF)
def start_run():
    """Queue a solver run for the edition and go to its progress page."""
    edition = staff_edition(request.args.get("edition"))
    form = _form(edition)
    base = db.session.get(TimetableVersion, form.base_version.data) if form.base_version.data else None

    def queued(run) -> None:
        if runs.enqueue(run):  # committed: a worker can read it
            flash(_("The timetable is being generated; this page shows its progress."), "success")
        else:
            flash(_("The job queue could not take the run; see the error below."), "error")

    outcome = submit_form(
        form,
        lambda: runs.start_run(
            edition,
            actor=current_user,
            time_limit=form.time_limit.data,
            keep_pins=form.keep_pins.data,
            base_version=base,
            demand=form.demand.data,
        ),
        success=queued,
        target=lambda run: url_for("schedule.run_detail", run_id=run.id),
    )
    if not isinstance(outcome, Render):
        return outcome
    if isinstance(outcome.error, runs.RunAlreadyActive):  # that run's progress instead
        return redirect(url_for("schedule.run_detail", run_id=outcome.error.run.id), REDIRECT)
    return _render_list(edition, form, status=outcome.status)


@bp.get("/runs/<int:run_id>")
@roles_required(Role.STAFF)
def run_detail(run_id: int):
    """A run's live progress, or its result: the new draft, what could not be fitted and why."""
    run = _run_or_404(run_id)
    edition = db.session.get(Edition, run.edition_id)
    schedule = runs.run_schedule(run) or {}
    published = versions.published_version(edition)
    changes = None
    if run.result_version is not None and published is not None and run.result_version.id != published.id:
        changes = changelog.change_counts(published, run.result_version)
    return render_template(
        "schedule/run_detail.html",
        run=run,
        edition=edition,
        progress=runs.progress_of(run),
        shortfalls=runs.shortfall_rows(run),
        conflicts=runs.pin_problems(run),
        screening_count=len(schedule.get("screenings", [])),
        result_url=version_url(run.result_version_id),
        published=published,
        changes=changes,
        **_helpers(),
    )


@bp.get("/runs/<int:run_id>/progress.json")
@roles_required(Role.STAFF)
def run_progress(run_id: int):
    """The progress every viewer of a run sees (polled by static/js/run_progress.js)."""
    run = _run_or_404(run_id)
    payload = runs.progress_of(run)
    payload["status_label"] = str(runs.STATUS_LABELS[run.status.value])
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/runs/<int:run_id>/stop")
@roles_required(Role.STAFF)
def stop_run(run_id: int):
    """Stop a run: cancel it if queued, otherwise end the search and keep the best timetable."""
    run = _run_or_404(run_id)
    return post_button(
        None,
        lambda: runs.request_stop(run, actor=current_user),
        success=_("Stop requested: the run keeps the best timetable found so far."),
        back=url_for("schedule.run_detail", run_id=run.id),
    )


def _download(run: SolveRun, text: str | None, kind: str) -> Response:
    if not text:
        abort(404)
    edition = db.session.get(Edition, run.edition_id)
    body = json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = attachment(f"{edition.slug}-run{run.id}-{kind}.json")
    return response


@bp.get("/runs/<int:run_id>/instance.json")
@roles_required(Role.STAFF)
def run_instance(run_id: int):
    """Download the run's instance (festival-schedule-instance/1)."""
    run = _run_or_404(run_id)
    return _download(run, run.instance_json, "instance")


@bp.get("/runs/<int:run_id>/schedule.json")
@roles_required(Role.STAFF)
def run_schedule(run_id: int):
    """Download the run's schedule (festival-schedule/1); 404 until the run has one."""
    run = _run_or_404(run_id)
    return _download(run, run.schedule_json, "schedule")
