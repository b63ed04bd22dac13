"""Views of the editions office: the list, a new edition or a copy (admins), an edition's settings, state,
holidays and demand settings (staff)."""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from festival.edition_admin import bp
from festival.edition_admin.forms import (
    CopyForm,
    DemandForm,
    EditionForm,
    HolidayForm,
    OnlineForm,
    PrintsForm,
    TransitForm,
)
from festival.editions import demand, lifecycle, remember_edition, services
from festival.extensions import db
from festival.formtools import choices
from festival.handlers import REDIRECT, Render, post_button, submit_form
from festival.history import trail
from festival.labels import EVENT_KIND_LABELS, HOLIDAY_KIND_LABELS, film_title
from festival.models import Edition, EditionHoliday, Entry, User
from festival.models.enums import EditionStatus, HolidayKind, Role
from festival.navigation import local_target, localized
from festival.schedule import online, runs
from festival.schedule import prints as film_prints
from festival.security import roles_required


def _actor() -> User:
    return current_user._get_current_object()


def _edition(slug: str) -> Edition:
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == slug))
    if edition is None:
        abort(404)
    return edition


def _edition_url(edition: Edition) -> str:
    return url_for("edition_admin.edition", slug=edition.slug)


@bp.get("/")
@roles_required(Role.STAFF)
def index():
    """Every edition with its state, newest window first."""
    editions = list(
        db.session.scalars(sa.select(Edition).order_by(Edition.first_day.desc(), Edition.id.desc()))
    )
    return render_template("edition_admin/index.html", editions=editions, labels=lifecycle.STATE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new():
    """A new edition from scratch."""
    form = EditionForm()
    outcome = submit_form(
        form,
        lambda: services.create_edition(form.values(), actor=_actor()),
        success=_("The edition is created, in draft. Add its venues, rubric and panels, then open the call."),
        target=_edition_url,
    )
    if isinstance(outcome, Render):
        return render_template(
            "edition_admin/edition_form.html", form=form, edition=None, source=None
        ), outcome.status
    return outcome


@bp.route("/<slug>/copy", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def copy(slug: str):
    """A new edition as a copy of this one (its venues, rubric, panels, letters and demand settings)."""
    source = _edition(slug)
    form = CopyForm(data=None if request.method == "POST" else _copy_defaults(source))
    outcome = submit_form(
        form,
        lambda: services.copy_edition(
            source, form.values(), with_panel_members=form.with_panel_members.data, actor=_actor()
        ),
        success=_copied,
        target=lambda report: _edition_url(report.edition),
    )
    if isinstance(outcome, Render):
        return render_template(
            "edition_admin/edition_form.html", form=form, edition=None, source=source
        ), outcome.status
    return outcome


def _copy_defaults(source: Edition) -> dict:
    values = EditionForm.of(source)
    values.update(name="", name_zh="", slug="", reference_prefix="", call_opens_at=None)
    return values


def _copied(report: services.CopyReport) -> None:
    flash(
        ngettext(
            "The copy is created, in draft, with %(num)d recurring block moved to the new window.",
            "The copy is created, in draft, with %(num)d recurring blocks moved to the new window.",
            report.blocks_moved,
        ),
        "success",
    )


def _edition_page(edition: Edition, form: EditionForm, status: int = 200):
    return render_template(
        "edition_admin/edition.html",
        edition=edition,
        form=form,
        moves=lifecycle.moves_for(edition, _actor()),
        states=list(EditionStatus),
        labels=lifecycle.STATE_LABELS,
        one_off=services.one_off_blocks_not_copied(edition),
        event_kind_labels=EVENT_KIND_LABELS,
        history=trail([edition], edition=edition),
    ), status


@bp.route("/<slug>", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def edition(slug: str):
    """One edition: its state with the next moves, its settings, what its copy left out, its history."""
    found = _edition(slug)
    remember_edition(found)
    form = EditionForm(data=None if request.method == "POST" else EditionForm.of(found))
    outcome = submit_form(
        form,
        lambda: services.update_edition(found, form.values(), actor=_actor()),
        success=lambda changed: flash(_("Saved.") if changed else _("Nothing changed."), "success"),
        target=lambda _changed: _edition_url(found),
    )
    return _edition_page(found, form, outcome.status) if isinstance(outcome, Render) else outcome


@bp.post("/<slug>/state")
@roles_required(Role.STAFF)
def move(slug: str):
    """One of the moves the status strip offers."""
    found = _edition(slug)
    target = request.form.get("target")
    if target not in EditionStatus._value2member_map_:
        abort(400)
    return post_button(
        None,
        partial(lifecycle.move, found, EditionStatus(target), actor=_actor()),
        success=_(
            "%(edition)s is now “%(state)s”.",
            edition=found.name,
            state=lifecycle.label(EditionStatus(target)),
        ),
        back=_edition_url(found),
    )


@bp.post("/choose")
@roles_required(Role.STAFF)
def choose():
    """The header's edition picker: staff pages show this edition from now on."""
    found = _edition(request.form.get("edition") or "")
    remember_edition(found)
    return redirect(
        local_target(request.form.get("next")) if request.form.get("next") else _edition_url(found), REDIRECT
    )


# ---------------------------------------------------------------- demand settings and holidays


def _demand_page(edition: Edition, form: DemandForm, holiday_form: HolidayForm, settings, status: int = 200):
    return render_template(
        "edition_admin/demand.html",
        edition=edition,
        form=form,
        holiday_form=holiday_form,
        weeks=demand.calendar(edition, settings),
        weekdays=demand.WEEKDAYS,
        settings=settings,
        kind_labels=HOLIDAY_KIND_LABELS,
    ), status


@bp.route("/<slug>/demand", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def demand_settings(slug: str):
    """The demand settings with the calendar of resulting day weights. "Preview" shows the calendar of the
    values typed without saving; "Save" stores them."""
    found = _edition(slug)
    current = demand.DemandSettings.of(found)
    form = DemandForm(data=None if request.method == "POST" else DemandForm.of(current))
    holiday_form = HolidayForm(formdata=None)
    if request.method == "POST" and "preview" in request.form:
        if not form.validate_on_submit():
            return _demand_page(found, form, holiday_form, current, 422)
        typed = form.settings()
        errors = typed.errors(found)
        for name, messages in errors.items():
            getattr(form, name).errors = list(messages)
        return _demand_page(found, form, holiday_form, current if errors else typed, 422 if errors else 200)
    outcome = submit_form(
        form,
        lambda: demand.save(found, form.settings(), actor=_actor()),
        success=_("The demand settings are saved."),
        target=url_for("edition_admin.demand_settings", slug=found.slug),
    )
    return (
        _demand_page(found, form, holiday_form, current, outcome.status)
        if isinstance(outcome, Render)
        else outcome
    )


@bp.post("/<slug>/holidays")
@roles_required(Role.STAFF)
def add_holiday(slug: str):
    found = _edition(slug)
    form = HolidayForm()
    return post_button(
        form,
        lambda: services.add_holiday(
            found,
            day=form.day.data,
            name=form.name.data,
            name_zh=form.name_zh.data,
            kind=HolidayKind(form.kind.data),
            actor=_actor(),
        ),
        success=_("The day is added; the demand weights follow."),
        back=url_for("edition_admin.demand_settings", slug=found.slug, _anchor="holidays"),
    )


@bp.post("/<slug>/holidays/<int(max=2147483647):holiday_id>/remove")
@roles_required(Role.STAFF)
def remove_holiday(slug: str, holiday_id: int):
    found = _edition(slug)
    holiday = db.get_or_404(EditionHoliday, holiday_id)
    if holiday.edition_id != found.id:
        abort(404)
    return post_button(
        None,
        partial(services.remove_holiday, holiday, actor=_actor()),
        success=_("The day is removed; the demand weights follow."),
        back=url_for("edition_admin.demand_settings", slug=found.slug, _anchor="holidays"),
    )


# ---------------------------------------------------------------- prints and transit days


@bp.route("/<slug>/transit", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def transit(slug: str):
    """The days a print needs between two cities: the edition's default and the pairs that differ."""
    found = _edition(slug)
    pairs = film_prints.pairs_of(found)
    typed = "\n".join(f"{p.city_a} {p.city_b} {p.days}" for p in pairs)
    form = TransitForm(data=None if request.method == "POST" else {"default": found.transit_days_default,
                                                                   "pairs": typed})  # fmt: skip
    outcome = submit_form(
        form,
        lambda: film_prints.set_transit(
            found,
            default=form.default.data,
            pairs=[film_prints.Pair(*p) for p in form.pairs.parsed],
            actor=_actor(),
        ),  # fmt: skip
        success=_("The transit days are saved."),
        target=url_for("edition_admin.transit", slug=found.slug),
    )
    if isinstance(outcome, Render):
        page = render_template(
            "edition_admin/transit.html", edition=found, form=form, cities=film_prints.edition_cities(found)
        )
        return page, outcome.status
    return outcome


@bp.route("/<slug>/prints")
@roles_required(Role.STAFF)
def prints(slug: str):
    """The accepted films with their prints (digital unless staff say otherwise)."""
    found = _edition(slug)
    films = [(e, d, film_prints.film_prints(e)) for e, d in film_prints.accepted_films(found)]
    return render_template("edition_admin/prints.html", edition=found, films=films)


@bp.route("/<slug>/prints/<int(max=2147483647):entry_id>", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def film_prints_form(slug: str, entry_id: int):
    """One film's prints: how many, and where each one is when the window opens."""
    found = _edition(slug)
    entry = db.get_or_404(Entry, entry_id)
    decision = film_prints.accepted_decision(entry)
    if entry.edition_id != found.id or decision is None:
        abort(404)
    rows = film_prints.film_prints(entry)
    shown = max(3, decision.prints or 0)
    data = None
    if request.method != "POST":
        data = {"prints": decision.prints, "starts": [p.start_venue_id or 0 for p in rows]}
    form = PrintsForm(data=data)
    while len(form.starts) < shown:
        form.starts.append_entry(0)
    venues = choices(
        [(0, _("not known"))] + [(v.id, localized(v, "name")) for v in film_prints.venue_choices(found)]
    )
    for f in form.starts:
        f.choices = venues
    outcome = submit_form(
        form,
        lambda: film_prints.set_prints(
            entry, prints=form.prints.data, start_venues=form.start_venues(), actor=_actor()
        ),
        success=_("The prints of %(film)s are saved.", film=film_title(entry)),
        target=url_for("edition_admin.prints", slug=found.slug),
    )
    if isinstance(outcome, Render):
        page = render_template("edition_admin/film_prints.html", edition=found, entry=entry, form=form)
        return page, outcome.status
    return outcome


# ---------------------------------------------------------------- the online edition


@bp.route("/<slug>/online", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def online_edition(slug: str):
    """Turn the edition, or part of it, online: every entry, review and decision stays; a run makes the new
    draft of the online or hybrid programme."""
    found = _edition(slug)
    current = online.settings_of(found)
    data = None
    if request.method != "POST" and current is not None:
        data = {
            "mode": current.mode, "channels": current.channels, "window_hours": current.window_minutes // 60,
            "tickets": current.tickets, "stream_formats": list(current.stream_formats),
        }  # fmt: skip
    form = OnlineForm(data=data)

    def switch():
        settings = online.OnlineSettings(
            channels=form.channels.data, window_minutes=form.window_hours.data * 60,
            tickets=form.tickets.data, stream_formats=tuple(form.stream_formats.data or ()),
            mode=form.mode.data,
        )  # fmt: skip
        return online.go_online(found, settings, actor=_actor())

    def queued(run) -> None:
        if runs.enqueue(run):
            flash(_("The edition is switched; the new draft is being generated."), "success")
        else:
            flash(_("The job queue could not take the run; see the error below."), "error")

    outcome = submit_form(
        form, switch, success=queued, target=lambda run: url_for("schedule.run_detail", run_id=run.id),
        field_names={"window_minutes": "window_hours"},
    )  # fmt: skip
    if isinstance(outcome, Render):
        if isinstance(outcome.error, runs.RunAlreadyActive):
            flash(_("A timetable run is in progress; switch once it has finished."), "error")
        page = render_template(
            "edition_admin/online.html", edition=found, form=form, current=current,
            channels=online.channels(found),
        )  # fmt: skip
        return page, outcome.status
    return outcome
