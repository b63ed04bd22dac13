"""Views of scenarios: create one from a draft, run it, compare several side by side, make one the draft,
delete one (the rules live in festival.schedule.scenarios)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.editions import staff_edition, staff_editions
from festival.editions.demand import WEEKDAYS, DemandSettings
from festival.extensions import db
from festival.formtools import choices
from festival.handlers import REDIRECT, Render, post_button, submit_form
from festival.labels import FORMAT_LABELS, film_title, label_of
from festival.models import Edition, Scenario, TimetableVersion
from festival.models.enums import Role
from festival.navigation import localized
from festival.schedule import adapter, bp, runs, scenarios, versions
from festival.schedule.run_routes import version_url
from festival.schedule.scenario_forms import ScenarioForm
from festival.security import roles_required

STAFF = (Role.STAFF,)  # admins hold every staff right


def _form(edition: Edition, formdata=None) -> ScenarioForm:
    kwargs = {} if formdata is None else {"formdata": formdata}
    form = ScenarioForm(**kwargs)
    drafts = versions.drafts_of(edition)
    form.base_version.choices = choices([(v.id, versions.version_name(v)) for v in drafts])
    theaters = adapter.edition_theaters(edition)
    form.closure_theater.choices = choices(
        [(0, _("No theater closed"))] + [(t.id, localized(t, "name")) for t in theaters]
    )
    films = sorted(
        ((e.id, film_title(e)) for e, _d in adapter.accepted_entries(edition)), key=lambda c: c[1].casefold()
    )
    form.add_films.choices = choices(films)
    form.drop_films.choices = choices(films)
    if not form.is_submitted():
        settings = DemandSettings.of(edition)
        for key in WEEKDAYS:
            form[key].data = settings.day[key]
        form.shortfall_cost.data = settings.shortfall_cost
        form.move_cost.data = adapter.move_cost(edition)
        if drafts:
            form.base_version.data = drafts[0].id
    return form


def _render(edition: Edition, form: ScenarioForm, status: int = 200):
    return (
        render_template(
            "schedule/scenario_list.html",
            edition=edition,
            editions=staff_editions(),
            form=form,
            weekdays=WEEKDAYS,
            scenarios=scenarios.scenarios_of(edition),
            active=runs.active_run(edition),
            describe=lambda s: scenarios.describe(s, edition),
            status_labels=runs.STATUS_LABELS,
            version_name=versions.version_name,
            version_url=version_url,
        ),
        status,
    )


def _scenario_or_404(scenario_id: int) -> Scenario:
    runs.reap_stale_runs()
    scenario = db.get_or_404(Scenario, scenario_id)
    if scenario.run is not None:
        db.session.refresh(scenario.run)
    return scenario


@bp.get("/scenarios")
@roles_required(*STAFF)
def scenarios_index():
    """The edition's scenarios, the comparison's choice and the form that creates one."""
    edition = staff_edition(request.args.get("edition"))
    runs.reap_stale_runs()
    return _render(edition, _form(edition))


@bp.post("/scenarios")
@roles_required(*STAFF)
def create_scenario():
    """Create a scenario and queue its run (or say which run holds the edition)."""
    edition = staff_edition(request.args.get("edition"))
    form = _form(edition)
    base = db.session.get(TimetableVersion, form.base_version.data) if form.base_version.data else None

    def action():
        changes = scenarios.changes_from_form(
            edition,
            closure=(form.closure_theater.data or None, form.closure_first.data, form.closure_last.data),
            day={key: form[key].data for key in WEEKDAYS},
            shortfall_cost=form.shortfall_cost.data,
            move_cost=form.move_cost.data,
            add=form.add_films.data or [],
            drop=form.drop_films.data or [],
        )
        return scenarios.create_scenario(
            edition,
            name=form.name.data,
            base=base,
            changes=changes,
            actor=current_user,
            time_limit=form.time_limit.data,
        )

    def created(scenario: Scenario) -> None:
        if scenario.run is None:
            active = runs.active_run(edition)
            flash(
                _(
                    "Scenario “%(name)s” saved. Run %(id)s is in progress for this edition (one run at a "
                    "time): press Run on the scenario when it has ended.",
                    name=scenario.name,
                    id=active.id if active else "?",
                ),
                "warning",
            )
        elif runs.enqueue(scenario.run):
            flash(_("Scenario “%(name)s” saved; it is being solved.", name=scenario.name), "success")
        else:
            flash(_("The job queue could not take the run; see the error below."), "error")

    outcome = submit_form(
        form, action, success=created, target=url_for("schedule.scenarios_index", edition=edition.slug)
    )
    if not isinstance(outcome, Render):
        return outcome
    return _render(edition, form, status=outcome.status)


@bp.post("/scenarios/<int:scenario_id>/run")
@roles_required(*STAFF)
def run_scenario(scenario_id: int):
    """Queue a scenario's run (one that was saved while another run held the edition, or that failed)."""
    scenario = _scenario_or_404(scenario_id)
    edition = db.session.get(Edition, scenario.edition_id)
    back = url_for("schedule.scenarios_index", edition=edition.slug)
    limit = request.form.get("time_limit", type=int) or runs.TIME_LIMIT_DEFAULT

    def queued(run) -> None:
        if runs.enqueue(run):
            flash(_("Scenario “%(name)s” is being solved.", name=scenario.name), "success")
        else:
            flash(_("The job queue could not take the run; see the error below."), "error")

    return post_button(
        None,
        lambda: scenarios.start_scenario_run(scenario, actor=current_user, time_limit=limit),
        success=queued,
        back=back,
    )


@bp.post("/scenarios/<int:scenario_id>/promote")
@roles_required(*STAFF)
def promote_scenario(scenario_id: int):
    """Copy a scenario's result into a new draft (the base draft and the published version stay)."""
    scenario = _scenario_or_404(scenario_id)
    edition = db.session.get(Edition, scenario.edition_id)
    return post_button(
        None,
        lambda: scenarios.promote(scenario, actor=current_user),
        success=lambda draft: flash(
            _(
                "Draft %(number)s is a copy of scenario “%(scenario)s”; it is in the drafts list below.",
                number=draft.draft_number,
                scenario=scenario.name,
            ),
            "success",
        ),
        back=url_for("schedule.scenarios_index", edition=edition.slug),
        target=lambda draft: url_for("schedule.index", edition=edition.slug),
    )


@bp.post("/scenarios/<int:scenario_id>/delete")
@roles_required(*STAFF)
def delete_scenario(scenario_id: int):
    """Delete a scenario and its result version."""
    scenario = _scenario_or_404(scenario_id)
    edition = db.session.get(Edition, scenario.edition_id)
    name = scenario.name
    return post_button(
        None,
        lambda: scenarios.delete_scenario(scenario, actor=current_user),
        success=_("Scenario “%(name)s” was deleted.", name=name),
        back=url_for("schedule.scenarios_index", edition=edition.slug),
    )


@bp.get("/scenarios/compare")
@roles_required(*STAFF)
def compare_scenarios():
    """Two or more scenarios side by side with their base drafts and the published version."""
    edition = staff_edition(request.args.get("edition"))
    runs.reap_stale_runs()
    wanted = set(request.args.getlist("scenario", type=int))
    chosen = [s for s in scenarios.scenarios_of(edition) if s.id in wanted and s.result_version is not None]
    if len(chosen) < 2:
        flash(_("Choose two or more scenarios that have a result to compare them."), "error")
        return redirect(url_for("schedule.scenarios_index", edition=edition.slug), REDIRECT)
    columns = scenarios.compare(edition, reversed(chosen))
    return render_template(
        "schedule/scenario_compare.html",
        edition=edition,
        columns=columns,
        reference=next((c for c in columns if c.kind == "draft"), columns[0]),
        theaters=adapter.edition_theaters(edition),
        formats=sorted({k for c in columns for k in c.by_format}),
        format_label=lambda k: label_of(FORMAT_LABELS, k),
        verdict=scenarios.verdict,
        version_name=versions.version_name,
        version_url=version_url,
        describe=lambda s: scenarios.describe(s, edition),
    )
