"""Views of the venues area: venues with opening hours, theaters, and the blocks when a theater is taken
(blocks are events that are not public: festival.events.services writes them)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival import venue_scope as scope
from festival.editions import staff_edition, staff_editions
from festival.errors import InvalidInput
from festival.events import services as events
from festival.extensions import db
from festival.formtools import choices
from festival.handlers import Render, attachment, post_button, submit_form
from festival.labels import CITY_LABELS, EVENT_KIND_LABELS, FORMAT_LABELS, film_title
from festival.models import Edition, Event, Theater, TimetableVersion, User, Venue
from festival.models.enums import Role
from festival.navigation import localized
from festival.schedule import adapter, exports, versions
from festival.security import roles_required
from festival.venues import bp, managers, phones, services
from festival.venues.forms import (
    WEEKDAY_LABELS,
    BlockForm,
    CopyVenuesForm,
    InviteManagerForm,
    ManagerVenueForm,
    TheaterForm,
    VenueForm,
)
from festival.venues.hours import format_intervals

# who may open the venue pages: staff (any venue) and venue managers (their venues: ``_managed``)
MANAGERS = (Role.STAFF, Role.VENUE_MANAGER)


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _managed(venue: Venue) -> Venue:
    """The venue, if the current user may manage it (``scope.can_manage_venue``); else 403."""
    if not scope.can_manage_venue(current_user, venue):
        abort(403)
    return venue


def _is_staff() -> bool:
    return current_user.has_role(Role.STAFF)


def _edition_of(venue: Venue) -> Edition:
    return db.session.get(Edition, venue.edition_id)


def _index_url(edition: Edition, venue: Venue | None = None) -> str:
    return url_for("venues.index", edition=edition.slug, _anchor=f"venue-{venue.id}" if venue else None)


def _submit(form, act: Callable[..., object], done: str, target: str) -> Response | Render:
    """A venue, theater or block form: its values to the service (``festival.handlers.submit_form``)."""
    return submit_form(form, lambda: act(**form.values()), success=done, target=target)


def _perform(act: Callable[[], object], done: str, target: str) -> Response:
    """A button that needs no form (delete, copy): ``festival.handlers.post_button``, back to ``target``."""
    return post_button(None, act, success=done, back=target)


def _page(outcome: Response | Render, template: str, form, **context):
    """The redirect after a save, or the form's page again with the outcome's status."""
    if not isinstance(outcome, Render):
        return outcome
    return _render(template, form, status=outcome.status, **context)


def _render(template: str, form, status: int = 200, **context):
    context.setdefault("weekday_labels", WEEKDAY_LABELS)
    context.setdefault("format_labels", FORMAT_LABELS)
    context.setdefault("block_labels", EVENT_KIND_LABELS)
    context.setdefault("city_keys", list(CITY_LABELS))
    context.setdefault("phone_shown", phones.shown)
    context.setdefault("phone_uri", phones.tel_uri)
    return render_template(template, form=form, **context), status


def _initial(form_class, *objects) -> dict | None:
    """Initial form data from an object on GET; None on POST so the submitted data is used."""
    return None if request.method == "POST" else form_class.data_of(*objects)


# ---------------------------------------------------------------- venues


def _copy_form(edition: Edition) -> CopyVenuesForm:
    form = CopyVenuesForm()
    others = [e for e in staff_editions() if e.id != edition.id and adapter.edition_venues(e)]
    form.source.choices = choices((e.id, e.name) for e in others)
    return form


@bp.get("/")
@roles_required(*MANAGERS)
def index():
    """The edition's venues (a venue manager's own only) by city, with their hours, theaters and blocks,
    and (for staff) what the solver says about them."""
    edition, editions = scope.venue_edition(request.args.get("edition"))
    errors, warnings = services.solver_problems(edition) if _is_staff() else ([], [])
    venues = scope.manageable_venues(current_user, edition)
    return _render(
        "venues/index.html",
        None,
        copy_form=_copy_form(edition) if _is_staff() else None,
        edition=edition,
        editions=editions,
        cities=services.by_city(venues),
        managers={v.id: scope.managers_of(v) for v in venues} if _is_staff() else {},
        solver_errors=errors,
        solver_warnings=warnings,
        format_intervals=format_intervals,
    )


@bp.post("/copy")
@roles_required(Role.STAFF)
def copy_venues():
    """Copy another edition's venues (weekly hours) and theaters into this edition."""
    edition = staff_edition(request.args.get("edition"))
    form = _copy_form(edition)
    if not form.validate_on_submit():
        flash(_("Choose an edition to copy from."), "error")
        return redirect(_index_url(edition), 303)
    source = _get(Edition, form.source.data)
    act = partial(services.copy_venues, source, edition, actor=current_user)
    return _perform(
        act,
        _(
            "Venues, theaters and recurring events copied; add this year's holidays, closed dates and "
            "one-off blocks."
        ),
        _index_url(edition),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def new_venue():
    """Add a venue to the edition."""
    edition = staff_edition(request.args.get("edition"))
    form = VenueForm()
    act = partial(services.create_venue, edition, actor=current_user)
    done = _submit(form, act, _("Venue added."), _index_url(edition))
    return _page(done, "venues/venue_form.html", form, edition=edition, venue=None)


@bp.route("/<int:venue_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_venue(venue_id: int):
    """Change a venue's names, weekly hours, closed dates, special hours and contact (staff: its code,
    city and partner flag too)."""
    venue = _managed(_get(Venue, venue_id))
    edition = _edition_of(venue)
    form_class = VenueForm if _is_staff() else ManagerVenueForm
    form = form_class(data=_initial(form_class, venue))
    act = partial(services.update_venue, venue, actor=current_user)
    done = _submit(form, act, _("Venue saved."), _index_url(edition, venue))
    return _page(done, "venues/venue_form.html", form, edition=edition, venue=venue)


@bp.post("/<int:venue_id>/delete")
@roles_required(Role.STAFF)
def delete_venue(venue_id: int):
    """Delete a venue that no timetable uses."""
    venue = _get(Venue, venue_id)
    edition = _edition_of(venue)
    act = partial(services.delete_venue, venue, actor=current_user)
    return _perform(act, _("Venue deleted."), _index_url(edition))


# ---------------------------------------------------------------- theaters


@bp.route("/<int:venue_id>/theaters/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_theater(venue_id: int):
    """Add a theater to a venue."""
    venue = _managed(_get(Venue, venue_id))
    edition = _edition_of(venue)
    form = TheaterForm()
    act = partial(services.create_theater, venue, actor=current_user)
    done = _submit(form, act, _("Theater added."), _index_url(edition, venue))
    return _page(done, "venues/theater_form.html", form, edition=edition, venue=venue, theater=None)


@bp.route("/theaters/<int:theater_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_theater(theater_id: int):
    """Change a theater's seats, formats, features, changeover and start step."""
    theater = _get(Theater, theater_id)
    _managed(theater.venue)
    edition = _edition_of(theater.venue)
    form = TheaterForm(data=_initial(TheaterForm, theater))
    act = partial(services.update_theater, theater, actor=current_user)
    done = _submit(form, act, _("Theater saved."), _index_url(edition, theater.venue))
    return _page(
        done, "venues/theater_form.html", form, edition=edition, venue=theater.venue, theater=theater
    )


@bp.post("/theaters/<int:theater_id>/delete")
@roles_required(*MANAGERS)
def delete_theater(theater_id: int):
    """Delete a theater that no timetable uses."""
    theater = _get(Theater, theater_id)
    _managed(theater.venue)
    target = _index_url(_edition_of(theater.venue), theater.venue)
    act = partial(services.delete_theater, theater, actor=current_user)
    return _perform(act, _("Theater deleted."), target)


# ---------------------------------------------------------------- blocks


def _block_form(venue: Venue, **kwargs) -> BlockForm:
    form = BlockForm(**kwargs)
    form.theaters.choices = choices((t.id, localized(t, "name")) for t in venue.theaters)
    return form


def _block(block_id: int) -> Event:
    """A block of a theater (an event that is not public; public events are edited on the events pages)
    in a venue the current user manages."""
    block = _get(Event, block_id)
    if block.public or block.theater is None:
        abort(404)
    _managed(block.theater.venue)
    return block


def _block_theaters(venue: Venue, ids: list[int]) -> list[Theater]:
    wanted = set(ids or [])
    return [t for t in venue.theaters if t.id in wanted]


@bp.route("/<int:venue_id>/blocks", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def blocks(venue_id: int):
    """The venue's blocks, and a form to block one or more theaters for a period."""
    venue = _managed(_get(Venue, venue_id))
    edition = _edition_of(venue)
    form = _block_form(venue)

    def act(**values):
        return events.add_blocks(_block_theaters(venue, form.theaters.data), actor=current_user, **values)

    done = _submit(form, act, _("Block added."), url_for("venues.blocks", venue_id=venue.id))
    rows = sorted(
        (e for t in venue.theaters for e in adapter.placed_events(t)),
        key=lambda e: (e.start, e.theater.position),
    )
    return _page(done, "venues/blocks.html", form, edition=edition, venue=venue, blocks=rows)


@bp.route("/blocks/<int:block_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_block(block_id: int):
    """Change one block (its theater, kind, label and period)."""
    block = _block(block_id)
    venue = block.theater.venue
    edition = _edition_of(venue)
    form = _block_form(venue, data=_initial(BlockForm, block, edition))

    def act(**values):
        chosen = _block_theaters(venue, form.theaters.data)
        if len(chosen) != 1:
            raise InvalidInput(errors={"theaters": [_("Tick exactly one theater for an existing block.")]})
        return events.update_block(block, actor=current_user, theater=chosen[0], **values)

    done = _submit(form, act, _("Block saved."), url_for("venues.blocks", venue_id=venue.id))
    return _page(done, "venues/block_form.html", form, edition=edition, venue=venue, block=block)


@bp.post("/blocks/<int:block_id>/delete")
@roles_required(*MANAGERS)
def delete_block(block_id: int):
    """Remove a block."""
    block = _block(block_id)
    target = url_for("venues.blocks", venue_id=block.theater.venue_id)
    act = partial(events.delete_block, block, actor=current_user)
    return _perform(act, _("Block removed."), target)


# ---------------------------------------------------------------- venue managers


@bp.route("/managers/invite", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def invite_manager():
    """Invite a person to manage chosen venues of the edition (the generic invitations)."""
    edition = staff_edition(request.args.get("edition"))
    venues = adapter.edition_venues(edition)
    chosen = request.args.get("venue", type=int)
    form = InviteManagerForm(data=None if request.method == "POST" else {"venues": [chosen]})
    form.venues.choices = choices((v.id, localized(v, "name")) for v in venues)

    def act():
        wanted = set(form.venues.data or [])
        picked = [v for v in venues if v.id in wanted]
        actor = current_user._get_current_object()
        return managers.invite_manager(email=form.email.data, name=form.name.data, venues=picked, actor=actor)

    def sent(invitation) -> None:
        flash(_("We sent an invitation to %(email)s.", email=invitation.email), "success")

    done = submit_form(form, act, success=sent, target=_index_url(edition))
    return _page(
        done,
        "venues/invite_manager.html",
        form,
        edition=edition,
        pending=managers.pending_manager_invitations(venues),
        venues=venues,
    )


@bp.post("/<int:venue_id>/managers/<int(max=2147483647):user_id>/remove")
@roles_required(Role.STAFF)
def remove_manager(venue_id: int, user_id: int):
    """Take a venue out of a manager's scope (the last one takes the role too)."""
    venue = _get(Venue, venue_id)
    user = _get(User, user_id)
    act = partial(managers.remove_from_scope, user, venue, actor=current_user._get_current_object())
    done = _("%(name)s no longer manages this venue.", name=user.name)
    return _perform(act, done, _index_url(_edition_of(venue), venue))


# ---------------------------------------------------------------- the venues' timetable (read-only)

WHICH_VERSION = ("published", "draft")


def _timetable(edition: Edition) -> tuple[str, TimetableVersion | None, list[Venue]]:
    """The version asked for (``?version=published`` or ``draft``: the published timetable, else the
    newest draft) and the venues of the current user in the edition."""
    which = request.args.get("version")
    which = which if which in WHICH_VERSION else WHICH_VERSION[0]
    version = versions.published_version(edition) if which == "published" else versions.current_draft(edition)
    return which, version, scope.manageable_venues(current_user, edition)


def _timetable_file(edition: Edition, version: TimetableVersion, extension: str) -> str:
    which = f"v{version.number}" if version.number else f"draft{version.draft_number or version.id}"
    return f"{edition.slug}-venues-{which}.{extension}"


@bp.get("/timetable")
@roles_required(*MANAGERS)
def timetable():
    """The screenings in the current user's venues (all venues for staff), of the published timetable or
    the newest draft, by day; read-only, with CSV and iCalendar downloads."""
    edition, editions = scope.venue_edition(request.args.get("edition"))
    which, version, venues = _timetable(edition)
    screenings = scope.venue_screenings(version, venues) if version else []
    return render_template(
        "venues/timetable.html",
        edition=edition,
        editions=editions,
        which=which,
        version=version,
        venues=venues,
        venue_names=", ".join(localized(v, "name") for v in venues),
        days=exports.programme_days(edition, screenings),
        format_labels=FORMAT_LABELS,
        film_title=film_title,
    )


def _download(edition: Edition, extension: str, build) -> Response:
    _which, version, venues = _timetable(edition)
    if version is None:
        abort(404)
    response = Response(build(version, scope.venue_screenings(version, venues)))
    response.mimetype = {"csv": "text/csv", "ics": "text/calendar"}[extension]
    response.headers["Content-Disposition"] = attachment(_timetable_file(edition, version, extension))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/timetable.csv")
@roles_required(*MANAGERS)
def timetable_csv():
    """The venues' screenings as CSV (the box office's columns)."""
    edition, _editions = scope.venue_edition(request.args.get("edition"))
    return _download(edition, "csv", lambda version, rows: exports.csv_text(version, rows).encode("utf-8"))


@bp.get("/timetable.ics")
@roles_required(*MANAGERS)
def timetable_ics():
    """The venues' screenings as an iCalendar file."""
    edition, _editions = scope.venue_edition(request.args.get("edition"))

    def build(version: TimetableVersion, rows: list) -> bytes:
        name = _timetable_file(edition, version, "ics").removesuffix(".ics")
        return exports.calendar(edition, rows, name=name, stamp=version.published_at or version.created_at)

    return _download(edition, "ics", build)
